"""Production refuses to start with development settings (docs/deploy.md, "Settings production refuses").

:func:`settings_problems` reads only the configuration; :func:`database_problems` looks for demo
users; :func:`init_app` runs both when ``PRAVAH_ENV=production`` and stops the process, naming
each setting, before it serves a request or runs a command.
"""
from __future__ import annotations

import sys
from pathlib import Path

from sqlalchemy import inspect, select

#: Values that exist in this repository and so protect nothing.
DEVELOPMENT_SECRETS = frozenset({"dev-only-secret-change-me", "dev-only-aadhaar-key-change-me"})
MIN_SECRET_CHARS = 43          # secrets.token_urlsafe(32): 32 random bytes
MIN_DISTINCT_CHARS = 12
DEMO_CA_NAMES = ("Pravah Demo Root CA", "Pravah Demo Class 3 CA")
DEMO_SIGNING_PASSPHRASE = "demo-signing-pass"


class UnsafeProductionSettings(SystemExit):
    """Raised at start-up; its message names every unsafe setting. Exit status 1."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        text = "Refusing to start with PRAVAH_ENV=production:\n" + "\n".join(f"  - {p}" for p in problems)
        text += "\nSee docs/deploy.md (Settings production refuses)."
        super().__init__(text)


def _weak(value: str | None) -> str | None:
    if not value:
        return "is not set"
    if value in DEVELOPMENT_SECRETS:
        return "is the development value from the repository"
    if len(value) < MIN_SECRET_CHARS or len(set(value)) < MIN_DISTINCT_CHARS:
        return (f"is too weak (use at least 32 random bytes, e.g. "
                f"python3 -c 'import secrets; print(secrets.token_urlsafe(32))')")
    return None


def _is_demo_ca(pem_path: Path) -> bool:
    try:
        text = pem_path.read_bytes()
    except OSError:
        return False
    from cryptography import x509
    try:
        certs = x509.load_pem_x509_certificates(text)
    except ValueError:
        return False
    return any(any(a.value in DEMO_CA_NAMES for a in c.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME))
               for c in certs)


def settings_problems(config) -> list[str]:
    """Every unsafe setting of a production configuration (``config`` is a mapping)."""
    out = []
    secret_problem = _weak(config.get("SECRET_KEY"))
    if secret_problem:
        out.append(f"PRAVAH_SECRET_KEY {secret_problem}")
    aadhaar_problem = _weak(config.get("AADHAAR_KEY"))
    if aadhaar_problem:
        out.append(f"PRAVAH_AADHAAR_KEY {aadhaar_problem}")
    elif config.get("AADHAAR_KEY") == config.get("SECRET_KEY"):
        out.append("PRAVAH_AADHAAR_KEY must differ from PRAVAH_SECRET_KEY (a leaked session key must not "
                   "unmask Aadhaar numbers)")
    if config.get("SIGNING_P12_PASSPHRASE") == DEMO_SIGNING_PASSPHRASE:
        out.append("PRAVAH_SIGNING_P12_PASSPHRASE is the demo passphrase")
    root = config.get("SIGNING_TRUST_ROOT")
    if not root:
        out.append("PRAVAH_SIGNING_TRUST_ROOT is not set (the verifier would trust the demo root CA)")
    elif _is_demo_ca(Path(root)):
        out.append(f"PRAVAH_SIGNING_TRUST_ROOT ({root}) is the demo root CA")
    keys_dir = Path(config.get("SIGNING_KEYS_DIR") or Path(config["DATA_DIR"]) / "keys")
    if any(_is_demo_ca(keys_dir / name) for name in ("root.pem", "class3.pem")):
        out.append(f"PRAVAH_SIGNING_KEYS_DIR ({keys_dir}) holds demo signing keys (made by "
                   "'flask signing init-demo'); install the department's keys")
    return out


def database_problems(db) -> list[str]:
    """Demo users in the database (none when its tables do not exist yet)."""
    from ..demo.seed import demo_usernames
    from ..models import User
    if not inspect(db.engine).has_table(User.__tablename__):
        return []
    found = sorted(db.session.scalars(select(User.username).where(User.username.in_(demo_usernames()))))
    db.session.remove()
    if not found:
        return []
    shown = ", ".join(found[:5]) + (" …" if len(found) > 5 else "")
    return [f"demo users exist in the database ({len(found)}: {shown}); remove them before going live"]


def init_app(app) -> None:
    """Stop a production process with unsafe settings (exit status 1, every problem named)."""
    if app.config.get("ENV_NAME") != "production":
        return
    from sqlalchemy.exc import SQLAlchemyError
    from ..extensions import db
    problems = settings_problems(app.config)
    with app.app_context():
        try:
            problems += database_problems(db)
        except SQLAlchemyError:
            pass  # no database yet: /readyz reports it; demo users are checked at the next start
    if problems:
        error = UnsafeProductionSettings(problems)
        print(error.code, file=sys.stderr)
        raise error
