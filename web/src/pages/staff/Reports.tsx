import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, money, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";
import { MovieSelect } from "../../ui/MovieSelect";

type Daily = Schemas["DailyReportOut"];
type Distributor = Schemas["DistributorReportOut"];
type Movie = Schemas["MovieOut"];

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
      <DistributorReturn />
    </section>
  );
}

/** The box-office return a cinema sends a film's distributor: per venue and screening, admissions, gross, tax,
 * net and refunds over business days (and as CSV, which the API writes). */
function DistributorReturn() {
  const [movies, setMovies] = useState<Movie[]>([]);
  const [report, setReport] = useState<Distributor | null>(null);
  const [note, setNote] = useState<Note>(null);
  useEffect(() => {
    api.GET("/movies", { params: { query: { limit: 100 } } }).then(({ data }) => setMovies(data?.items ?? []));
  }, []);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const query = { movie_id: String(form.get("movie_id")), from: String(form.get("from")), to: String(form.get("to")) };
    const { data, error } = await api.GET("/reports/distributor", { params: { query } });
    if (!data || typeof data === "string") return setNote({ kind: "error", text: errorText(error) });
    setNote(null);
    setReport(data);
  };
  const figures = (row: { currency: string; admissions: number; gross_cents: number; tax_cents: number; net_cents: number; refunds_cents: number }) => (
    <>
      <td>{row.admissions}</td>
      <td>{money(row.gross_cents, row.currency)}</td>
      <td>{money(row.tax_cents, row.currency)}</td>
      <td>{money(row.net_cents, row.currency)}</td>
      <td>{money(row.refunds_cents, row.currency)}</td>
    </>
  );
  return (
    <>
      <h2>Distributor's return</h2>
      <form onSubmit={submit} className="filters" aria-label="Distributor's return">
        <MovieSelect movies={movies} />
        <label>
          First business day
          <input name="from" type="date" defaultValue={daysAgo(6)} required />
        </label>
        <label>
          Last business day
          <input name="to" type="date" defaultValue={daysAgo(-7)} required />
        </label>
        <button type="submit">Make the return</button>
      </form>
      <Message note={note} />
      {report && (
        <table>
          <caption>
            Box-office return, {report.from_date} to {report.to_date}
          </caption>
          <thead>
            <tr>
              <th scope="col">Venue</th>
              <th scope="col">Screening</th>
              <th scope="col">Admissions</th>
              <th scope="col">Gross</th>
              <th scope="col">Tax</th>
              <th scope="col">Net</th>
              <th scope="col">Refunds</th>
            </tr>
          </thead>
          <tbody>
            {report.venues.flatMap((venue) => [
              ...venue.screenings.map((row) => (
                <tr key={row.screening_id}>
                  <td>{venue.venue_id}</td>
                  <td>
                    {row.hall_name}, {row.starts_at_local.slice(0, 16).replace("T", " ")}
                  </td>
                  {figures(row)}
                </tr>
              )),
              ...venue.totals.map((total) => (
                <tr key={`${venue.venue_id}-${total.currency}`} className="total">
                  <td>{venue.venue_id}</td>
                  <th scope="row">Venue total</th>
                  {figures(total)}
                </tr>
              )),
            ])}
            {report.totals.map((total) => (
              <tr key={`all-${total.currency}`} className="total">
                <td>All venues</td>
                <th scope="row">Total</th>
                {figures(total)}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
