import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, when, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type Webhook = Schemas["WebhookOut"];
type Delivery = Schemas["DeliveryOut"];
const EVENTS = ["OrderPaid", "OrderRefunded", "OrderPartlyRefunded", "OrderCancelled", "TicketCheckedIn", "ScreeningCancelled", "ScreeningRescheduled"];

/** Webhooks: where events are sent, their secret (shown once), and what was delivered. */
export function Webhooks() {
  const [hooks, setHooks] = useState<Webhook[]>([]);
  const [deliveries, setDeliveries] = useState<{ hook: Webhook; items: Delivery[] } | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = () => api.GET("/webhooks").then(({ data }) => setHooks(data?.items ?? []));
  useEffect(() => void load(), []);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST("/webhooks", {
      body: { url: String(form.get("url")), events: form.getAll("events").map(String) },
    });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote({ kind: "info", text: `Created. Its signing secret, shown only now: ${data.secret}` });
    load();
  };
  const remove = async (hook: Webhook) => {
    await api.DELETE("/webhooks/{webhook_id}", { params: { path: { webhook_id: hook.webhook_id } } });
    load();
  };
  const show = async (hook: Webhook) => {
    const { data } = await api.GET("/webhooks/{webhook_id}/deliveries", { params: { path: { webhook_id: hook.webhook_id } } });
    setDeliveries({ hook, items: data?.items ?? [] });
  };

  return (
    <section>
      <h1>Webhooks</h1>
      <Message note={note} />
      <ul>
        {hooks.map((hook) => (
          <li key={hook.webhook_id}>
            {hook.url} ({hook.events.join(", ")}){" "}
            <button type="button" className="secondary" onClick={() => show(hook)}>
              Deliveries to {hook.url}
            </button>{" "}
            <button type="button" className="secondary" onClick={() => remove(hook)}>
              Delete {hook.url}
            </button>
          </li>
        ))}
      </ul>
      {deliveries && (
        <table>
          <caption>Deliveries to {deliveries.hook.url}</caption>
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last answer</th>
              <th scope="col">Next try</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.items.map((d) => (
              <tr key={d.event_id}>
                <td>{d.event_type}</td>
                <td>{d.status}</td>
                <td>{d.attempts}</td>
                <td>{d.last_status_code ?? d.last_error ?? "—"}</td>
                <td>{d.next_attempt_at ? when(d.next_attempt_at) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={create} className="card">
        <h2>New webhook</h2>
        <label>
          URL (https://, a public address)
          <input name="url" type="url" required />
        </label>
        <fieldset>
          <legend>Events</legend>
          {EVENTS.map((name) => (
            <label key={name} className="inline">
              <input type="checkbox" name="events" value={name} defaultChecked={name === "OrderPaid"} /> {name}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create the webhook</button>
      </form>
    </section>
  );
}
