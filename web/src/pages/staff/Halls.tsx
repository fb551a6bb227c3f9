import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Row = Schemas["RowIn"];
type Hall = Schemas["HallOut"];
type Venue = Schemas["VenueOut"];

function numbers(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Halls, and a layout editor with a preview of the seat map it makes. */
export function Halls() {
  const [halls, setHalls] = useState<Hall[]>([]);
  const [rows, setRows] = useState<Row[]>([{ label: "A", seats: 10, gaps: [] }]);
  const [note, setNote] = useState<Note>(null);
  const [venues, setVenues] = useState<Venue[]>([]);
  const load = () => api.GET("/halls", { params: { query: { limit: 100 } } }).then(({ data }) => setHalls(data?.items ?? []));
  useEffect(() => {
    load();
    api.GET("/venues", { params: { query: { limit: 100 } } }).then(({ data }) => setVenues(data?.items ?? []));
  }, []);
  const venueName = (id: string) => venues.find((venue) => venue.venue_id === id)?.name ?? id;

  const change = (index: number, patch: Partial<Row>) => setRows((all) => all.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const addRow = () =>
    setRows((all) => [...all, { label: String.fromCharCode(65 + Math.min(all.length, 25)), seats: all.at(-1)?.seats ?? 10, gaps: [] }]);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const name = String(form.get("name"));
    const venue_id = form.get("venue_id") ? String(form.get("venue_id")) : undefined; // one venue or none: the API's
    const { data, error } = await api.POST("/halls", { body: { name, rows, venue_id } });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote({ kind: "info", text: `Hall ${data.name} created with ${data.chair_count} chairs.` });
    load();
  };

  return (
    <section>
      <h1>Halls</h1>
      <Message note={note} />
      <ul>
        {halls.map((hall) => (
          <li key={hall.hall_id}>
            {hall.name}: {hall.rows.length} rows, {hall.chair_count} chairs{venues.length > 1 ? ` · ${venueName(hall.venue_id)}` : ""}
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="card">
        <h2>New hall</h2>
        <label>
          Name
          <input name="name" required />
        </label>
        {venues.length > 1 && (
          <label>
            Venue
            <select name="venue_id" required>
              {venues.map((venue) => (
                <option key={venue.venue_id} value={venue.venue_id}>
                  {venue.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <table>
          <caption>Rows, front to back</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Seats</th>
              <th scope="col">Missing seat numbers (gaps)</th>
              <th scope="col">Wheelchair spaces</th>
              <th scope="col">Companion seats</th>
              <th scope="col">Price class</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={index}>
                <td>
                  <input aria-label={`Row ${index + 1} label`} value={row.label} onChange={(e) => change(index, { label: e.target.value })} />
                </td>
                <td>
                  <input
                    aria-label={`Row ${index + 1} seats`}
                    type="number"
                    min={1}
                    value={row.seats}
                    onChange={(e) => change(index, { seats: Number(e.target.value) })}
                  />
                </td>
                <td>
                  <input aria-label={`Row ${index + 1} gaps`} onChange={(e) => change(index, { gaps: numbers(e.target.value) })} />
                </td>
                <td>
                  <input
                    aria-label={`Row ${index + 1} wheelchair spaces`}
                    onChange={(e) => change(index, { accessible: numbers(e.target.value) })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Row ${index + 1} companion seats`}
                    onChange={(e) => change(index, { companion: numbers(e.target.value) })}
                  />
                </td>
                <td>
                  <input
                    aria-label={`Row ${index + 1} price class`}
                    onChange={(e) => change(index, { price_class: e.target.value.trim() || null })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="secondary" onClick={addRow}>
          Add a row
        </button>{" "}
        <button type="submit">Create the hall</button>
        <h3>Preview</h3>
        <div className="seatmap" aria-label="Preview of the seat map" role="img">
          {rows.map((row, index) => (
            <div key={index} className="row">
              <span className="row-label">{row.label}</span>
              {Array.from({ length: Math.min(row.seats, 200) }, (_, n) => n + 1).map((number) =>
                row.gaps?.includes(number) ? (
                  <span key={number} className="gap" />
                ) : (
                  <span
                    key={number}
                    className={`seat available ${row.accessible?.includes(number) ? "accessible" : ""} ${
                      row.companion?.includes(number) ? "companion" : ""
                    }`}
                  >
                    {number}
                  </span>
                ),
              )}
            </div>
          ))}
        </div>
      </form>
    </section>
  );
}
