import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, money, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Daily = Schemas["DailyReportOut"];

function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

/** Sales per day, as a table and a bar chart of tickets sold (drawn with CSS: nothing to load). */
export function Reports() {
  const [report, setReport] = useState<Daily | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = async (from: string, to: string) => {
    const { data, error } = await api.GET("/reports/daily", { params: { query: { from, to } } });
    if (!data || typeof data === "string") return setNote({ kind: "error", text: errorText(error) });
    setNote(null);
    setReport(data);
  };
  useEffect(() => void load(daysAgo(13), daysAgo(0)), []);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    load(String(form.get("from")), String(form.get("to")));
  };
  const most = Math.max(1, ...(report?.days ?? []).map((day) => day.tickets));
  return (
    <section>
      <h1>Reports</h1>
      <form onSubmit={submit} className="filters">
        <label>
          From
          <input name="from" type="date" defaultValue={daysAgo(13)} required />
        </label>
        <label>
          To
          <input name="to" type="date" defaultValue={daysAgo(0)} required />
        </label>
        <button type="submit">Show</button>
      </form>
      <Message note={note} />
      {report && (
        <>
          <figure className="chart">
            <figcaption>Tickets sold per day</figcaption>
            <ol aria-hidden="true">
              {report.days.map((day) => (
                <li key={day.date}>
                  <span className="bar" style={{ height: `${(100 * day.tickets) / most}%` }} />
                  <span className="day">{day.date.slice(5)}</span>
                </li>
              ))}
            </ol>
          </figure>
          <table>
            <caption>Sales per business day of {report.venue_id === "main" ? "Main" : report.venue_id}</caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Tickets</th>
                <th scope="col">Orders</th>
                <th scope="col">Revenue</th>
                <th scope="col">Of which tax</th>
                <th scope="col">Refunds</th>
              </tr>
            </thead>
            <tbody>
              {report.days.map((day) => (
                <tr key={day.date}>
                  <td>{day.date}</td>
                  <td>{day.tickets}</td>
                  <td>{day.orders}</td>
                  <td>{Object.entries(day.revenue).map(([c, v]) => money(v, c)).join(", ") || "—"}</td>
                  <td>{(day.tax ?? []).map((rate) => `${money(rate.tax_cents, rate.currency)} (${rate.percent} %)`).join(", ") || "—"}</td>
                  <td>{Object.entries(day.refunds).map(([c, v]) => money(v, c)).join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
