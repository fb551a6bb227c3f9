import { useRef, useState, type FormEvent } from "react";
import { api, errorText } from "../../api/client";
import { Message, type Note } from "../../ui/Message";
import { ScreeningSelect, useScreeningChoice } from "../../ui/ScreeningSelect";

/** A ticket's code from what was typed, pasted or scanned: the code itself, or the signed QR (a JWS whose
 * payload carries it as `tkt`). */
export function ticketCode(text: string): string {
  const value = text.trim();
  const parts = value.split(".");
  if (parts.length === 3 && parts[0].startsWith("eyJ")) {
    try {
      const payload = JSON.parse(atob(parts[1].replace(/-/g, "+").replace(/_/g, "/"))) as { tkt?: string };
      if (payload.tkt) return payload.tkt;
    } catch {
      // not a signed ticket after all: try it as a code
    }
  }
  return value;
}

type Detector = { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };

/** The door: type, paste or scan a ticket; a second scan is refused with when and by whom. */
export function Door() {
  const { screenings, chosen: screeningId, choose } = useScreeningChoice();
  const [note, setNote] = useState<Note>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const canScan = "BarcodeDetector" in window;

  const admit = async (text: string) => {
    const code = ticketCode(text);
    if (!code) return;
    const { data, error } = await api.POST("/tickets/{code}/check-in", {
      params: { path: { code } },
      body: { screening_id: screeningId },
    });
    setNote(
      data
        ? { kind: "info", text: `Admitted: seat ${data.chair}.` }
        : { kind: "error", text: `Not admitted: ${errorText(error)}` },
    );
    if (input.current) {
      input.current.value = "";
      input.current.focus();
    }
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    admit(String(new FormData(event.currentTarget).get("code")));
  };

  const scan = async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    const Detector = (window as unknown as { BarcodeDetector: new (o: object) => Detector }).BarcodeDetector;
    const detector = new Detector({ formats: ["qr_code"] });
    setScanning(true);
    if (!video.current) return;
    video.current.srcObject = stream;
    await video.current.play();
    const look = async () => {
      const found = video.current ? await detector.detect(video.current) : [];
      if (found[0]) {
        stream.getTracks().forEach((track) => track.stop());
        setScanning(false);
        await admit(found[0].rawValue);
      } else requestAnimationFrame(look);
    };
    look();
  };

  return (
    <section>
      <h1>Door</h1>
      <ScreeningSelect screenings={screenings} chosen={screeningId} choose={choose} />
      <form onSubmit={submit} className="card">
        <label>
          Ticket code (type, paste, or scan with a handheld scanner)
          <input name="code" ref={input} autoComplete="off" required />
        </label>
        <button type="submit">Admit</button>{" "}
        {canScan && (
          <button type="button" className="secondary" onClick={scan} disabled={scanning}>
            Scan with the camera
          </button>
        )}
      </form>
      <video ref={video} hidden={!scanning} muted playsInline aria-label="Camera" />
      <Message note={note} />
    </section>
  );
}
