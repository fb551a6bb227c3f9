import { useEffect, useState } from "react";
import { api, session, type Schemas } from "./client";

export type Me = Schemas["MeOut"];

/** Who is signed in (GET /me), or null; `refresh` after signing in or out. */
export function useMe(): { me: Me | null; loading: boolean; refresh: () => void } {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!session.token()) {
      setMe(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    api.GET("/me").then(({ data }) => {
      if (!data) session.clear();
      setMe(data ?? null);
      setLoading(false);
    });
  }, [tick]);
  return { me, loading, refresh: () => setTick((n) => n + 1) };
}

export function can(me: Me | null, permission: string): boolean {
  return Boolean(me?.permissions?.includes(permission));
}
