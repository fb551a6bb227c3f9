import { useCallback, useEffect, useMemo, useState, type CSSProperties, type KeyboardEvent } from "react";
import { api, errorText, money, namedChairs, pendingSeats, when, type Chair, type Order, type Screening, type Schemas } from "../api/client";
import { go } from "../router";
import { can, type Me } from "../api/me";
import { HeldOrder } from "../ui/HeldOrder";
import type { Note } from "../ui/Message";

type Hall = Schemas["HallOut"];
const POLL_MS = 2000; // other buyers' holds show within this, without a reload

async function allChairs(screeningId: string): Promise<Chair[]> {
  const chairs: Chair[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await api.GET("/screenings/{screening_id}/chairs", {
      params: { path: { screening_id: screeningId }, query: { limit: 1000, cursor } },
    });
    if (!data) throw error;
    chairs.push(...data.items);
    cursor = data.next_cursor ?? undefined;
  } while (cursor);
  return chairs;
}

/** The caller's own live hold on this screening, if they left the page with one (it is theirs to pay). */
async function liveHold(screeningId: string, userId: string): Promise<Order | null> {
  const { data } = await api.GET("/orders", { params: { query: { screening_id: screeningId, status: "HELD", limit: 10 } } });
  return data?.items.find((order) => order.status === "HELD" && order.user_id === userId) ?? null;
}

/** One screening's seat map. App mounts it anew per screening (its key), so nothing of one screening's
 * choice, hold or messages is ever shown on another's. */
export function SeatMap({ screeningId, me }: { screeningId: string; me: Me | null }) {
  const [screening, setScreening] = useState<Screening | null>(null);
  const [hall, setHall] = useState<Hall | null>(null);
  const [laidOut, setLaidOut] = useState(false); // the hall's layout (its gaps) is known: seats no longer move
  const [chairs, setChairs] = useState<Chair[]>([]);
  // Seats chosen before signing in to hold them come back with the visitor.
  // (Signed out, only looked at: the map may be shown once more while the session loads, before its owner.)
  const [chosen, setChosen] = useState<string[]>(() =>
    me ? pendingSeats.take(screeningId) : pendingSeats.chairsFor(screeningId),
  );
  const [order, setOrder] = useState<Order | null>(null);
  const [message, setMessage] = useState<Note>(null);

  const reload = useCallback(async () => {
    try {
      setChairs(await allChairs(screeningId));
    } catch (error) {
      setMessage({ kind: "error", text: errorText(error) });
    }
  }, [screeningId]);

  useEffect(() => {
    // Staff see everyone's orders by screening: their own hold is for the box office page, not this one.
    if (me && !can(me, "orders:view-all"))
      liveHold(screeningId, me.user_id).then((held) => {
        if (held) {
          setOrder(held);
          setMessage({ kind: "info", text: `Your hold on ${held.chairs.join(", ")} is still on: pay before it runs out.` });
        }
      });
  }, [screeningId, me]);

  useEffect(() => {
    api.GET("/screenings/{screening_id}", { params: { path: { screening_id: screeningId } } }).then(({ data }) => {
      setScreening(data ?? null);
      if (!data) setLaidOut(true); // no screening to lay out: show what the seat map says
      if (data)
        api.GET("/halls/{hall_id}", { params: { path: { hall_id: data.hall_id } } }).then((h) => {
          setHall(h.data ?? null);
          setLaidOut(true);
        });
    });
    // The next poll is asked for once the last one has answered: a slow answer never stacks requests up.
    let timer = 0;
    let stopped = false;
    const poll = async () => {
      if (document.visibilityState === "visible") await reload();
      if (!stopped) timer = window.setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [screeningId, reload]);

  // A chair someone else took while it was chosen is unchosen, and the buyer told so.
  useEffect(() => {
    if (order) return;
    // Only what the map has read: seats chosen before it loaded (a visitor back from signing in) are not gone.
    const gone = chosen.filter((id) => {
      const seat = chairs.find((c) => c.chair_id === id);
      return seat !== undefined && seat.status !== "AVAILABLE";
    });
    if (gone.length) {
      setChosen((ids) => ids.filter((id) => !gone.includes(id)));
      setMessage({ kind: "error", text: `Taken by someone else meanwhile: ${gone.join(", ")}` });
    }
  }, [chairs, chosen, order]);

  const holdChanged = (changed: Order | null, note: Note) => {
    setOrder(changed);
    setChosen([]);
    setMessage(note);
    reload();
  };

  const rows = useMemo(() => {
    const byRow = new Map<string, Chair[]>();
    for (const chair of chairs) byRow.set(chair.row, [...(byRow.get(chair.row) ?? []), chair]);
    for (const list of byRow.values()) list.sort((a, b) => a.number - b.number);
    const order = hall?.rows.map((row) => row.label) ?? [];
    return [...byRow.entries()].sort(
      ([a], [b]) => (order.indexOf(a) - order.indexOf(b)) || a.localeCompare(b, "en", { numeric: true }),
    );
  }, [chairs, hall]);
  const gaps = useMemo(() => new Map(hall?.rows.map((row) => [row.label, new Set(row.gaps ?? [])]) ?? []), [hall]);
  // The widest row in seats (a gap counts a third of one): what a phone's seats shrink to fit.
  const columns = Math.max(1, ...rows.map(([label, seats]) => seats.length + (gaps.get(label)?.size ?? 0) / 3));
  // Prices by row, rows of one price together: "A–E €10.00 · F €14.00".
  const rowPrices = useMemo(() => {
    const runs: { from: string; to: string; price: string }[] = [];
    for (const [label, seats] of rows) {
      const price = seats[0] ? money(seats[0].price_cents, seats[0].currency) : "";
      const last = runs[runs.length - 1];
      if (last && last.price === price) last.to = label;
      else runs.push({ from: label, to: label, price });
    }
    return runs.map((run) => `${run.from === run.to ? `Row ${run.from}` : `Rows ${run.from}–${run.to}`} ${run.price}`);
  }, [rows]);

  const toggle = (chair: Chair) => {
    if (order || chair.status !== "AVAILABLE") return;
    setMessage(null);
    setChosen((ids) => (ids.includes(chair.chair_id) ? ids.filter((id) => id !== chair.chair_id) : [...ids, chair.chair_id]));
  };

  // The map is one Tab stop (a roving tabindex): Tab lands on the seat last focused (the first, at first) and
  // the next Tab leaves the map; arrow keys move between seats, as in a grid. Up and Down go to the seat of the
  // next row nearest on screen, so a shorter row or a gap never traps the focus.
  const [active, setActive] = useState<string | null>(null);
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const move = moves[event.key];
    const here = (event.target as HTMLElement).closest<HTMLElement>("[data-seat]");
    if (!move || !here) return;
    event.preventDefault();
    const row = Number(here.dataset.row) + move[0];
    let target: HTMLElement | null;
    if (move[0] === 0) {
      target = event.currentTarget.querySelector<HTMLElement>(
        `[data-row="${row}"][data-column="${Number(here.dataset.column) + move[1]}"]`,
      );
    } else {
      const x = here.getBoundingClientRect().left + here.offsetWidth / 2;
      const candidates = [...event.currentTarget.querySelectorAll<HTMLElement>(`[data-row="${row}"]`)];
      target = candidates.reduce<HTMLElement | null>((best, seat) => {
        const distance = Math.abs(seat.getBoundingClientRect().left + seat.offsetWidth / 2 - x);
        return best === null || distance < Math.abs(best.getBoundingClientRect().left + best.offsetWidth / 2 - x)
          ? seat
          : best;
      }, null);
    }
    if (target) {
      setActive(target.dataset.seat ?? null);
      target.focus();
    }
  };
  const tabStop = active ?? rows[0]?.[1][0]?.chair_id ?? null;

  const hold = async () => {
    setMessage(null);
    if (!me) {
      // A visitor: an account is needed to hold. The seats wait in this tab; after signing in, back here.
      pendingSeats.save(screeningId, chosen);
      go("signin");
      return;
    }
    const { data, error, response } = await api.POST("/orders", { body: { screening_id: screeningId, chairs: chosen } });
    if (data) {
      setOrder(data);
      setMessage({ kind: "info", text: `Held ${data.chairs.join(", ")}: pay before the time runs out.` });
      reload();
      return;
    }
    const taken = namedChairs(error);
    setMessage({
      kind: "error",
      text: response.status === 409 && taken.length ? `Sorry, already taken: ${taken.join(", ")}. Choose other seats.` : errorText(error),
    });
    if (taken.length) setChosen((ids) => ids.filter((id) => !taken.includes(id)));
    reload();
  };

  const price = chosen.reduce((sum, id) => sum + (chairs.find((c) => c.chair_id === id)?.price_cents ?? 0), 0);
  const currency = chairs[0]?.currency ?? screening?.currency ?? "EUR";

  return (
    <section>
      <h1>{screening ? `${screening.movie_name}` : "Seats"}</h1>
      {screening && (
        <p>
          {when(screening.starts_at, screening.timezone)} · {screening.hall_name}
        </p>
      )}
      <p className="legend" aria-hidden="true">
        <span className="seat available" /> free <span className="seat chosen" /> chosen <span className="seat held" /> held
        <span className="seat sold" /> sold <span className="seat available accessible" /> wheelchair space
      </p>
      <div className="screen" aria-hidden="true">
        Screen
      </div>
      {rowPrices.length > 0 && <p className="row-prices">Prices: {rowPrices.join(" · ")}</p>}
      <div
        className="seatmap"
        role="group"
        aria-label="Seat map, the screen at the top"
        onKeyDown={onKeyDown}
        style={{ "--columns": columns } as CSSProperties}
      >
        {/* Drawn once the hall's gaps are known: a gap drawn later would move every seat under the finger. */}
        {laidOut && rows.map(([label, seats], rowIndex) => (
          <div key={label} className="row" role="group" aria-label={`Row ${label}`}>
            <span className="row-label" aria-hidden="true">
              {label}
            </span>
            {seats.map((chair, column) => {
              const mine = chosen.includes(chair.chair_id) || Boolean(order?.chairs.includes(chair.chair_id));
              const state = mine ? "chosen" : chair.status.toLowerCase();
              const featureList = chair.features ?? [];
              const features = featureList.length ? `, ${featureList.join(", ")}` : "";
              const status = mine ? "chosen" : chair.status === "AVAILABLE" ? "free" : chair.status.toLowerCase();
              return (
                <span key={chair.chair_id} className="cell">
                  {gaps.get(label)?.has(chair.number - 1) && <span className="gap" aria-hidden="true" />}
                  <button
                    type="button"
                    className={`seat ${state} ${featureList.join(" ")}`}
                    data-seat={chair.chair_id}
                    data-row={rowIndex}
                    data-column={column}
                    tabIndex={chair.chair_id === tabStop ? 0 : -1}
                    onFocus={() => setActive(chair.chair_id)}
                    aria-pressed={mine}
                    aria-disabled={chair.status !== "AVAILABLE" && !mine}
                    aria-label={`${chair.chair_id}, ${status}, ${money(chair.price_cents, chair.currency)}${features}`}
                    onClick={() => toggle(chair)}
                  >
                    {chair.number}
                  </button>
                </span>
              );
            })}
          </div>
        ))}
      </div>
      <div className="panel" aria-live="polite">
        {message && (
          <p role={message.kind === "error" ? "alert" : "status"} className={message.kind}>
            {message.text}
          </p>
        )}
        {!order && (
          <>
            <p>
              {chosen.length ? `Chosen: ${chosen.join(", ")} · ${money(price, currency)}` : "Choose seats on the map."}
            </p>
            <button type="button" disabled={!chosen.length} onClick={hold}>
              {chosen.length ? `Hold ${chosen.length} seat${chosen.length === 1 ? "" : "s"}` : "Hold seats"}
            </button>
            {!me && <p>To hold seats you sign in or register; the seats you chose wait for you here.</p>}
          </>
        )}
        {order?.status === "HELD" && <HeldOrder order={order} onChanged={holdChanged} />}
        {order?.status === "PAID" && <a className="button" href="#/orders">See my tickets</a>}
      </div>
    </section>
  );
}
