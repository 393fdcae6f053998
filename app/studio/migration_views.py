"""The studio's page for moving running applications to another version of their service.

Pick a version → a dry run of every open application (can it move, where its waiting task maps,
why not) → move one, or every movable one with per-item progress: the page posts each application
to ``/studio/<service>/migrate/<ain>`` in turn (each its own request and transaction, so any worker
answers and nothing is held in memory); without JavaScript, "move all" runs in one request. The
decisions and the audit record are :mod:`app.processes.migration`'s, as for the API and the CLI.
"""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..errors import NotFound
from ..intake.records import find_by_ain
from ..processes import migration
from ..web import edge
from ..web.access import current_actor, page_access
from . import operations as studio

migration_bp = Blueprint("migration", __name__, url_prefix="/studio")
edge.install(migration_bp)

#: At most this many open applications are planned on one page (the CLI moves any number).
PAGE_LIMIT = 200

#: Why an application cannot move (``app.engine.migrate.REASONS`` and ``app.processes.migration``),
#: in the reader's language; the API and the console keep the English text.
_REASONS = {
    "subprocess": lambda p: _("the application is inside a sub-process; such applications are not moved"),
    "step_removed": lambda p: _("the step the application is at, %(step)s, is not in the new version", **p),
    "passed_removed": lambda p: _("the application has passed %(step)s, which the new version removes", **p),
    "lane_change": lambda p: _("the waiting task %(step)s would move from the %(from_lane)s inbox to the "
                               "%(to_lane)s inbox", **p),
    "does_not_run": lambda p: _("the moved application does not run on the new version: %(error)s", **p),
    "tasks_change": lambda p: _("the waiting tasks would change; move it when it reaches a step both versions "
                                "share"),
    "not_running": lambda p: _("the application is no longer running"),
    "same_version": lambda p: _("the application already runs on version %(version)s", **p),
}


def say(reason) -> str:
    """A reason in the reader's language (a plain message as it is)."""
    text = _REASONS.get(getattr(reason, "code", None))
    return text(reason.params) if text else str(reason)


def _version_arg(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() and 0 < int(value) < 2**31 else None


def _page(service: str, number: int | None, results: dict | None = None, status: int = 200):
    actor = current_actor()
    svc = studio.get_service(service)
    versions = studio.versions(service)
    plans, total = [], 0
    if number is not None:
        ains = migration.open_applications(service, number)
        total = len(ains)
        plans = [migration.plan(actor, ain, number) for ain in ains[:PAGE_LIMIT]]
        for plan in plans:
            plan["why"] = [say(r) for r in plan["reasons"]]
    movable = [p for p in plans if p["movable"]]
    return render_template("studio/migrate.html", service=svc, versions=versions, number=number, plans=plans,
                           total=total, movable=movable, results=results or {}), status


@migration_bp.get("/<service>/migrate")
@page_access(roles=migration.MOVER_ROLES)
def page(service):
    return _page(service, _version_arg(request.args.get("version")))


def _move(actor, service: str, ain: str, number) -> dict:
    def move():
        application = find_by_ain(ain)
        if application is None or application.service.key != service:
            raise NotFound(_("There is no open application %(ain)s of this service.", ain=ain))
        return migration.migrate(actor, ain, number, current_app.config)
    moved, refusal = edge.in_own_transaction(move)
    if refusal is None:
        return {"ok": True, "ain": ain, "outcome": _("Moved"),
                "message": _("Now on version %(n)s.", n=moved["to_version"])}
    reasons = refusal.extra.get("reasons") or [refusal.message]
    return {"ok": False, "ain": ain, "outcome": _("Not moved"), "message": "; ".join(say(r) for r in reasons)}


@migration_bp.post("/<service>/migrate/<ain>")
@page_access(roles=migration.MOVER_ROLES)
def move_one(service, ain):
    """One application; JSON for the page's script, a message and the page again for a plain form."""
    number = _version_arg(request.form.get("version"))
    result = _move(current_actor(), service, ain, number)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(result)
    flash(f"{ain}: {result['outcome']}. {result['message']}", "success" if result["ok"] else "error")
    return redirect(url_for("migration.page", service=service, version=number))


@migration_bp.post("/<service>/migrate")
@page_access(roles=migration.MOVER_ROLES)
def move_all(service):
    """Every movable application (the page without JavaScript), each in its own transaction."""
    actor = current_actor()
    number = _version_arg(request.form.get("version"))
    if number is None:
        flash(_("Choose the version to move to."), "error")
        return redirect(url_for("migration.page", service=service))
    studio.get_service(service)
    results = {}
    for ain in migration.open_applications(service, number)[:PAGE_LIMIT]:
        if migration.plan(actor, ain, number)["movable"]:
            results[ain] = _move(actor, service, ain, number)
    return _page(service, number, results)
