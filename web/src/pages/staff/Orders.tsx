import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, type Order } from "../../api/client";
import { can, type Me } from "../../api/me";
import { OrderSummary } from "../MyOrders";
import { Message, type Note } from "../../ui/Message";
import { RefundSeats } from "../../ui/RefundSeats";
import { ScreeningSelect, useScreeningChoice } from "../../ui/ScreeningSelect";

const ORDER_ID = /^[0-9a-f]{32}$/;

/** What the clerk typed, as the order it names: a ticket code begins with its order's id. */
function orderIdIn(text: string): string | null {
  const first = text.trim().split(".")[0];
  return ORDER_ID.test(first) ? first : null;
}

async function ordersOf(query: { screening_id?: string; member_id?: string }): Promise<Order[]> {
  const orders: Order[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/orders", { params: { query: { ...query, limit: 100, cursor } } });
    if (!data) throw error;
    orders.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor && orders.length < 1000);
  return orders;
}

/** The counter: find an order (ticket code, order id, a member's e-mail, or a screening and then its
 * confirmation id, a seat or a name) and refund chosen seats of it. */
export function Orders({ me }: { me: Me }) {
  const { screenings, chosen, choose } = useScreeningChoice();
  const [found, setFound] = useState<Order[] | null>(null);
  const [filter, setFilter] = useState("");
  const [note, setNote] = useState<Note>(null);
  const mayRefund = can(me, "orders:manage");

  const search = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setNote(null);
    const text = String(new FormData(event.currentTarget).get("search") ?? "").trim();
    try {
      const orderId = orderIdIn(text);
      if (orderId) {
        const { data, error } = await api.GET("/orders/{order_id}", { params: { path: { order_id: orderId } } });
        if (!data) throw error;
        setFound([data]);
      } else if (text.includes("@")) {
        const members = await api.GET("/members", { params: { query: { email: text, limit: 10 } } });
        if (!members.data) throw members.error;
        const lists = await Promise.all(members.data.items.map((m) => ordersOf({ member_id: m.member_id })));
        setFound(lists.flat());
      } else {
        setFound(await ordersOf({ screening_id: chosen }));
        setFilter(text);
      }
    } catch (error) {
      setFound([]);
      setNote({ kind: "error", text: errorText(error) });
    }
  };

  const reload = async (changed: Order) =>
    setFound((now) => (now ?? []).map((order) => (order.order_id === changed.order_id ? changed : order)));

  const needle = filter.toLowerCase();
  const shown = (found ?? []).filter(
    (order) =>
      !needle ||
      order.confirmation_id.toLowerCase() === needle ||
      order.order_id.startsWith(needle) ||
      order.chairs.some((chair) => chair.toLowerCase() === needle),
  );

  useEffect(() => setFound(null), [chosen]);

  return (
    <section>
      <h1>Orders</h1>
      <form onSubmit={search} className="card">
        <ScreeningSelect screenings={screenings} chosen={chosen} choose={choose} />
        <label>
          Ticket code, order id, member e-mail, or a confirmation id or seat of this screening
          <input name="search" autoComplete="off" />
        </label>
        <button type="submit">Find</button>
      </form>
      <Message note={note} />
      {found !== null && (
        <p role="status">
          {shown.length} order{shown.length === 1 ? "" : "s"} found
        </p>
      )}
      <ul className="orders">
        {shown.map((order) => (
          <li key={order.order_id} className="card">
            <OrderSummary order={order} />
            <p className="small">
              Order <code>{order.order_id}</code> · confirmation <code>{order.confirmation_id}</code>
            </p>
            {mayRefund && order.status === "PAID" && <RefundSeats order={order} onRefunded={reload} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
