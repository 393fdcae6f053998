"""Who heads an office of a given level (``office_heads.json``) and which roles an office of a level
can have posted (``office_roles.json``)."""
import json
from functools import lru_cache
from pathlib import Path

HEADS_FILE = Path(__file__).with_name("office_heads.json")


@lru_cache(maxsize=1)
def _heads() -> dict[str, str]:
    return dict(json.loads(HEADS_FILE.read_text(encoding="utf-8"))["heads"])


def head_role(level: str | None) -> str | None:
    """The role code heading an office of ``level`` (e.g. BDO for BLOCK), or ``None``."""
    return _heads().get(level or "")


def heads_office(user, office) -> bool:
    """Whether ``user`` holds the head's posting at ``office``."""
    role = head_role(getattr(office, "level", None))
    return bool(role) and any(p.office_id == office.id and p.role == role for p in user.postings)


ROLES_FILE = Path(__file__).with_name("office_roles.json")


@lru_cache(maxsize=1)
def _posted() -> dict[str, tuple]:
    return {level: tuple(roles) for level, roles in json.loads(ROLES_FILE.read_text(encoding="utf-8"))["roles"].items()}


def roles_at(level: str | None) -> tuple:
    """The roles that can be posted at an office of ``level`` (``office_roles.json``)."""
    return _posted().get(level or "", ())


def levels_of(role: str) -> list[str]:
    """The office levels a ``role`` can be posted at."""
    return [level for level, roles in _posted().items() if role in roles]
