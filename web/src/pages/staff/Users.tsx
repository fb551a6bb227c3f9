import { useEffect, useState, type FormEvent } from "react";
import { api, errorText, type Schemas } from "../../api/client";
import { Message, type Note } from "../../ui/Message";

type User = Schemas["UserOut"];
type Permission = NonNullable<Schemas["CreateUserIn"]["permissions"]>[number];
const PERMISSIONS: Permission[] = [
  "movies:view", "movies:create", "movies:update", "movies:delete",
  "members:view", "members:create", "members:update", "members:delete",
  "subscriptions:view", "subscriptions:create", "subscriptions:delete",
  "screenings:view", "screenings:manage", "orders:create", "orders:view-all", "orders:manage",
  "tickets:check-in", "reports:view", "audit:view", "webhooks:manage", "users:manage",
];

// What each job at a cinema needs; a role fills the boxes, which stay the truth (and can be changed one by one).
const SEES: Permission[] = ["movies:view", "screenings:view"];
export const ROLES: { name: string; permissions: Permission[] }[] = [
  { name: "Box office", permissions: [...SEES, "members:view", "members:create", "orders:create", "orders:view-all", "orders:manage"] },
  { name: "Door", permissions: [...SEES, "tickets:check-in"] },
  {
    name: "Manager",
    permissions: [
      ...SEES,
      ...(["movies:create", "movies:update", "movies:delete", "screenings:manage", "members:view"] as Permission[]),
      ...(["subscriptions:view", "orders:view-all", "orders:manage", "reports:view", "audit:view"] as Permission[]),
    ],
  },
  { name: "Administrator", permissions: PERMISSIONS },
];

function PermissionBoxes({ initial, name }: { initial: string[]; name: string }) {
  const [chosen, setChosen] = useState<string[]>(initial);
  const toggle = (permission: string, on: boolean) =>
    setChosen((now) => (on ? [...now, permission] : now.filter((p) => p !== permission)));
  return (
    <fieldset className="permissions">
      <legend>Permissions</legend>
      <p className="roles">
        Fill for a role:{" "}
        {ROLES.map((role) => (
          <button key={role.name} type="button" className="secondary" onClick={() => setChosen([...role.permissions])}>
            {role.name}
          </button>
        ))}
      </p>
      {PERMISSIONS.map((permission) => (
        <label key={permission} className="inline">
          <input
            type="checkbox"
            name={name}
            value={permission}
            checked={chosen.includes(permission)}
            onChange={(event) => toggle(permission, event.target.checked)}
          />{" "}
          {permission}
        </label>
      ))}
    </fieldset>
  );
}

/** Staff and customer accounts: create staff with permissions and a session length; change, disable, unlock. */
export function Users() {
  const [users, setUsers] = useState<User[]>([]);
  const [editing, setEditing] = useState<User | null>(null);
  const [note, setNote] = useState<Note>(null);
  const load = () => api.GET("/users", { params: { query: { limit: 100 } } }).then(({ data }) => setUsers(data?.items ?? []));
  useEffect(() => void load(), []);

  const create = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.POST("/users", {
      body: {
        username: String(form.get("username")),
        first_name: String(form.get("first_name")),
        last_name: String(form.get("last_name")),
        email: String(form.get("email")),
        session_timeout_minutes: Number(form.get("session")),
        permissions: form.getAll("permissions").map(String) as Permission[],
      },
    });
    if (!data) return setNote({ kind: "error", text: errorText(error) });
    setNote({
      kind: "info",
      text: `Created ${data.username}. Their one-time sign-up code: ${data.signup_code} (they activate the account with it under "Activate your account" on the sign-in page).`,
    });
    load();
  };
  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!editing) return;
    const form = new FormData(event.currentTarget);
    const { data, error } = await api.PUT("/users/{user_id}", {
      params: { path: { user_id: editing.user_id } },
      body: {
        permissions: form.getAll("edit-permissions").map(String) as Permission[],
        enabled: form.get("enabled") === "on",
        session_timeout_minutes: Number(form.get("session")),
        unlock: form.get("unlock") === "on",
      },
    });
    setNote(data ? { kind: "info", text: `Saved ${data.username}.` } : { kind: "error", text: errorText(error) });
    if (data) setEditing(null);
    load();
  };

  return (
    <section>
      <h1>Users</h1>
      <Message note={note} />
      <table>
        <caption>Accounts</caption>
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Permissions</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user) => (
            <tr key={user.user_id}>
              <td>{user.username}</td>
              <td>{user.account_type}</td>
              <td>{user.status}</td>
              <td>{user.permissions.join(", ")}</td>
              <td>
                <button type="button" className="secondary" onClick={() => setEditing(user)}>
                  Change {user.username}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <form onSubmit={save} className="card" key={editing.user_id}>
          <h2>Change {editing.username}</h2>
          <label>
            Session length (minutes)
            <input name="session" type="number" min={1} defaultValue={editing.session_timeout_minutes} />
          </label>
          <label className="inline">
            <input type="checkbox" name="enabled" defaultChecked={editing.enabled} /> Enabled
          </label>
          <label className="inline">
            <input type="checkbox" name="unlock" /> Lift the login delays
          </label>
          <PermissionBoxes initial={editing.permissions} name="edit-permissions" />
          <button type="submit">Save</button>
        </form>
      )}
      <form onSubmit={create} className="card">
        <h2>New staff account</h2>
        <label>
          Username
          <input name="username" required />
        </label>
        <label>
          First name
          <input name="first_name" required />
        </label>
        <label>
          Last name
          <input name="last_name" required />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required />
        </label>
        <label>
          Session length (minutes)
          <input name="session" type="number" min={1} defaultValue={480} required />
        </label>
        <PermissionBoxes initial={[]} name="permissions" />
        <button type="submit">Create the account</button>
      </form>
    </section>
  );
}
