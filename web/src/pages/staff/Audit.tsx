import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, when, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Entry = Schemas["AuditEntryOut"];

/** Who did what, when, to what, from where: newest first. */
export function Audit() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [note, setNote] = useState<Note>(null);
  const load = async (action?: string, actor?: string) => {
    const { data, error } = await api.GET("/audit", {
      params: { query: { limit: 100, ...(action ? { action } : {}), ...(actor ? { actor } : {}) } },
    });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote(null);
    setEntries(data.items);
  };
  useEffect(() => void load(), []);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    load(String(form.get("action") || ""), String(form.get("actor") || ""));
  };
  return (
    <section>
      <h1>Audit log</h1>
      <form onSubmit={submit} className="filters">
        <label>
          Action (an event type, e.g. OrderRefunded)
          <input name="action" />
        </label>
        <label>
          Actor (a user id)
          <input name="actor" />
        </label>
        <button type="submit">Search</button>
      </form>
      <Message note={note} />
      <table>
        <caption>Entries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">From</th>
            <th scope="col">Did</th>
            <th scope="col">To</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.event_id}>
              <td>{when(entry.at)}</td>
              <td>{entry.actor.username}</td>
              <td>{entry.actor.address}</td>
              <td>{entry.action}</td>
              <td>
                {entry.target.type} {entry.target.id}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
