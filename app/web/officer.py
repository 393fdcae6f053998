"""Officers' pages: the inbox (FIFO, Tatkal first, SLA colours, filters), claim/release, and the task
page with the application, its documents and history, the process diagram and the task's actions."""
from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from lxml import etree

from .. import clock, policy
from ..errors import Conflict, Invalid, NotFound, TooLarge, TooMany, UnsupportedType
from ..formschema import actions as form_actions
from ..inbox import delegation
from ..inbox import operations as inbox_ops
from ..inbox import reassign as reassigning
from ..inputs import page_number
from ..storage import storage_for
from ..intake import records
from ..intake.application_documents import add_document
from ..intake.enquiry import eo_report
from ..intake.recall import CannotRecall, recall as recall_application
from ..sla import escalations as sla
from . import forms, queries
from .access import current_actor, page_access

officer_bp = Blueprint("officer", __name__, url_prefix="/officer")


def sla_state(item) -> str:
    """``overdue`` past the due time, ``due_soon`` within one SLA day of it, else ``on_time``."""
    if item.due_at is None:
        return "on_time"
    now = clock.now()
    due = clock.as_utc(item.due_at)
    if due < now:
        return "overdue"
    if due - now <= timedelta(seconds=current_app.config.get("SLA_DAY_SECONDS", 86400)):
        return "due_soon"
    return "on_time"


@officer_bp.get("/inbox")
@page_access(roles=policy.OFFICERS)
def inbox():
    actor = current_actor()
    service, step = request.args.get("service") or None, request.args.get("step") or None
    overdue = request.args.get("overdue") == "1"
    page = page_number(request.args.get("page"))
    items, total = queries.inbox(actor, service=service, task_key=step, overdue=overdue, page=page, per_page=50)
    services, steps = queries.inbox_choices(actor)
    next_url = (url_for("officer.inbox", **{**request.args.to_dict(), "page": page + 1})
                if total > page * 50 else None)
    return render_template("officer/inbox.html", items=items, total=total, page=page, per_page=50,
                           last_done=queries.my_last_recallable(actor),
                           services=services, steps=steps, chosen={"service": service, "step": step,
                                                                   "overdue": overdue},
                           sla_state=sla_state, me=actor.id, next_url=next_url,
                           behalf=delegation.on_behalf_map(actor))


@officer_bp.post("/tasks/<int:item_id>/claim")
@page_access(roles=policy.OFFICERS)
def claim(item_id):
    inbox_ops.claim(current_actor(), item_id)
    flash(_("The task is yours now; others no longer see it."), "success")
    return redirect(url_for("officer.task", item_id=item_id))


@officer_bp.post("/tasks/<int:item_id>/release")
@page_access(roles=policy.OFFICERS)
def release(item_id):
    inbox_ops.release(current_actor(), item_id)
    flash(_("The task is back in the shared inbox."), "info")
    return redirect(url_for("officer.inbox"))


def _task_page(item, *, values=None, errors=None, chosen_action=None, fifo=None, status=200, message=None, body=None,
               confirm=False):
    application = item.application
    version = application.instance.version
    schema = version.forms.get(item.form_key) or {"type": "object", "properties": {}}
    app_schema = version.forms.get(application.service.key, {})
    officer_choices = {name: queries.officers_for(item.office_id, role)
                       for name, role in ((f, p.get("x-officer-role")) for f, p in
                                          (schema.get("properties") or {}).items() if isinstance(p, dict))
                       if role}
    actor = current_actor()
    escalation = sla.escalation_api(actor, item)
    fields = forms.fields(schema, values or {}, errors or {})
    actions = list(form_actions(schema).values())
    return render_template(
        "officer/task.html", escalation=escalation, remarks=sla.remarks_of(item),
        reassign_to=queries.officers_for(item.office_id, item.role) if policy.may(actor, "task.reassign", item) else None,
        item=item, application=application, schema=schema, decision=decision_layout(fields, actions),
        actions=actions, officer_choices=officer_choices, rows=forms.describe(app_schema, application.data or {}),
        history=queries.history_rows(application), errors=errors or {}, chosen_action=chosen_action, fifo=fifo,
        message=message, body=body or {}, sla=sla_state(item), me=actor.id, confirm=confirm,
        posted=request.form if confirm else {}, report=eo_report(application),
        error_links=error_links(errors or {}, fields),
        certificate=queries.certificate_of(application),
        may_recall=item.closed_by_id == actor.id and queries.recallable(actor, application) is not None), status


def decision_layout(fields: list, actions: list) -> dict:
    """Which fields show under which decision (GOV.UK's conditional reveal): a field an action
    requires appears under that action's choice; the rest above the choices."""
    by_action = {a["key"]: [f for f in fields if f"data.{f['name']}" in a.get("requires", [])] for a in actions}
    placed = {f["name"] for group in by_action.values() for f in group}
    return {"general": [f for f in fields if f["name"] not in placed], "by_action": by_action,
            "text": {a["key"]: [t for t in ("remarks", "reason") if t in a.get("requires", [])] for a in actions}}


#: The id of the input each top-level field error points at (the error summary links to it).
_TEXT_IDS = {"remarks": "remarks", "reason": "reason", "fifo_override_reason": "fifo_override_reason",
             "action": "action-choice"}


def error_links(errors: dict, fields: list) -> list[tuple[str, str]]:
    """``(anchor id, message)`` for the error summary, in the page's order."""
    ids = {f"data.{f['name']}": f["id"] for f in fields} | {f["name"]: f["id"] for f in fields}
    return [(ids.get(key) or _TEXT_IDS.get(key) or _TEXT_IDS.get(key.split(".")[-1], "decision"), message)
            for key, message in errors.items()]


@officer_bp.get("/tasks/<int:item_id>")
@page_access(roles=policy.OFFICERS)
def task(item_id):
    return _task_page(inbox_ops.get_item(current_actor(), item_id))


#: Decisions that sign something in the officer's name: the page asks to confirm first.
SIGNING_ACTIONS = ("approve",)


@officer_bp.post("/tasks/<int:item_id>")
@page_access(roles=policy.OFFICERS)
def complete(item_id):
    actor = current_actor()
    item = inbox_ops.get_item(actor, item_id)
    schema = item.application.instance.version.forms.get(item.form_key) or {"type": "object", "properties": {}}
    action = request.form.get("action", "")
    data = forms.parse(schema, request.form)
    body = {"action": action, "data": data}
    for text_field in ("remarks", "reason", "fifo_override_reason"):
        value = (request.form.get(text_field) or "").strip()
        if value:
            body[text_field] = value
    if not action:
        return _task_page(item, values=data, errors={"action": "choose a decision"}, status=422, body=body,
                          message=_("Please correct the fields marked below."))
    if action in SIGNING_ACTIONS and request.form.get("confirmed") != "1":
        return _task_page(item, values=data, chosen_action=action, body=body, confirm=True)
    try:
        attach_report_file(actor, item, schema)
        application = inbox_ops.complete(actor, item_id, body, current_app.config)
    except Invalid as exc:
        return _task_page(item, values=data, errors=exc.fields, chosen_action=action, status=422, body=body,
                          message=_("Please correct the fields marked below."))
    except Conflict as exc:
        if exc.code != "fifo_violation":
            raise
        return _task_page(item, values=data, chosen_action=action, fifo=exc.extra, status=409, body=body,
                          message=_("Application %(ain)s has been waiting longer in this queue. Act on it first, "
                                    "or give a reason for taking this one out of turn.", ain=exc.extra["older_ain"]))
    flash(_("Done: %(ain)s is now at “%(stage)s”.", ain=application.ain,
            stage=(application.stage_bn if _lang_bn() and application.stage_bn else application.stage)
            or application.status), "success")
    return redirect(url_for("officer.inbox"))


def attach_report_file(actor, item, schema: dict) -> None:
    """The file the task form lets the officer attach (``x-attachment``, e.g. the EO's report), added
    in the same transaction as the decision: a refused file keeps neither.

    :raises Invalid: the file was refused (too large, not PDF/JPEG/PNG, empty), as a field error.
    """
    attachment = schema.get("x-attachment")
    upload = request.files.get("attachment")
    if not attachment or upload is None or not upload.filename:
        return
    cfg = current_app.config
    try:
        add_document(actor, item.application.ain, attachment["type"], upload.filename, upload.stream,
                     storage=storage_for(cfg), max_bytes=cfg["MAX_UPLOAD_BYTES"],
                     daily_quota=cfg["DAILY_UPLOAD_QUOTA"])
    except (TooLarge, TooMany, UnsupportedType) as exc:
        raise Invalid(exc.message, fields={"attachment": next(iter(exc.fields.values()), exc.message)}) from exc
    except Invalid as exc:
        raise Invalid(exc.message, fields={"attachment": next(iter(exc.fields.values()), exc.message)}) from exc


def _lang_bn() -> bool:
    from .i18n import lang
    return lang() == "bn"


@officer_bp.get("/tasks/<int:item_id>/diagram.bpmn")
@page_access(roles=policy.OFFICERS)
def diagram(item_id):
    """The BPMN XML of the version this application runs on (drawn by the vendored viewer)."""
    item = inbox_ops.get_item(current_actor(), item_id)
    xml = item.application.instance.version.bpmn_xml
    if _lang_bn():
        xml = bengali_labels(xml)
    return current_app.response_class(xml, mimetype="application/xml")


_CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
#: Elements whose name is not drawn as a label (process, message, signal definitions…).
_KEEP_NAME = {f"{{{_BPMN}}}{tag}" for tag in ("process", "message", "signal", "error", "escalation", "definitions",
                                               "collaboration")}


def bengali_labels(xml: str) -> str:
    """The diagram with each element's ``name_bn`` property (the Bengali step names the process
    already declares) as its label; elements without one are drawn unlabelled rather than in English."""
    try:
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml,
                                etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return xml
    bengali = {}
    for prop in root.iter(f"{{{_CAMUNDA}}}property"):
        if prop.get("name") == "name_bn" and prop.get("value"):
            element = prop.getparent().getparent().getparent()  # property ← properties ← extensionElements ← element
            if element is not None:
                bengali[element] = prop.get("value")
    for element in root.iter(f"{{{_BPMN}}}*"):
        if element.get("name") is not None and element.tag not in _KEEP_NAME:
            element.set("name", bengali.get(element, ""))  # no English label on a Bengali page
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@officer_bp.get("/escalations")
@page_access(roles=policy.OFFICERS)
def escalations():
    """Tasks escalated to me (L1/L2), the most overdue first, with how late each is."""
    actor = current_actor()
    items, total = sla.escalated_inbox(actor, 1, 200)
    rows = [(item, sla.escalation_api(actor, item)) for item in items]
    return render_template("officer/escalations.html", rows=rows, total=total, sla_state=sla_state)


@officer_bp.post("/tasks/<int:item_id>/take-over")
@page_access(roles=policy.OFFICERS)
def take_over(item_id):
    sla.take_over(current_actor(), item_id)
    flash(_("You have taken over this task."), "success")
    return redirect(url_for("officer.task", item_id=item_id))


@officer_bp.post("/tasks/<int:item_id>/remark")
@page_access(roles=policy.OFFICERS)
def remark(item_id):
    try:
        sla.add_remark(current_actor(), item_id, {"remarks": request.form.get("remarks", "")})
    except Invalid:
        flash(_("Write the remark (at most 2000 characters)."), "error")
    else:
        flash(_("Your remark was added to the task."), "success")
    return redirect(url_for("officer.task", item_id=item_id))


@officer_bp.post("/tasks/<int:item_id>/reassign")
@page_access(roles=policy.OFFICERS)
def reassign(item_id):
    try:
        item = reassigning.reassign(current_actor(), item_id, {"username": request.form.get("username", "")})
    except Invalid:
        flash(_("Choose an officer of this office."), "error")
        return redirect(url_for("officer.task", item_id=item_id))
    flash(_("The task was given to %(name)s.", name=item.assignee.name if item.assignee else ""), "success")
    return redirect(url_for("officer.task", item_id=item_id))


@officer_bp.route("/applications/<ain>/recall", methods=["GET", "POST"])
@page_access(roles=policy.OFFICERS)
def recall(ain):
    """The officer who acted last pulls the application back before the next officer acts."""
    actor = current_actor()
    application = records.find_by_ain(ain)
    policy.check(actor, "application.view", application,
                 missing=_("There is no such application that you may see."))
    last = queries.recallable(actor, application)
    errors, status, message = {}, 200, None
    if request.method == "POST":
        try:
            recall_application(actor, application.ain, {"remarks": request.form.get("remarks", "")},
                               current_app.config)
        except Invalid as exc:
            errors, status = exc.fields, 422
            message = _("Please correct the fields marked below.")
        except CannotRecall:
            errors, status, last = {}, 409, None
        else:
            flash(_("%(ain)s was recalled; the step is yours again.", ain=application.ain), "success")
            reopened = queries.open_item_held_by(application, actor.id)
            return redirect(url_for("officer.task", item_id=reopened.id) if reopened else
                            url_for("applicant.detail", ain=application.ain))
    return render_template("officer/recall.html", application=application, last=last, errors=errors,
                           message=message, remarks=request.form.get("remarks", "")), status
