import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Venue = Schemas["VenueOut"];
type Rate = Schemas["TaxRateIn"];

/** "reduced 7 Reduced, full 19 Full" <-> tax rates: one line per rate, "code percent name". */
function ratesFromText(text: string): Rate[] {
  return text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [code, percent, ...name] = line.split(/\s+/);
      return { code, percent: Number(percent), name: name.join(" ") || code };
    });
}

function ratesText(venue: Venue): string {
  return venue.tax_rates.map((rate) => `${rate.code} ${rate.percent} ${rate.name}`).join("\n");
}

/** One venue's settings: what changes while it has halls (name, business day, tax rates, address); its time
 * zone and currency are fixed once it has halls (the API says so: VENUE_IN_USE). */
function VenueSettings({ venue, onSaved }: { venue: Venue; onSaved: (note: Note) => void }) {
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.PUT("/venues/{venue_id}", {
      params: { path: { venue_id: venue.venue_id } },
      body: {
        name: String(form.get("name")),
        business_day_starts: String(form.get("business_day_starts")),
        tax_rates: ratesFromText(String(form.get("tax_rates"))),
        default_tax_code: String(form.get("default_tax_code")),
        address: String(form.get("address")) || null,
      },
    });
    onSaved(data ? { kind: "info", text: `Saved ${data.name}.` } : { kind: "error", text: errorText(error) });
  };
  return (
    <form onSubmit={save} className="card" aria-label={`Settings of ${venue.name}`}>
      <h2>{venue.name}</h2>
      <p>
        {venue.timezone} · {venue.currency} · {venue.hall_count} hall{venue.hall_count === 1 ? "" : "s"}
      </p>
      <label>
        Name
        <input name="name" defaultValue={venue.name} required />
      </label>
      <label>
        Business day starts (local time)
        <input name="business_day_starts" type="time" defaultValue={venue.business_day_starts} required />
      </label>
      <label>
        Tax rates, one a line: code, percent, name
        <textarea name="tax_rates" rows={3} defaultValue={ratesText(venue)} required />
      </label>
      <label>
        Default tax rate (its code)
        <input name="default_tax_code" defaultValue={venue.default_tax_code} required />
      </label>
      <label>
        Address
        <input name="address" defaultValue={venue.address ?? ""} />
      </label>
      <button type="submit">Save {venue.name}</button>
    </form>
  );
}

/** The chain's venues: each one's settings, and a new venue. */
export function Venues() {
  const [venues, setVenues] = useState<Venue[]>([]);
  const [note, setNote] = useState<Note>(null);
  const load = () => api.GET("/venues", { params: { query: { limit: 100 } } }).then(({ data }) => setVenues(data?.items ?? []));
  useEffect(() => void load(), []);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const rates = ratesFromText(String(form.get("tax_rates")));
    const { data, error } = await api.POST("/venues", {
      body: {
        name: String(form.get("name")),
        timezone: String(form.get("timezone")),
        currency: String(form.get("currency")).toUpperCase(),
        business_day_starts: String(form.get("business_day_starts")),
        tax_rates: rates,
        default_tax_code: rates[0]?.code ?? "",
      },
    });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote({ kind: "info", text: `Venue ${data.name} added (${data.timezone}).` });
    load();
  };
  const saved = (said: Note) => {
    setNote(said);
    load();
  };
  return (
    <section>
      <h1>Venues</h1>
      <Message note={note} />
      {venues.map((venue) => (
        <VenueSettings key={`${venue.venue_id}-${venue.updated_at}`} venue={venue} onSaved={saved} />
      ))}
      <form onSubmit={create} className="card">
        <h2>New venue</h2>
        <label>
          Name
          <input name="name" required />
        </label>
        <label>
          Time zone (IANA, e.g. Europe/Berlin)
          <input name="timezone" defaultValue={Intl.DateTimeFormat().resolvedOptions().timeZone} required />
        </label>
        <label>
          Currency (ISO 4217)
          <input name="currency" defaultValue="EUR" pattern="[A-Za-z]{3}" required />
        </label>
        <label>
          Business day starts
          <input name="business_day_starts" type="time" defaultValue="05:00" required />
        </label>
        <label>
          Tax rates, one a line: code, percent, name (the first is the default)
          <textarea name="tax_rates" rows={3} defaultValue={"standard 7 Standard"} required />
        </label>
        <button type="submit">Add the venue</button>
      </form>
    </section>
  );
}
