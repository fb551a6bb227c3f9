import { useEffect, useRef, useState } from "react";
import { SESSION_ENDED, pendingSeats, session } from "./api/client";
import { can, useMe } from "./api/me";
import { go, useRoute } from "./router";
import { Activate, Register, SignIn } from "./pages/Account";
import { MyOrders } from "./pages/MyOrders";
import { Screenings } from "./pages/Screenings";
import { SeatMap } from "./pages/SeatMap";
import { Audit } from "./pages/staff/Audit";
import { BoxOffice } from "./pages/staff/BoxOffice";
import { Members, Movies } from "./pages/staff/Catalog";
import { Door } from "./pages/staff/Door";
import { Halls } from "./pages/staff/Halls";
import { Orders } from "./pages/staff/Orders";
import { Reports } from "./pages/staff/Reports";
import { Schedule } from "./pages/staff/Schedule";
import { Users } from "./pages/staff/Users";
import { Venues } from "./pages/staff/Venues";
import { Webhooks } from "./pages/staff/Webhooks";
import { STAFF_PAGES, allowed } from "./ui/staffPages";

export function App() {
  const route = useRoute();
  const { me, loading, refresh } = useMe();
  const main = useRef<HTMLElement>(null);
  useEffect(() => main.current?.focus(), [route.join("/")]); // a new page: focus moves to it (screen readers)

  const [notice, setNotice] = useState("");
  useEffect(() => {
    const ended = () => {
      setNotice("Your session has ended: sign in again.");
      refresh();
    };
    // Another tab signed in or out: this one follows (the storage event fires only in the other tabs).
    const elsewhere = (event: StorageEvent) => {
      if (event.key === null || event.key === "boxoffice.token") refresh();
    };
    window.addEventListener(SESSION_ENDED, ended);
    window.addEventListener("storage", elsewhere);
    return () => {
      window.removeEventListener(SESSION_ENDED, ended);
      window.removeEventListener("storage", elsewhere);
    };
  }, []);
  const signedIn = () => {
    setNotice("");
    refresh();
    const waiting = pendingSeats.peek(); // a visitor who chose seats signed in to hold them: back to those seats
    if (waiting) go(`screenings/${waiting.screeningId}`);
    else if (["signin", "register", "activate"].includes(route[0])) go("");
  };

  const signOut = () => {
    session.clear();
    refresh();
    go("");
  };
  const staffPages = STAFF_PAGES.filter((page) => allowed(me?.permissions, page.needs));
  const path = route.join("/");
  const staffPage = STAFF_PAGES.find((page) => page.path === path);

  let page;
  if (loading) page = <p>Loading…</p>;
  else if (!me && route[0] === "register") page = <Register onDone={signedIn} />;
  else if (!me && route[0] === "activate") page = <Activate onDone={signedIn} />;
  // The public program: what is on, and each seat map, without an account; signing in only to hold seats.
  else if (!me && route[0] === "screenings" && route[1]) page = <SeatMap key={route[1]} screeningId={route[1]} me={null} />;
  else if (!me && path === "") page = <Screenings me={null} />;
  else if (!me) page = <SignIn onDone={signedIn} notice={notice} />;
  else if (staffPage && !allowed(me.permissions, staffPage.needs))
    page = (
      <section>
        <h1>Not for this account</h1>
        <p>Your account is not allowed to see {staffPage.label.toLowerCase()}.</p>
      </section>
    );
  else if (path === "staff/movies") page = <Movies canCreate={can(me, "movies:create")} canSeeMembers={can(me, "subscriptions:view")} />;
  else if (path === "staff/members") page = <Members />;
  else if (path === "staff/halls") page = <Halls />;
  else if (path === "staff/schedule") page = <Schedule />;
  else if (path === "staff/box-office") page = <BoxOffice />;
  else if (path === "staff/orders") page = <Orders me={me} />;
  else if (path === "staff/door") page = <Door />;
  else if (path === "staff/reports") page = <Reports />;
  else if (path === "staff/audit") page = <Audit />;
  else if (path === "staff/users") page = <Users />;
  else if (path === "staff/webhooks") page = <Webhooks />;
  else if (path === "staff/venues") page = <Venues />;
  else if (route[0] === "screenings" && route[1]) page = <SeatMap key={route[1]} screeningId={route[1]} me={me} />;
  else if (route[0] === "orders") page = <MyOrders />;
  else page = <Screenings me={me} />;

  return (
    <>
      <a className="skip" href="#main" onClick={(e) => (e.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header>
        <a className="brand" href="#/">
          Boxoffice
        </a>
        {!me && !loading && (
          <nav aria-label="Main">
            <a href="#/">What's on</a>
            <a href="#/signin">Sign in</a>
            <a href="#/register">Register</a>
          </nav>
        )}
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
      {staffPages.length > 0 && (
        <nav aria-label="Staff" className="staff-nav">
          {staffPages.map((page) => (
            <a key={page.path} href={`#/${page.path}`} aria-current={page.path === path ? "page" : undefined}>
              {page.label}
            </a>
          ))}
        </nav>
      )}
      <main id="main" ref={main} tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
