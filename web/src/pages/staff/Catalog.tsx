import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Movie = Schemas["MovieOut"];
type Member = Schemas["MemberOut"];
type Subscription = Schemas["SubscriptionOut"];

/** The movies, and a new one (movies:create). */
export function Movies({ canCreate, canSeeMembers }: { canCreate: boolean; canSeeMembers: boolean }) {
  const [movies, setMovies] = useState<Movie[]>([]);
  const [watchers, setWatchers] = useState<{ movie: Movie; members: Subscription[] } | null>(null);
  const open = async (movie: Movie) => {
    const { data } = await api.GET("/subscriptions", { params: { query: { movie_id: movie.movie_id, limit: 100 } } });
    setWatchers({ movie, members: data?.items ?? [] });
  };
  const [note, setNote] = useState<Note>(null);
  const load = () => api.GET("/movies", { params: { query: { limit: 100 } } }).then(({ data }) => setMovies(data?.items ?? []));
  useEffect(() => void load(), []);
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST("/movies", {
      body: {
        name: String(form.get("name")),
        premiered: String(form.get("premiered")),
        runtime_minutes: Number(form.get("runtime")),
        genres: String(form.get("genres")).split(",").map((g) => g.trim()).filter(Boolean),
      },
    });
    setNote(data ? { kind: "info", text: `Added ${data.name}.` } : { kind: "error", text: errorText(error) });
    load();
  };
  return (
    <section>
      <h1>Movies</h1>
      <Message note={note} />
      <ul>
        {movies.map((movie) => (
          <li key={movie.movie_id}>
            {canSeeMembers ? (
              <button type="button" className="link" onClick={() => open(movie)}>
                {movie.name}
              </button>
            ) : (
              movie.name
            )}{" "}
            ({movie.premiered.slice(0, 4)}, {movie.runtime_minutes} min) {movie.genres.join(", ")}
          </li>
        ))}
      </ul>
      {watchers && (
        <div className="card">
          <h2>Members who watched {watchers.movie.name}</h2>
          <ul>
            {watchers.members.map((s) => (
              <li key={s.subscription_id}>
                {s.member_name ?? s.member_id} on {s.date}
              </li>
            ))}
          </ul>
        </div>
      )}
      {canCreate && (
        <form onSubmit={create} className="card">
          <h2>New movie</h2>
          <label>
            Name
            <input name="name" required />
          </label>
          <label>
            Premiered
            <input name="premiered" type="date" required />
          </label>
          <label>
            Runtime (minutes)
            <input name="runtime" type="number" min={1} required />
          </label>
          <label>
            Genres (comma-separated)
            <input name="genres" />
          </label>
          <button type="submit">Add the movie</button>
        </form>
      )}
    </section>
  );
}

/** Members, each with the movies they watched (their subscriptions), and each movie's members. */
export function Members() {
  const [members, setMembers] = useState<Member[]>([]);
  const [chosen, setChosen] = useState<{ member: Member; watched: Subscription[] } | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = () => api.GET("/members", { params: { query: { limit: 100 } } }).then(({ data }) => setMembers(data?.items ?? []));
  useEffect(() => void load(), []);
  const open = async (member: Member) => {
    const { data } = await api.GET("/subscriptions", { params: { query: { member_id: member.member_id, limit: 100 } } });
    setChosen({ member, watched: data?.items ?? [] });
  };
  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST("/members", {
      body: { name: String(form.get("name")), email: String(form.get("email")), city: String(form.get("city")) },
    });
    setNote(data ? { kind: "info", text: `Added ${data.name}.` } : { kind: "error", text: errorText(error) });
    load();
  };
  return (
    <section>
      <h1>Members</h1>
      <Message note={note} />
      <ul>
        {members.map((member) => (
          <li key={member.member_id}>
            <button type="button" className="link" onClick={() => open(member)}>
              {member.name}
            </button>{" "}
            · {member.city}
          </li>
        ))}
      </ul>
      {chosen && (
        <div className="card">
          <h2>{chosen.member.name} watched</h2>
          <ul>
            {chosen.watched.map((s) => (
              <li key={s.subscription_id}>
                {s.movie_name ?? s.movie_id} on {s.date}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form onSubmit={create} className="card">
        <h2>New member</h2>
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required />
        </label>
        <label>
          City
          <input name="city" required />
        </label>
        <button type="submit">Add the member</button>
      </form>
    </section>
  );
}
