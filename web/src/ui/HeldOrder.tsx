import { useEffect, useRef, useState } from "react";
import { api, errorText, money, type Order } from "../api/client";
import type { Note } from "./Message";

const TEST_CARDS = [
  { token: "tok_ok", label: "Test card that is approved" },
  { token: "tok_declined", label: "Test card that is declined" },
];

export function secondsLeft(order: Order | null, now: number): number {
  if (!order?.expires_at || order.status !== "HELD") return 0;
  return Math.max(0, Math.floor((Date.parse(order.expires_at) - now) / 1000));
}

/** A live hold wherever it shows (the seat map, My orders): its countdown, Pay and Cancel. Tells its owner
 * what happened through the callbacks; the hold running out is `onChanged(null, ...)`. */
export function HeldOrder({
  order,
  onChanged,
}: {
  order: Order;
  onChanged: (order: Order | null, note: Note) => void;
}) {
  const [now, setNow] = useState(Date.now());
  const [card, setCard] = useState("tok_ok");
  const [busy, setBusy] = useState(false);
  const attempts = useRef(0);
  const left = secondsLeft(order, now);

  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const ended = left === 0;
  useEffect(() => {
    if (ended) onChanged(null, { kind: "error", text: "Your hold has ended: the seats are free again." });
  }, [ended]); // once, when it reaches 0 (onChanged is a new function each render)

  const pay = async () => {
    attempts.current += 1;
    setBusy(true);
    const { data, error } = await api.POST("/orders/{order_id}/payment", {
      params: { path: { order_id: order.order_id }, header: { "idempotency-key": `${order.order_id}-${attempts.current}` } },
      body: { confirmation_id: order.confirmation_id, payment_method: card },
    });
    setBusy(false);
    if (!data) return onChanged(order, { kind: "error", text: `The payment did not go through: ${errorText(error)}` });
    onChanged(data, { kind: "info", text: `Paid. Your tickets for ${data.chairs.join(", ")} are in My orders.` });
  };

  const cancel = async () => {
    setBusy(true);
    const { error } = await api.DELETE("/orders/{order_id}", { params: { path: { order_id: order.order_id } } });
    setBusy(false);
    if (error) return onChanged(order, { kind: "error", text: `The hold was not cancelled: ${errorText(error)}` });
    onChanged(null, { kind: "info", text: "The hold is cancelled; the seats are free again." });
  };

  const minutes = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
  return (
    <div className="held-order">
      <p className="countdown">
        Held for <strong>{minutes}</strong> more · seats {order.chairs.join(", ")} ·{" "}
        {money(order.amount_cents, order.currency)}
      </p>
      <fieldset>
        <legend>Pay with</legend>
        {TEST_CARDS.map((option) => (
          <label key={option.token} className="inline">
            <input
              type="radio"
              name={`card-${order.order_id}`}
              value={option.token}
              checked={card === option.token}
              onChange={() => setCard(option.token)}
            />
            {option.label}
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={pay} disabled={busy}>
        Pay {money(order.amount_cents, order.currency)}
      </button>{" "}
      <button type="button" className="secondary" onClick={cancel} disabled={busy}>
        Cancel the hold
      </button>
    </div>
  );
}
