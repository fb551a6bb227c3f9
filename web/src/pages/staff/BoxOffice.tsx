import { useEffect, useState, type FormEvent } from "react";
import { api, businessDayNow, errorText, money, type Chair, type Order, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";
import { ScreeningSelect, useScreeningChoice } from "../../ui/ScreeningSelect";

type Member = Schemas["MemberOut"];
type Till = Schemas["TillOut"];

/** Selling at the counter: a screening's free seats, to a member or not, paid in cash or by card present; the
 * day's till. */
export function BoxOffice() {
  const { screenings, chosen: screeningId, choose } = useScreeningChoice();
  const [members, setMembers] = useState<Member[]>([]);
  const [free, setFree] = useState<Chair[]>([]);
  const [sold, setSold] = useState<Order | null>(null);
  const [till, setTill] = useState<Till | null>(null);
  const [note, setNote] = useState<Note>(null);
  // The till of the chosen screening's venue (the default venue's before one is chosen), for its business day now.
  const venueId = screenings.find((s) => s.screening_id === screeningId)?.venue_id ?? "main";
  const [today, setToday] = useState<string | null>(null);

  const loadTill = async () => {
    const { data: venue } = await api.GET("/venues/{venue_id}", { params: { path: { venue_id: venueId } } });
    if (!venue) return;
    const day = businessDayNow(venue);
    setToday(day);
    const { data } = await api.GET("/box-office/till", { params: { query: { venue_id: venueId, date: day } } });
    setTill(data ?? null);
  };
  useEffect(() => {
    api.GET("/members", { params: { query: { limit: 100 } } }).then(({ data }) => setMembers(data?.items ?? []));
  }, []);
  useEffect(() => void loadTill(), [venueId]);
  useEffect(() => {
    if (!screeningId) return;
    let current = true; // an answer for a screening no longer chosen is dropped, however late it comes
    setFree([]);
    api
      .GET("/screenings/{screening_id}/chairs", {
        params: { path: { screening_id: screeningId }, query: { status: "AVAILABLE", limit: 1000 } },
      })
      .then(({ data }) => current && setFree(data?.items ?? []));
    return () => {
      current = false;
    };
  }, [screeningId, sold]);

  const sell = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const chairs = form.getAll("chairs").map(String);
    const member = String(form.get("member_id") || "");
    const held = await api.POST("/orders", {
      body: { screening_id: screeningId, chairs, ...(member ? { member_id: member } : {}) },
    });
    if (!held.data) return setNote({ kind: "error", text: errorText(held.error) });
    const paid = await api.POST("/orders/{order_id}/payment", {
      params: { path: { order_id: held.data.order_id }, header: { "idempotency-key": `counter-${held.data.order_id}` } },
      body: { confirmation_id: held.data.confirmation_id, payment_method: String(form.get("method")) },
    });
    if (!paid.data) return setNote({ kind: "error", text: errorText(paid.error) });
    setSold(paid.data);
    setNote({ kind: "info", text: `Sold ${paid.data.chairs.join(", ")} for ${money(paid.data.amount_cents, paid.data.currency)}.` });
    loadTill();
  };

  return (
    <section>
      <h1>Box office</h1>
      <Message note={note} />
      <form onSubmit={sell} className="card">
        <h2>Sell</h2>
        <ScreeningSelect screenings={screenings} chosen={screeningId} choose={choose} />
        <label>
          Seats (free ones; choose one or more)
          <select name="chairs" multiple required size={8}>
            {free.map((chair) => (
              <option key={chair.chair_id} value={chair.chair_id}>
                {chair.chair_id} · {money(chair.price_cents, chair.currency)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Member (optional)
          <select name="member_id" defaultValue="">
            <option value="">No member</option>
            {members.map((member) => (
              <option key={member.member_id} value={member.member_id}>
                {member.name} · {member.city}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>Paid with</legend>
          <label className="inline">
            <input type="radio" name="method" value="cash" defaultChecked /> Cash
          </label>
          <label className="inline">
            <input type="radio" name="method" value="card_present" /> Card, present
          </label>
        </fieldset>
        <button type="submit">Sell</button>
      </form>
      {sold && (
        <div className="card">
          <h2>Tickets</h2>
          <ul>
            {(sold.tickets ?? []).map((ticket) => (
              <li key={ticket.code}>
                Seat {ticket.chair}: <code className="code ticket-code">{ticket.code}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <h2>Today's till ({today ?? "…"}, the business day)</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Staff</th>
            <th scope="col">Method</th>
            <th scope="col">Sales</th>
            <th scope="col">Refunds</th>
            <th scope="col">Net</th>
            <th scope="col">Of which tax</th>
          </tr>
        </thead>
        <tbody>
          {(till?.totals ?? []).map((line) => (
            <tr key={`${line.staff_id}-${line.method}-${line.currency}`}>
              <td>{line.username}</td>
              <td>{line.method}</td>
              <td>{money(line.sales_cents, line.currency)}</td>
              <td>{money(line.refunds_cents, line.currency)}</td>
              <td>{money(line.net_cents, line.currency)}</td>
              <td>{(line.tax ?? []).map((rate) => `${money(rate.tax_cents, line.currency)} (${rate.percent} %)`).join(", ") || "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
