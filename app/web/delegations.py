"""Out of office: an officer hands their queue to a colleague for some days (issue 16, item 1).

The page calls the same operations as ``/api/v1/delegations`` (``app.inbox.delegation``), which ask
``app.policy``; it only turns their answers into a list, a form with field errors, and a withdraw button.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import policy
from ..errors import Invalid
from ..inbox import delegation
from .access import current_actor, page_access
from .i18n import when

delegations_bp = Blueprint("delegations", __name__, url_prefix="/officer")
FIELDS = ("from", "to", "starts_on", "ends_on")


@delegations_bp.get("/delegations")
@page_access(roles=policy.OFFICERS)
def page():
    return _page()


@delegations_bp.post("/delegations")
@page_access(roles=policy.OFFICERS)
def create():
    body = {name: request.form.get(name, "").strip() for name in FIELDS if request.form.get(name, "").strip()}
    try:
        made = delegation.create(current_actor(), body)
    except Invalid as refused:
        return _page(values=body, errors=refused.fields or {}, status=422)
    flash(_("%(to)s works your queue from %(start)s to %(end)s.", to=made.delegate.username,
            start=when(made.starts_on.isoformat(), False), end=when(made.ends_on.isoformat(), False)), "success")
    return redirect(url_for("delegations.page"))


@delegations_bp.post("/delegations/<int:delegation_id>/withdraw")
@page_access(roles=policy.OFFICERS)
def withdraw(delegation_id):
    delegation.revoke(current_actor(), delegation_id)
    flash(_("The delegation is withdrawn."), "info")
    return redirect(url_for("delegations.page"))


def _page(values=None, errors=None, status=200):
    actor = current_actor()
    rows = [(row, delegation.api(row)) for row in delegation.visible(actor)]
    errors = errors or {}
    summary = [("d-from" if name == "role" else f"d-{name}", message) for name, message in errors.items()]
    return render_template("officer/delegations.html", rows=rows, values=values or {}, errors=errors,
                           summary=summary, me=actor.user.username), status
