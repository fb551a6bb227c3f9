import { useState, type FormEvent } from "react";
import { api, errorText, fieldErrors, session } from "../api/client";

/** A form field; what the API said of it shows under it, and is read with it (aria-describedby). */
function Field(props: { label: string; name: string; type?: string; autoComplete?: string; error?: string }) {
  const errorId = `${props.name}-error`;
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        required
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
      />
      {props.error && (
        <span id={errorId} className="field-error">
          {props.error}
        </span>
      )}
    </label>
  );
}

function FormError({ error }: { error: string }) {
  return error ? (
    <p role="alert" className="error">
      {error}
    </p>
  ) : null;
}

function NewPassword({ label, error }: { label: string; error?: string }) {
  return (
    <Field label={`${label} (at least 10 characters)`} name="password" type="password" autoComplete="new-password" error={error} />
  );
}

/** What creating and activating an account share: the API's answer shown (each field's error under it), then
 * signing in with the new password. */
function useAccountForm(onDone: () => void) {
  const [error, setError] = useState("");
  const [fields, setFields] = useState<Record<string, string>>({});
  const start = () => {
    setFields({});
    setError("");
  };
  const answered = async (answer: { data?: unknown; error?: unknown }, account: { username: string; password: string }) => {
    if (!answer.data) {
      setFields(fieldErrors(answer.error));
      return setError(errorText(answer.error));
    }
    const login = await api.POST("/auth/login", { body: { username: account.username, password: account.password } });
    if (!login.data) return setError(errorText(login.error));
    session.save(login.data.access_token);
    onDone(); // App decides where to: the seats a visitor chose, or the program
  };
  return { error, fields, start, answered };
}

export function SignIn({ onDone, notice = "" }: { onDone: () => void; notice?: string }) {
  const [error, setError] = useState("");
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const { data, error: refused } = await api.POST("/auth/login", {
      body: { username: String(form.get("username")), password: String(form.get("password")) },
    });
    if (!data) return setError(errorText(refused));
    session.save(data.access_token);
    onDone();
  };
  return (
    <section className="card narrow">
      <h1>Sign in</h1>
      {notice && (
        <p role="status" className="info">
          {notice}
        </p>
      )}
      <form onSubmit={submit}>
        <Field label="Username" name="username" autoComplete="username" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        <FormError error={error} />
        <button type="submit">Sign in</button>
      </form>
      <p>
        New here? <a href="#/register">Create an account</a>
      </p>
      <p>
        Staff with a sign-up code from the cinema: <a href="#/activate">Activate your account</a>
      </p>
    </section>
  );
}

/** A new staff member's first visit: the one-time sign-up code the administrator gave them and a password of
 * their own make the account active; then they are signed in. */
export function Activate({ onDone }: { onDone: () => void }) {
  const { error, fields, start, answered } = useAccountForm(onDone);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    start();
    const form = new FormData(event.currentTarget);
    const body = {
      username: String(form.get("username")).trim(),
      signup_code: String(form.get("signup_code")).trim(),
      password: String(form.get("password")),
    };
    await answered(await api.POST("/auth/signup", { body }), body);
  };
  return (
    <section className="card narrow">
      <h1>Activate your account</h1>
      <form onSubmit={submit}>
        <Field label="Username" name="username" autoComplete="username" error={fields.username} />
        <Field label="Sign-up code" name="signup_code" autoComplete="one-time-code" error={fields.signup_code} />
        <NewPassword label="New password" error={fields.password} />
        <FormError error={error} />
        <button type="submit">Activate and sign in</button>
      </form>
      <p>
        Already active? <a href="#/">Sign in</a>
      </p>
    </section>
  );
}

export function Register({ onDone }: { onDone: () => void }) {
  const { error, fields, start, answered } = useAccountForm(onDone);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    start();
    const form = new FormData(event.currentTarget);
    const body = {
      username: String(form.get("username")),
      password: String(form.get("password")),
      first_name: String(form.get("first_name")),
      last_name: String(form.get("last_name")),
      email: String(form.get("email")),
    };
    await answered(await api.POST("/auth/register", { body }), body);
  };
  return (
    <section className="card narrow">
      <h1>Create an account</h1>
      <form onSubmit={submit}>
        <Field label="Username" name="username" autoComplete="username" error={fields.username} />
        <NewPassword label="Password" error={fields.password} />
        <Field label="First name" name="first_name" autoComplete="given-name" error={fields.first_name} />
        <Field label="Last name" name="last_name" autoComplete="family-name" error={fields.last_name} />
        <Field label="E-mail" name="email" type="email" autoComplete="email" error={fields.email} />
        <FormError error={error} />
        <button type="submit">Create the account</button>
      </form>
      <p>
        Have an account? <a href="#/">Sign in</a>
      </p>
    </section>
  );
}
