import type { Schemas } from "../api/client";

type Movie = Schemas["MovieOut"];

/** A form's required choice of a movie (sent as movie_id). */
export function MovieSelect({ movies }: { movies: Movie[] }) {
  return (
    <label>
      Movie
      <select name="movie_id" required>
        {movies.map((movie) => (
          <option key={movie.movie_id} value={movie.movie_id}>
            {movie.name}
          </option>
        ))}
      </select>
    </label>
  );
}
