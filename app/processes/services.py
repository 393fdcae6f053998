"""Service-task functions the process models call by topic (``camunda:topic``).

Each receives an engine ``ServiceCall`` whose ``context`` is a
:class:`~app.processes.context.ProcessContext`, changes app rows in the current session, and
returns variables for the process. Areas add their own topics in :func:`register_all`.
"""
from .. import engine
from ..errors import Invalid
from .offices import office_for_level


class RoutingError(Invalid):
    code = "no_processing_office"


def assign_processing_office(call) -> dict:
    """Route to the office at the level the routing decision chose (``office_level``)."""
    application = call.context.application
    level = call.data.get("office_level")
    office = office_for_level(application.location, level) if level else None
    if office is None:
        raise RoutingError(
            f"No {str(level or 'processing').lower()} office serves {application.location.name} yet, so this "
            "application cannot be routed. Please contact the district office.",
            fields={"location.lgd_code": "no processing office is set up for this location"})
    application.processing_office_id = office.id
    application.processing_office = office
    return {"processing_office": office.code}


def record_decision(call) -> dict:
    """Set the final status named by the task's ``status`` property, with the reason if rejected."""
    application = call.context.application
    status = call.properties.get("status")
    if status not in ("APPROVED", "REJECTED"):
        raise ValueError(f"record_decision on {call.task_id} needs a status property APPROVED or REJECTED")
    application.status = status
    application.decided_at = call.context.now
    if status == "REJECTED":
        reason = call.data.get("reason") or ""
        remedy = call.data.get("remedy")
        application.decision_reason = f"{reason}\nRemedy: {remedy}" if remedy else reason
    return {"decision": status}


#: Topics every deployment knows; other areas append theirs through register_all.
CORE_SERVICES = {
    "assign_processing_office": assign_processing_office,
    "record_decision": record_decision,
}


def register_all() -> None:
    for topic, fn in CORE_SERVICES.items():
        engine.register_service(topic, fn)
    from ..sla.services import register as register_sla
    register_sla()
    from ..certificates.issuing import register as register_certificates
    register_certificates()
