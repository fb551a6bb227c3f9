"""Cinema members: the people who subscribe to movies."""

from __future__ import annotations

from boxoffice.catalog import subscriptions
from boxoffice.catalog.common import name_key, prefix_key
from boxoffice.catalog.schemas import MemberIn, MemberOut
from boxoffice.clock import iso, now_epoch
from boxoffice.ids import new_id
from boxoffice.models.base import get_or_404
from boxoffice.models.catalog import Member
from boxoffice.pagination import query_page
from boxoffice.schemas import Page


def to_out(member: Member) -> MemberOut:
    return MemberOut(
        member_id=member.member_id,
        name=member.name,
        email=member.email,
        city=member.city,
        created_at=iso(member.created_at),
        updated_at=iso(member.updated_at),
    )


def create(body: MemberIn) -> MemberOut:
    now = now_epoch()
    member_id = new_id()
    member = Member(
        member_id=member_id,
        name=body.name,
        name_key=name_key(body.name, member_id),
        email=str(body.email),
        city=body.city,
        created_at=now,
        updated_at=now,
    )
    member.save(condition=Member.member_id.does_not_exist())
    return to_out(member)


def get(member_id: str) -> MemberOut:
    return to_out(get_or_404(Member, member_id, "member"))


def replace(member_id: str, body: MemberIn) -> MemberOut:
    member = get_or_404(Member, member_id, "member")
    member.update(
        actions=[
            Member.name.set(body.name),
            Member.name_key.set(name_key(body.name, member_id)),
            Member.email.set(str(body.email)),
            Member.city.set(body.city),
            Member.updated_at.set(now_epoch()),
        ],
        condition=Member.member_id.exists(),
    )
    return to_out(member)


def delete(member_id: str) -> None:
    """Remove a member and then their subscriptions (none can be added once the member is gone)."""
    member = get_or_404(Member, member_id, "member")
    member.delete()
    subscriptions.delete_all("by_member", member_id)


def list_page(
    limit: int, cursor: str | None, name: str | None, city: str | None = None, email: str | None = None
) -> Page[MemberOut]:
    """By name; a name prefix narrows the query, a city or an e-mail address (exact) filters it."""
    condition = None
    for part in ([Member.city == city] if city else []) + ([Member.email == email] if email else []):
        condition = part if condition is None else condition & part
    members, next_cursor = query_page(
        Member,
        Member.by_name,
        "MEMBER",
        limit=limit,
        cursor=cursor,
        range_condition=Member.name_key.startswith(prefix_key(name)) if name else None,
        filter_condition=condition,
    )
    return Page[MemberOut](items=[to_out(member) for member in members], next_cursor=next_cursor)
