import { useEffect, useState } from "react";

/** Hash routes (#/screenings/abc): the API owns every path of the origin, the app only its fragment. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  const [parts, setParts] = useState(read);
  useEffect(() => {
    const changed = () => setParts(read());
    window.addEventListener("hashchange", changed);
    return () => window.removeEventListener("hashchange", changed);
  }, []);
  return parts;
}

export function go(path: string): void {
  window.location.hash = `#/${path.replace(/^\//, "")}`;
}
