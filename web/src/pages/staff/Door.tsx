import { useCallback, useEffect, useRef, useState, type FormEvent } from "react";
import { api, when, type ApiError, type Schemas } from "../../api/client";
import { ScreeningSelect, useScreeningChoice } from "../../ui/ScreeningSelect";

type Attendance = Schemas["AttendanceOut"];
type Result =
  | { admitted: true; chair: string; at: string }
  | { admitted: false; title: string; lines: string[] };

/** A refusal as the door attendant needs it at arm's length: what is wrong, and what the API says of it. */
function refusal(error: unknown): Result {
  const shaped = (error ?? {}) as Partial<ApiError>;
  const details = (shaped.details ?? {}) as Record<string, string | undefined>;
  const lines: string[] = [];
  if (shaped.code === "ALREADY_CHECKED_IN") {
    if (details.checked_in_at) lines.push(`Admitted ${when(details.checked_in_at)}`);
    if (details.checked_in_by) lines.push(`by ${details.checked_in_by}`);
  } else if (shaped.code === "WRONG_SCREENING") {
    lines.push(`This ticket is for ${details.movie_name ?? "another screening"}`);
  } else if (shaped.code === "TICKET_NOT_VALID" && details.order_status) {
    lines.push(`Its order is ${details.order_status.toLowerCase()}`);
  }
  return { admitted: false, title: shaped.message ?? "Not admitted", lines };
}

/** The last scan's result: a full-width panel, green or red, readable at arm's length. */
function ResultPanel({ result }: { result: Result | null }) {
  return (
    <div aria-live="assertive" className="door-result-region">
      {result &&
        (result.admitted ? (
          <div role="status" className="door-result admitted">
            <strong>Admitted</strong>
            <span className="door-seat">Seat {result.chair}</span>
          </div>
        ) : (
          <div role="alert" className="door-result refused">
            <strong>Not admitted</strong>
            <span>{result.title}</span>
            {result.lines.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </div>
        ))}
    </div>
  );
}

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
  const [result, setResult] = useState<Result | null>(null);
  const [attendance, setAttendance] = useState<Attendance | null>(null);
  const [scanning, setScanning] = useState(false);
  const video = useRef<HTMLVideoElement>(null);
  const input = useRef<HTMLInputElement>(null);
  const canScan = "BarcodeDetector" in window;

  const count = useCallback(async () => {
    if (!screeningId) return;
    const { data } = await api.GET("/screenings/{screening_id}/attendance", {
      params: { path: { screening_id: screeningId } },
    });
    setAttendance(data ?? null);
  }, [screeningId]);
  useEffect(() => {
    setResult(null);
    count();
    input.current?.focus(); // the page opens ready for the first scan
  }, [count]);

  const admit = async (text: string) => {
    const code = ticketCode(text);
    if (!code) return;
    const { data, error } = await api.POST("/tickets/{code}/check-in", {
      params: { path: { code } },
      body: { screening_id: screeningId },
    });
    setResult(data ? { admitted: true, chair: data.chair, at: data.checked_in_at } : refusal(error));
    count();
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
      <ResultPanel result={result} />
      {attendance && (
        <p className="door-counts" aria-live="polite">
          Admitted <strong>{attendance.checked_in}</strong> of <strong>{attendance.sold}</strong> sold ·{" "}
          {attendance.to_come} to come
        </p>
      )}
    </section>
  );
}
