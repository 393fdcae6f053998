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
    return {"ok": False, "ain": ain, "outcome": _("Not moved"), "message": "; ".join(reasons)}


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
