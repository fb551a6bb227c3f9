import { useEffect, useMemo, useState } from "react";
import { api, chosenVenue, errorText, money, when, type Schemas, type Screening } from "../api/client";
import type { Me } from "../api/me";

type Recommendations = Schemas["RecommendationsOut"];
type Venue = Schemas["VenueOut"];

/** What is on: screenings to come, by cinema (remembered), movie and day; anyone may look, signed in or not. */
export function Screenings({ me }: { me: Me | null }) {
  const [screenings, setScreenings] = useState<Screening[] | null>(null);
  const [error, setError] = useState("");
  const [movie, setMovie] = useState("");
  const [day, setDay] = useState("");
  const [recommended, setRecommended] = useState<Recommendations | null>(null);
  const [venues, setVenues] = useState<Venue[]>([]);
  const [venue, setVenue] = useState(chosenVenue.get());
  useEffect(() => {
    if (me) api.GET("/me/recommendations").then(({ data }) => setRecommended(data ?? null));
    api.GET("/venues", { params: { query: { limit: 100 } } }).then(({ data }) => setVenues(data?.items ?? []));
  }, []);
  useEffect(() => {
    const query = { limit: 100, ...(venue ? { venue_id: venue } : {}) };
    api.GET("/screenings", { params: { query } }).then(({ data, error: refused }) => {
      if (!data) return setError(errorText(refused));
      setScreenings(data.items);
    });
  }, [venue]);
  const pickVenue = (venueId: string) => {
    chosenVenue.set(venueId);
    setDay("");
    setVenue(venueId);
  };
  const movies = useMemo(
    () => [...new Set((screenings ?? []).map((s) => s.movie_name))].sort(),
    [screenings],
  );
  // Days are the venue's calendar days (a 00:30 show is on the day its venue says).
  const days = useMemo(() => [...new Set((screenings ?? []).map((s) => s.starts_at_local.slice(0, 10)))].sort(), [screenings]);
  const shown = (screenings ?? []).filter(
    (s) => (!movie || s.movie_name === movie) && (!day || s.starts_at_local.startsWith(day)) && s.status !== "CANCELLED",
  );
  return (
    <section>
      <h1>Screenings</h1>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {recommended && recommended.items.length > 0 && (
        <aside className="card" aria-labelledby="recommended">
          <h2 id="recommended">{recommended.basis === "co-occurrence" ? "People who chose your movies also chose" : "Selling now"}</h2>
          <ul className="recommended">
            {recommended.items.map((movie) => (
              <li key={movie.movie_id}>
                <button type="button" className="link" onClick={() => setMovie(movie.name)}>
                  {movie.name}
                </button>
              </li>
            ))}
          </ul>
        </aside>
      )}
      <div className="filters">
        {venues.length > 1 && (
          <label>
            Cinema
            <select value={venue} onChange={(e) => pickVenue(e.target.value)}>
              <option value="">Every cinema</option>
              {venues.map((v) => (
                <option key={v.venue_id} value={v.venue_id}>
                  {v.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Movie
          <select value={movie} onChange={(e) => setMovie(e.target.value)}>
            <option value="">All movies</option>
            {movies.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label>
          Day
          <select value={day} onChange={(e) => setDay(e.target.value)}>
            <option value="">Any day</option>
            {days.map((d) => (
              <option key={d}>{d}</option>
            ))}
          </select>
        </label>
      </div>
      {screenings === null ? (
        <p>Loading…</p>
      ) : shown.length === 0 ? (
        <p>No screenings to come.</p>
      ) : (
        <ul className="screenings">
          {shown.map((s) => (
            <li key={s.screening_id} className="card">
              <h2>{s.movie_name}</h2>
              <p>
                {when(s.starts_at, s.timezone)} · {s.hall_name} · from {money(s.price_cents, s.currency)}
              </p>
              <a className="button" href={`#/screenings/${s.screening_id}`} aria-label={`Choose seats for ${s.movie_name}, ${when(s.starts_at, s.timezone)}`}>
                Choose seats
              </a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
