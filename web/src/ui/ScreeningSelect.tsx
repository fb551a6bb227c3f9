import { useEffect, useState } from "react";
import { api, when, type Screening } from "../api/client";

/** The screenings to come (not cancelled ones) and the one chosen, the first by default. */
export function useScreeningChoice(): { screenings: Screening[]; chosen: string; choose: (id: string) => void } {
  const [screenings, setScreenings] = useState<Screening[]>([]);
  const [chosen, choose] = useState("");
  useEffect(() => {
    api.GET("/screenings", { params: { query: { limit: 100 } } }).then(({ data }) => {
      const open = (data?.items ?? []).filter((s) => s.status !== "CANCELLED");
      setScreenings(open);
      choose((current) => current || open[0]?.screening_id || "");
    });
  }, []);
  return { screenings, chosen, choose };
}

export function ScreeningSelect(props: { screenings: Screening[]; chosen: string; choose: (id: string) => void }) {
  return (
    <label>
      Screening
      <select value={props.chosen} onChange={(e) => props.choose(e.target.value)}>
        {props.screenings.map((s) => (
          <option key={s.screening_id} value={s.screening_id}>
            {s.movie_name} · {when(s.starts_at, s.timezone)} · {s.hall_name}
          </option>
        ))}
      </select>
    </label>
  );
}
