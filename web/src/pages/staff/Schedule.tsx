import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, money, wallClock, when, type Schemas, type Screening } from "../../api/client";
import { Message, type Note } from "../../ui/Message";
import { MovieSelect } from "../../ui/MovieSelect";

type Movie = Schemas["MovieOut"];
type Hall = Schemas["HallOut"];

/** The venue's wall clock of a screening, as the datetime-local field's value (the page works in each venue's
 * own time: the API reads starts_at_local in the venue's zone and refuses a time the clocks skip or repeat). */
function wallOf(screening: Screening): string {
  return screening.starts_at_local.slice(0, 16);
}

/** A wall-clock time moved by some minutes, on the wall clock (20:45 + 30 is 21:15 whatever the offset). */
function nudged(value: string, minutes: number): string {
  return new Date(Date.parse(`${value}:00Z`) + minutes * 60_000).toISOString().slice(0, 16);
}

async function soldSeats(screeningId: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const { data } = await api.GET("/screenings/{screening_id}/chairs", {
      params: { path: { screening_id: screeningId }, query: { status: "SOLD", limit: 1000, cursor } },
    });
    if (!data) break;
    count += data.items.length;
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return count;
}

/** Moving a screening is one explicit action: a new time (typed, or nudged by 15 or 30 minutes), a confirmation
 * that says how many sold seats it affects, then one request. Nothing is saved while typing. */
function MoveScreening({ screening, onMoved }: { screening: Screening; onMoved: (note: Note) => void }) {
  const [open, setOpen] = useState(false);
  const [value, setValue] = useState(wallOf(screening));
  const [sold, setSold] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const label = `${screening.movie_name} at ${when(screening.starts_at, screening.timezone)}`;
  const nudge = (minutes: number) => setValue((now) => nudged(now, minutes));
  const changed = value !== wallOf(screening);

  const move = async () => {
    setBusy(true);
    const { data, error } = await api.PUT("/screenings/{screening_id}", {
      params: { path: { screening_id: screening.screening_id } },
      body: { starts_at_local: `${value}:00` },
    });
    setBusy(false);
    setSold(null);
    setOpen(false);
    onMoved(
      data
        ? { kind: "info", text: `Moved ${screening.movie_name} to ${when(data.starts_at, data.timezone)}.` }
        : { kind: "error", text: errorText(error) },
    );
  };

  if (!open)
    return (
      <button type="button" className="secondary" aria-label={`Move ${label}`} onClick={() => (setValue(wallOf(screening)), setOpen(true))}>
        Move…
      </button>
    );
  return (
    <div className="move" role="group" aria-label={`Move ${label}`}>
      <label>
        New start ({screening.timezone})
        <input type="datetime-local" value={value} onChange={(event) => (setSold(null), setValue(event.target.value))} />
      </label>
      <span className="nudges">
        {[-30, -15, 15, 30].map((minutes) => (
          <button
            key={minutes}
            type="button"
            className="secondary"
            aria-label={`${Math.abs(minutes)} minutes ${minutes > 0 ? "later" : "earlier"}`}
            onClick={() => (setSold(null), nudge(minutes))}
          >
            {minutes > 0 ? `+${minutes}` : `−${-minutes}`}
          </button>
        ))}
      </span>
      {sold === null ? (
        <p>
          <button type="button" disabled={!changed || !value} onClick={() => soldSeats(screening.screening_id).then(setSold)}>
            Move to {value ? wallClock(value, screening.timezone) : "…"}
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setOpen(false)}>
            Keep the time
          </button>
        </p>
      ) : (
        <div role="group" aria-label="Confirm the move" className="confirm">
          <p>
            Move {screening.movie_name} from {when(screening.starts_at, screening.timezone)} to{" "}
            {wallClock(value, screening.timezone)}?{" "}
            {sold === 0 ? "No seats are sold yet." : `${sold} sold seat${sold === 1 ? "" : "s"}: their holders are affected.`}
          </p>
          <button type="button" onClick={move} disabled={busy}>
            Yes, move it
          </button>{" "}
          <button type="button" className="secondary" onClick={() => setSold(null)} disabled={busy}>
            Back
          </button>
        </div>
      )}
    </div>
  );
}

/** Screenings on a schedule: schedule one, move it, cancel it (and follow the cancellation's progress). */
export function Schedule() {
  const [screenings, setScreenings] = useState<Screening[]>([]);
  const [movies, setMovies] = useState<Movie[]>([]);
  const [halls, setHalls] = useState<Hall[]>([]);
  const [note, setNote] = useState<Note>(null);
  const load = () =>
    api.GET("/screenings", { params: { query: { limit: 100 } } }).then(({ data }) => setScreenings(data?.items ?? []));
  useEffect(() => {
    load();
    api.GET("/movies", { params: { query: { limit: 100 } } }).then(({ data }) => setMovies(data?.items ?? []));
    api.GET("/halls", { params: { query: { limit: 100 } } }).then(({ data }) => setHalls(data?.items ?? []));
  }, []);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST("/screenings", {
      body: {
        movie_id: String(form.get("movie_id")),
        hall_id: String(form.get("hall_id")),
        starts_at_local: `${String(form.get("starts_at"))}:00`,
        price_cents: Math.round(Number(form.get("price")) * 100),
      },
    });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote({
      kind: "info",
      text: `Scheduled ${data.movie_name} in ${data.hall_name} at ${when(data.starts_at, data.timezone)}.`,
    });
    load();
  };
  const cancel = async (screening: Screening) => {
    const reason = window.prompt(
      `Why is ${screening.movie_name} at ${when(screening.starts_at, screening.timezone)} cancelled?`,
    );
    if (!reason) return;
    const { data, error } = await api.POST("/screenings/{screening_id}/cancel", {
      params: { path: { screening_id: screening.screening_id } },
      body: { reason },
    });
    setNote(data ? { kind: "info", text: "Cancelled: its holds and sales are being settled." } : { kind: "error", text: errorText(error) });
    load();
  };
  return (
    <section>
      <h1>Schedule</h1>
      <Message note={note} />
      <form onSubmit={create} className="card">
        <h2>Schedule a screening</h2>
        <MovieSelect movies={movies} />
        <label>
          Hall
          <select name="hall_id" required>
            {halls.map((hall) => (
              <option key={hall.hall_id} value={hall.hall_id}>
                {hall.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Starts at (local time of the venue)
          <input name="starts_at" type="datetime-local" required />
        </label>
        <label>
          Price
          <input name="price" type="number" min="0" step="0.01" defaultValue="10.00" required />
        </label>
        <button type="submit">Schedule it</button>
      </form>
      <table>
        <caption>Screenings to come</caption>
        <thead>
          <tr>
            <th scope="col">Movie</th>
            <th scope="col">Hall</th>
            <th scope="col">Starts (local time)</th>
            <th scope="col">Price</th>
            <th scope="col">Status</th>
            <th scope="col">Move</th>
            <th scope="col">Cancel</th>
          </tr>
        </thead>
        <tbody>
          {screenings.map((s) => (
            <tr key={s.screening_id}>
              <td>{s.movie_name}</td>
              <td>{s.hall_name}</td>
              <td>{when(s.starts_at, s.timezone)}</td>
              <td>{money(s.price_cents, s.currency)}</td>
              <td>
                {s.status}
                {s.status === "CANCELLED" && (s.settled_at ? " · settled" : ` · ${s.orders_to_settle ?? "some"} orders to settle`)}
              </td>
              <td>
                {s.status !== "CANCELLED" && (
                  <MoveScreening
                    key={s.starts_at}
                    screening={s}
                    onMoved={(said) => {
                      setNote(said);
                      load();
                    }}
                  />
                )}
              </td>
              <td>
                {s.status !== "CANCELLED" && (
                  <button type="button" className="secondary" onClick={() => cancel(s)}>
                    Cancel {s.movie_name}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
