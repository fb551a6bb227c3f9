"""Who is making the change being written, so the change itself can say so.

Events and audit entries are derived from the tables' streams (design.md §2.10):
the stream shows the item, not the request. So every write of an item that
events are made from carries `actor` ("<user_id> <username> <address>") when a
person made it, and none when the system did (the sweeper, the settlement); a
deletion first stamps `deleted_by`. `boxoffice.http` sets the actor for every
authorized request; sign-in sets it for the account signing in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    address: str

    def stamp(self) -> str:
        # Three words: a Cognito username might hold a space, so any whitespace in a part becomes "_".
        return " ".join("_".join(str(part).split()) or "-" for part in (self.user_id, self.username, self.address))

    @classmethod
    def parse(cls, stamp: str | None) -> Actor | None:
        if not stamp:
            return None
        parts = stamp.split(" ")
        if len(parts) != 3:
            return None
        return cls(*parts)


_current: ContextVar[Actor | None] = ContextVar("boxoffice_actor", default=None)


def current() -> Actor | None:
    return _current.get()


def current_stamp() -> str | None:
    actor = _current.get()
    return actor.stamp() if actor else None


@contextmanager
def acting(actor: Actor | None) -> Iterator[None]:
    """Everything written inside the block is stamped with `actor` (None: by the system)."""
    token = _current.set(actor)
    try:
        yield
    finally:
        _current.reset(token)
