import QRCode from "qrcode";
import { useCallback, useEffect, useState } from "react";
import { api, errorText, money, when, type Order, type Ticket } from "../api/client";
import { HeldOrder } from "../ui/HeldOrder";
import { Message, type Note } from "../ui/Message";
import { RefundSeats } from "../ui/RefundSeats";

const QR_PX = 256; // at least 250 CSS px: a door scanner reads it off a phone held at arm's length

function TicketCode({ ticket, order }: { ticket: Ticket; order: Order }) {
  const [image, setImage] = useState("");
  useEffect(() => {
    // The signed QR (verifiable offline at the door) when the order has one, else the ticket's code.
    // Drawn at 2x its CSS size for sharp modules on a phone; the 4-module quiet zone a reader needs around it.
    QRCode.toDataURL(ticket.qr ?? ticket.code, { errorCorrectionLevel: "M", margin: 4, width: 2 * QR_PX }).then(setImage);
  }, [ticket]);
  const state = ticket.refunded_at ? "refunded" : ticket.checked_in_at ? "admitted" : "valid";
  return (
    <figure className="ticket">
      {image && <img src={image} width={QR_PX} height={QR_PX} alt={`QR code of the ticket for seat ${ticket.chair}, ${order.movie_name}`} />}
      <figcaption>
        Seat {ticket.chair} · {state}
        <code className="code">{ticket.code}</code>
      </figcaption>
    </figure>
  );
}

/** What an order is: its screening, seats, amount, status and what was refunded. */
export function OrderSummary({ order }: { order: Order }) {
  return (
    <>
      <h2>
        {order.movie_name} · {when(order.starts_at, order.timezone)}
      </h2>
      <p>
        {order.hall_name} · seats {order.chairs.join(", ")} · {money(order.amount_cents, order.currency)} ·{" "}
        <strong>{order.status}</strong>
        {order.refunded_cents > 0 && ` · refunded ${money(order.refunded_cents, order.currency)}`}
      </p>
      {(order.tax ?? []).length > 0 && (
        <p className="tax">
          Includes{" "}
          {(order.tax ?? [])
            .map((rate) => `${money(rate.tax_cents, order.currency)} tax at ${rate.percent} % (net ${money(rate.net_cents, order.currency)})`)
            .join(", ")}
          {(order.refunded_tax ?? []).length > 0 &&
            ` · refunded tax ${(order.refunded_tax ?? []).map((rate) => money(rate.tax_cents, order.currency)).join(", ")}`}
        </p>
      )}
    </>
  );
}

/** One order as its owner sees it: a live hold to pay or cancel, tickets, seats to refund; what happened to
 * it is said inside it. */
export function OrderCard({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const [note, setNote] = useState<Note>(null);
  return (
    <li className="card">
      <OrderSummary order={order} />
      <Message note={note} />
      {order.status === "HELD" && (
        <HeldOrder
          order={order}
          onChanged={(_changed, said) => {
            setNote(said);
            onChanged();
          }}
        />
      )}
      {order.status === "PAID" && (
        <>
          <div className="tickets">
            {(order.tickets ?? [])
              .filter((ticket) => !ticket.refunded_at)
              .map((ticket) => (
                <TicketCode key={ticket.code} ticket={ticket} order={order} />
              ))}
          </div>
          <RefundSeats order={order} onRefunded={onChanged} />
        </>
      )}
    </li>
  );
}

/** The signed-in person's own orders, newest first: holds to pay, tickets, refunds. */
export function MyOrders() {
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = useCallback(() => {
    api.GET("/orders", { params: { query: { limit: 50 } } }).then(({ data, error }) => {
      if (!data) return setNote({ kind: "error", text: errorText(error) });
      setOrders(data.items);
    });
  }, []);
  useEffect(load, [load]);

  return (
    <section>
      <h1>My orders</h1>
      <Message note={note} />
      {orders === null ? (
        note ? null : <p>Loading…</p>
      ) : orders.length === 0 ? (
        <p>
          No orders yet. <a href="#/">Find a screening</a>
        </p>
      ) : (
        <ul className="orders">
          {orders.map((order) => (
            <OrderCard key={order.order_id} order={order} onChanged={load} />
          ))}
        </ul>
      )}
    </section>
  );
}
