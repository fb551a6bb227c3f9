export type Note = { kind: "error" | "info"; text: string } | null;

/** What just happened, read out by screen readers: errors as alerts, the rest as status. */
export function Message({ note }: { note: Note }) {
  return (
    <div aria-live="polite">
      {note && (
        <p role={note.kind === "error" ? "alert" : "status"} className={note.kind}>
          {note.text}
        </p>
      )}
    </div>
  );
}
