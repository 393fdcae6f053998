"""Who is acting: a user reached through a login token or a partner's API key."""
from dataclasses import dataclass, field

from ..models import User
from ..policy.postings import current_postings, roles_of


@dataclass
class Actor:
    user: User
    #: Set when the request came with a partner API key: the channel it may submit on.
    channel: str | None = None
    ip: str | None = None
    #: The roles of the postings current when the actor was made (``app.policy.postings``).
    roles: list[str] | None = None
    #: The user's postings current by the app clock; lapsed and future ones grant nothing.
    postings: list = field(default_factory=list)

    def __post_init__(self):
        self.postings = current_postings(self.user)
        if self.roles is None:
            self.roles = roles_of(self.user)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    def has_role(self, *roles: str) -> bool:
        return any(r in roles for r in self.roles)

    def office_ids(self, *roles: str) -> set[int]:
        """Offices where this actor currently holds any of ``roles`` (all current postings when none given)."""
        return {p.office_id for p in self.postings if not roles or p.role in roles}

    @property
    def primary_role(self) -> str:
        return self.roles[0] if self.roles else "CITIZEN"
