import { useState } from "react";
import { api, errorText, money, type Order } from "../api/client";
import { Message, type Note } from "./Message";

/** Refund chosen seats of a paid order: choose, confirm what it gives back, and read the result right here. */
export function RefundSeats({ order, onRefunded }: { order: Order; onRefunded: (order: Order) => void }) {
  const refundable = order.chairs.filter((chair) => !(order.refunded_chairs ?? []).includes(chair));
  const [step, setStep] = useState<"closed" | "choosing" | "confirming">("closed");
  const [chosen, setChosen] = useState<string[]>(refundable);
  const [note, setNote] = useState<Note>(null);
  const [busy, setBusy] = useState(false);
  const price = (chair: string) => order.chair_prices?.[chair] ?? 0;
  const amount = chosen.reduce((sum, chair) => sum + price(chair), 0);
  const total = money(amount, order.currency);
  const what = `${chosen.length} seat${chosen.length === 1 ? "" : "s"} (${chosen.join(", ")})`;

  const refund = async () => {
    setBusy(true);
    const { data, error } = await api.POST("/orders/{order_id}/refund", {
      params: { path: { order_id: order.order_id } },
      body: { chairs: chosen },
    });
    setBusy(false);
    setStep("closed");
    if (!data) return setNote({ kind: "error", text: `No refund: ${errorText(error)}` });
    setNote({ kind: "info", text: `Refunded ${total} for ${chosen.join(", ")}.` });
    onRefunded(data);
  };

  if (!refundable.length) return <Message note={note} />;
  return (
    <div className="refund">
      <Message note={note} />
      {step === "closed" && (
        <button
          type="button"
          className="secondary"
          onClick={() => {
            setChosen(refundable);
            setNote(null);
            setStep("choosing");
          }}
        >
          Refund seats…
        </button>
      )}
      {step === "choosing" && (
        <fieldset>
          <legend>Seats to refund</legend>
          {refundable.map((chair) => (
            <label key={chair} className="inline">
              <input
                type="checkbox"
                checked={chosen.includes(chair)}
                onChange={(event) =>
                  setChosen((now) => (event.target.checked ? [...now, chair] : now.filter((c) => c !== chair)))
                }
              />
              {chair} · {money(price(chair), order.currency)}
            </label>
          ))}
          <p>
            <button type="button" disabled={!chosen.length} onClick={() => setStep("confirming")}>
              Refund {chosen.length ? total : "…"}
            </button>{" "}
            <button type="button" className="secondary" onClick={() => setStep("closed")}>
              Keep my tickets
            </button>
          </p>
        </fieldset>
      )}
      {step === "confirming" && (
        <div role="group" aria-label="Confirm the refund">
          <p>
            <strong>
              Refund {what} for {total}?
            </strong>{" "}
            Their tickets stop working at once; the money goes back the way it was paid.
          </p>
          <button type="button" onClick={refund} disabled={busy}>
            Yes, refund {total}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setStep("choosing")} disabled={busy}>
            Back
          </button>
        </div>
      )}
    </div>
  );
}
