import { useEffect, useRef } from "react";
import { session } from "./api/client";
import { can, useMe } from "./api/me";
import { go, useRoute } from "./router";
import { SignIn, Register } from "./pages/Account";
import { Screenings } from "./pages/Screenings";
import { SeatMap } from "./pages/SeatMap";
import { MyOrders } from "./pages/MyOrders";

export function App() {
  const route = useRoute();
  const { me, loading, refresh } = useMe();
  const main = useRef<HTMLElement>(null);
  useEffect(() => main.current?.focus(), [route.join("/")]); // a new page: focus moves to it (screen readers)

  const signOut = () => {
    session.clear();
    refresh();
    go("");
  };
  let page;
  if (loading) page = <p>Loading…</p>;
  else if (!me && route[0] === "register") page = <Register onDone={refresh} />;
  else if (!me) page = <SignIn onDone={refresh} />;
  else if (route[0] === "screenings" && route[1]) page = <SeatMap screeningId={route[1]} me={me} />;
  else if (route[0] === "orders") page = <MyOrders />;
  else page = <Screenings />;

  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header>
        <a className="brand" href="#/">
          Boxoffice
        </a>
        {me && (
          <nav aria-label="Main">
            <a href="#/">Screenings</a>
            {can(me, "orders:create") && <a href="#/orders">My orders</a>}
            <span className="who">Signed in as {me.username}</span>
            <button type="button" onClick={signOut}>
              Sign out
            </button>
          </nav>
        )}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
