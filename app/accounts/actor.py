"""Who is acting: a user reached through a login token or a partner's API key."""
from dataclasses import dataclass, field

from ..models import User


@dataclass
class Actor:
    user: User
    #: Set when the request came with a partner API key: the channel it may submit on.
    channel: str | None = None
    ip: str | None = None
    roles: list[str] = field(default_factory=list)

    def __post_init__(self):
        if not self.roles:
            self.roles = self.user.roles()

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username

    def has_role(self, *roles: str) -> bool:
        return any(r in roles for r in self.roles)

    def office_ids(self, *roles: str) -> set[int]:
        """Offices where this actor holds any of ``roles`` (all postings when none given)."""
        return {p.office_id for p in self.user.postings if not roles or p.role in roles}

    @property
    def primary_role(self) -> str:
        return self.roles[0] if self.roles else "CITIZEN"
