"""Officers' pages for issue 16: one decision on many tasks (bulk, with per-item progress) and an
application's audit trail with old and new values.

Bulk work runs one task per request: the page posts each task of the batch in queue order to
``/officer/bulk/item`` and fills in its row as the answer comes, so progress is never held in a
worker's memory (any worker of a multi-worker server can answer the next item) and each task commits
on its own. Without JavaScript the same form runs the whole batch in one request and shows the table.
The decisions themselves are :mod:`app.inbox.bulk`'s and the single task's operation.
"""
from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import policy
from ..audit.operations import trail
from ..errors import DomainError, Invalid
from ..inbox import bulk as bulk_ops
from ..inbox import operations as inbox_ops
from ..intake import records
from .access import current_actor, page_access
from .audit_view import audit_rows
from .edge import in_own_transaction
from .i18n import field_message, lang

supervision_bp = Blueprint("supervision", __name__, url_prefix="/officer")

_TEXTS = ("remarks", "reason", "fifo_override_reason")


def _ids(values: list[str]) -> list[int]:
    out = []
    for value in values:
        if value.isdigit() and 0 < int(value) < 2**63 and int(value) not in out:
            out.append(int(value))
    return out


def _decision(form) -> dict:
    body = {"action": form.get("action", "")}
    for name in _TEXTS:
        value = (form.get(name) or "").strip()
        if value:
            body[name] = value
    return body


def _check(body: dict, offered: list[dict]) -> dict[str, str]:
    """The batch's decision checked before any task is touched: a known decision, with the remark or
    reason it needs (the same rules as the single task's page)."""
    chosen = {a["key"]: a for a in offered}.get(body["action"])
    if chosen is None:
        return {"action": _("Choose a decision.")}
    errors = {}
    for needed in chosen.get("requires", []):
        if not body.get(needed):
            errors[needed] = _("Write the reason.") if needed == "reason" else _("Write the remark.")
    for name in _TEXTS:
        if len(body.get(name, "")) > 2000:
            errors[name] = _("is too long (at most 2000 characters)")
    return errors


@supervision_bp.route("/bulk", methods=["GET", "POST"])
@page_access(roles=policy.OFFICERS)
def bulk():
    """Choose the decision (``phase`` empty or ``check``), then the batch is ready to run; ``run``
    (the page without JavaScript) completes every task here and shows the results. A GET (the
    language switch reloads the page it is on) goes back to the inbox: a batch is chosen there."""
    if request.method == "GET":
        return redirect(url_for("officer.inbox"))
    actor = current_actor()
    ids = _ids(request.form.getlist("ids"))
    if not ids:
        flash(_("Choose the tasks first: tick them in the list."), "error")
        return redirect(url_for("officer.inbox"))
    if len(ids) > bulk_ops.MAX_TASKS:
        flash(_("Choose at most %(n)s tasks at once.", n=bulk_ops.MAX_TASKS), "error")
        return redirect(url_for("officer.inbox"))
    items = {i: inbox_ops.get_item(actor, i) for i in ids}     # someone else's task: 404, as on its own page
    ordered = bulk_ops.in_queue_order(ids)
    if any(refused is not None for _id, _ain, refused in ordered):
        flash(_("The tasks you chose are at different steps. Choose tasks of one step only "
                "(the Step filter above the list helps)."), "error")
        return redirect(url_for("officer.inbox"))
    items = [items[i] for i, _ain, _refused in ordered]
    first = items[0]
    schema = first.application.instance.version.forms.get(first.form_key) or {}
    offered = bulk_ops.offered_actions(schema)
    body, phase = _decision(request.form), request.form.get("phase", "")
    errors = _check(body, offered) if phase in ("check", "run") else {}
    if phase not in ("check", "run") or errors:
        return render_template("officer/bulk.html", items=items, offered=offered, body=body, errors=errors,
                               phase="choose", step=bulk_ops.step_of(first)), 422 if errors else 200
    results = {}
    if phase == "run":
        for item in items:
            results[item.id] = _run_one(actor, item.id, bulk_ops.step_of(first), body)
    return render_template("officer/bulk.html", items=items, offered=offered, body=body, errors={},
                           phase="done" if results else "ready", results=results, step=bulk_ops.step_of(first),
                           chosen={a["key"]: a for a in offered}[body["action"]])


@supervision_bp.post("/bulk/item")
@page_access(roles=policy.OFFICERS)
def bulk_item():
    """One task of a batch, posted by the bulk page: its outcome as JSON (always 200: a refused task
    is a row of the result table, not an error of the page)."""
    try:
        item_id = int(request.form.get("id", ""))
        step = (int(request.form.get("service_id", "")), request.form.get("step", ""))
    except ValueError:
        raise Invalid("Send the task, the service and the step.", fields={"id": "must be a number"}) from None
    return jsonify({"id": item_id, **_run_one(current_actor(), item_id, step, _decision(request.form))})


def _run_one(actor, item_id: int, step: tuple[int, str], body: dict) -> dict:
    application, refusal = in_own_transaction(
        lambda: bulk_ops.complete_one(actor, item_id, step, body, current_app.config))
    if refusal is None:
        stage = (application.stage_bn if lang() == "bn" and application.stage_bn else application.stage) or ""
        return {"ok": True, "ain": application.ain, "outcome": _("Done"),
                "message": _("Now at “%(stage)s”.", stage=stage) if stage else ""}
    return {"ok": False, "outcome": _("Not done"), "message": refusal_message(refusal)}


def refusal_message(exc: DomainError) -> str:
    """Why one task of a batch was not done, in the page's language."""
    if exc.code == "already_completed":
        return _("Someone has already acted on this task.")
    if exc.code == "fifo_violation":
        return _("Application %(ain)s has been waiting longer in this queue. Act on it first, or give a reason "
                 "for taking this one out of turn.", ain=exc.extra.get("older_ain", ""))
    if exc.code == "held_by_other":
        return _("Another officer is working on this task.")
    if exc.code == "other_step":
        return _("This task is not at the same step as the others; act on it on its own.")
    if exc.code in ("not_found", "forbidden"):
        return _("This task is not in your inbox.")
    if exc.code == "invalid" and exc.fields:
        return "; ".join(field_message(m) for m in exc.fields.values())
    return exc.message


@supervision_bp.get("/applications/<ain>/audit")
@page_access(roles=policy.AUDITORS)
def audit(ain):
    """Who did what to the application and when, with the values before and after each change."""
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.audit", application,
                 missing=_("There is no such application that you may see."))
    body = trail("application", application.ain)
    return render_template("officer/audit.html", application=application, chain_intact=body["chain_intact"],
                           rows=audit_rows(application, body["items"]))
