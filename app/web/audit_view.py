"""An application's audit events as rows of its audit page: each change as a labelled before → after
pair, in the page's language (form fields by their form titles, statuses and steps by their names)."""
import json

from flask_babel import gettext as _

from .i18n import digits, enum_title, lang, title


def _field_props(application) -> dict[str, dict]:
    """Every form field of the application's process version, by name (for titles and choices)."""
    props: dict[str, dict] = {}
    version = application.instance.version if application.instance else None
    for schema in (version.forms.values() if version else ()):
        for name, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict):
                props.setdefault(name, prop)
    return props


def _statuses() -> dict[str, str]:
    return {"SUBMITTED": _("Submitted"), "IN_PROCESS": _("In process"), "SENT_BACK": _("Sent back for correction"),
            "APPROVED": _("Approved"), "REJECTED": _("Rejected"), "DELIVERED": _("Certificate issued"),
            "REVOKED": _("Certificate revoked")}


class _Describer:
    def __init__(self, application):
        self.props = _field_props(application)
        self.stages = {w.task_name: w.task_name_bn for w in application.work_items if w.task_name_bn}
        if application.stage and application.stage_bn:
            self.stages.setdefault(application.stage, application.stage_bn)
        self.labels = {"status": _("Status"), "stage": _("Step"), "assignee": _("Held by"),
                       "version": _("Process version"), "active_version": _("Active version")}

    def label(self, key: str) -> str:
        if key in self.labels:
            return self.labels[key]
        prop = self.props.get(key)
        return title(prop) if prop and title(prop) else key

    def value(self, key: str, value) -> str:
        if value is None or value == "":
            return "—"
        if key == "status":
            return _statuses().get(value, value)
        if key == "stage":
            return (self.stages.get(value) if lang() == "bn" else None) or value
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, (int, float)):
            return digits(value)
        if key in self.props and isinstance(value, str):
            return enum_title(self.props[key], value)
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False)
        return str(value)

    def changes(self, before, after) -> list[dict]:
        before = before if isinstance(before, dict) else {}
        after = after if isinstance(after, dict) else {}
        # the officer's form data after a decision is a change of its own fields (nothing before)
        extra = after.get("task_data") if isinstance(after.get("task_data"), dict) else {}
        after = {k: v for k, v in after.items() if k != "task_data"}
        rows = []
        for key in list(dict.fromkeys([*before, *after])):
            rows.append({"key": key, "label": self.label(key), "before": self.value(key, before.get(key)),
                         "after": self.value(key, after.get(key)), "changed": before.get(key) != after.get(key)})
        for key, value in extra.items():
            rows.append({"key": key, "label": self.label(key), "before": "—", "after": self.value(key, value),
                         "changed": True})
        return rows


def audit_rows(application, items: list[dict]) -> list[dict]:
    """The trail's items (:func:`app.audit.operations.trail`) ready for the page, oldest first."""
    describe = _Describer(application)
    rows = []
    for item in items:
        data = item.get("data") or {}
        rows.append({**item, "on_behalf_of": data.get("on_behalf_of"),
                     "fifo_override_reason": data.get("fifo_override_reason"),
                     "stage_shown": describe.value("stage", item.get("stage")) if item.get("stage") else "",
                     "changes": describe.changes(item.get("before"), item.get("after"))})
    return rows
