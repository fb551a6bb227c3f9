import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";
import { api, errorText, money, when, type Order, type Ticket } from "../api/client";

function TicketCode({ ticket, order }: { ticket: Ticket; order: Order }) {
  const [image, setImage] = useState("");
  useEffect(() => {
    // The signed QR (verifiable offline at the door) when the order has one, else the ticket's code.
    QRCode.toDataURL(ticket.qr ?? ticket.code, { errorCorrectionLevel: "M", margin: 1, width: 160 }).then(setImage);
  }, [ticket]);
  const state = ticket.refunded_at ? "refunded" : ticket.checked_in_at ? "admitted" : "valid";
  return (
    <figure className="ticket">
      {image && <img src={image} width={160} height={160} alt={`QR code of the ticket for seat ${ticket.chair}, ${order.movie_name}`} />}
      <figcaption>
        Seat {ticket.chair} · {state}
        <code className="code">{ticket.code}</code>
      </figcaption>
    </figure>
  );
}

/** The signed-in customer's orders, newest first, with tickets and refunds. */
export function MyOrders() {
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [message, setMessage] = useState<{ kind: "error" | "info"; text: string } | null>(null);
  const load = useCallback(() => {
    api.GET("/orders", { params: { query: { limit: 50 } } }).then(({ data, error }) => {
      if (!data) return setMessage({ kind: "error", text: errorText(error) });
      setOrders(data.items);
    });
  }, []);
  useEffect(load, [load]);

  const refund = async (order: Order) => {
    const { data, error } = await api.POST("/orders/{order_id}/refund", {
      params: { path: { order_id: order.order_id } },
      body: {},
    });
    setMessage(
      data
        ? { kind: "info", text: `Refunded ${money(data.refunded_cents, data.currency)} for ${order.movie_name}.` }
        : { kind: "error", text: `No refund: ${errorText(error)}` },
    );
    load();
  };

  return (
    <section>
      <h1>My orders</h1>
      <div aria-live="polite">
        {message && (
          <p role={message.kind === "error" ? "alert" : "status"} className={message.kind}>
            {message.text}
          </p>
        )}
      </div>
      {orders === null ? (
        <p>Loading…</p>
      ) : orders.length === 0 ? (
        <p>
          No orders yet. <a href="#/">Find a screening</a>
        </p>
      ) : (
        <ul className="orders">
          {orders.map((order) => (
            <li key={order.order_id} className="card">
              <h2>
                {order.movie_name} · {when(order.starts_at)}
              </h2>
              <p>
                {order.hall_name} · seats {order.chairs.join(", ")} · {money(order.amount_cents, order.currency)} ·{" "}
                <strong>{order.status}</strong>
                {order.refunded_cents > 0 && ` · refunded ${money(order.refunded_cents, order.currency)}`}
              </p>
              {order.status === "PAID" && (
                <>
                  <div className="tickets">
                    {(order.tickets ?? []).map((ticket) => (
                      <TicketCode key={ticket.code} ticket={ticket} order={order} />
                    ))}
                  </div>
                  <button type="button" className="secondary" onClick={() => refund(order)}>
                    Refund this order
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
