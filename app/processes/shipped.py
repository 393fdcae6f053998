"""The shipped model files (``bpmn/ dmn/ forms/ certificate_templates/``) against what analysts run.

Shipped files seed a service that has no active version. After that, what is active is the
analysts' decision: ``flask deploy`` (run by every ``make run`` and every upgrade) stores shipped files
that differ as a draft and says so, and activates them only when told (``flask deploy --activate KEY``).
"""
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, ProcessVersion
from .deploy import active_version, collect_files, deploy, files_sha


def activated_by(version: ProcessVersion) -> tuple[str, object] | tuple[None, None]:
    """Who activated ``version`` last and when, from the audit trail (``system`` is the CLI)."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "process_version", AuditEvent.action == "activated",
        AuditEvent.object_key == f"{version.process_key}:{version.version}").order_by(AuditEvent.id.desc()).limit(1))
    return (event.actor, event.at) if event is not None else (None, None)


def deploy_shipped(key: str, dirs: dict[str, Path], *, activate: bool = False) -> str:
    """Deploy the shipped files of one service without overriding an analyst's activation.

    :returns: one line saying what happened.
    :raises InvalidModel: the shipped files do not pass the deploy checks (nothing is stored).
    """
    files = collect_files(key, dirs)
    active = active_version(key)
    if active is None:
        version, _created = deploy(key, files, activate=True)
        return f"version {version.version} deployed and active (no version was active)"
    if files_sha(files) == active.sha256:
        return f"version {active.version} unchanged"
    if activate:
        version, _created = deploy(key, files, activate=True)
        return f"version {version.version} of the shipped files activated (was version {active.version})"
    version, created = deploy(key, files, activate=False)
    who, when = activated_by(active)
    since = f" on {when:%Y-%m-%d %H:%M} UTC" if when else ""
    stored = f"stored as draft version {version.version}" if created else f"they are version {version.version}"
    return (f"shipped files differ from active version {active.version} (activated by {who or 'unknown'}{since}); "
            f"{stored}, not activated — run `flask deploy --activate {key}` to use them")
