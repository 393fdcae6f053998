"""Work always lands somewhere: every user task of a model reaches someone who can act on it.

- A task in an officer's lane waits in the inbox of that role at the office routing chose (or at the
  level its ``office_level`` property names). For every row of the routing decision that can apply to
  the service (its level × the levels applicants live at), the lane must be a role that can be posted
  at an office of the routed level (``app/geography/office_roles.json``) — else the task would sit in
  nobody's inbox. Shown when a model is validated; refused when it is activated.
- A CITIZEN task is shown on the applicant's page (resubmit); an OPERATOR task has no inbox at all
  (operators file applications, they have no task queue), so it is refused with that reason.
- ``issue_certificate`` is reached only through an officer's decision: a path from the start to it
  that passes no officer task is refused.
"""
from collections import deque

from lxml import etree
from sqlalchemy import select

from .. import engine
from ..extensions import db
from ..geography.offices import levels_of, roles_at
from ..models import Location, Service
from ..policy.roles import CITIZEN, NO_INBOX_LANES, OPERATOR

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
#: The routing decision and its output (``assign_processing_office`` reads it).
ROUTING_DECISION, ROUTING_OUTPUT = "processing_office_level", "office_level"
#: The levels an application's location can have (intake accepts GP and ward addresses).
APPLICANT_LEVELS = ("GP", "WARD")
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _problem(file, element_id, line, message) -> dict:
    return {"file": file, "element_id": element_id, "line": line, "message": message}


def lane_problems(bpmn: dict[str, bytes]) -> list[dict]:
    """OPERATOR lanes, and an ``issue_certificate`` reachable without an officer's decision (pure XML)."""
    out = []
    for file, xml in bpmn.items():
        try:
            root = etree.fromstring(xml, _SAFE)
        except etree.XMLSyntaxError:
            continue  # the engine's build reports it
        for process in root.iter(f"{{{BPMN}}}process"):
            lanes = _lanes(process)
            for task in process.iter(f"{{{BPMN}}}userTask"):
                if lanes.get(task.get("id")) == OPERATOR:
                    out.append(_problem(file, task.get("id"), task.sourceline,
                                        "this task is in the OPERATOR lane, which no inbox shows: operators file "
                                        "applications for citizens but have no task queue. Put it in the CITIZEN "
                                        "lane (the applicant's page) or in an officer's lane"))
            out += _unguarded_issue(file, process, lanes)
    return out


def _lanes(process) -> dict[str, str]:
    return {ref.text.strip(): (lane.get("name") or "").strip()
            for lane in process.iter(f"{{{BPMN}}}lane") for ref in lane.findall(f"{{{BPMN}}}flowNodeRef")
            if ref.text}


def _unguarded_issue(file, process, lanes) -> list[dict]:
    """Breadth-first from the start events, never passing an officer's user task."""
    nodes = {el.get("id"): el for el in process if isinstance(el.tag, str) and el.get("id")}
    successors: dict[str, list[str]] = {}
    for flow in process.iter(f"{{{BPMN}}}sequenceFlow"):
        successors.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    boundaries: dict[str, list[str]] = {}
    for event in process.iter(f"{{{BPMN}}}boundaryEvent"):
        boundaries.setdefault(event.get("attachedToRef"), []).append(event.get("id"))

    def officer_task(el) -> bool:
        return el.tag == f"{{{BPMN}}}userTask" and lanes.get(el.get("id"), CITIZEN) not in NO_INBOX_LANES

    queue = deque(el.get("id") for el in process.iter(f"{{{BPMN}}}startEvent"))
    seen, out = set(queue), []
    while queue:
        node_id = queue.popleft()
        el = nodes.get(node_id)
        if el is None:
            continue
        if el.get(f"{{{CAMUNDA}}}topic") == "issue_certificate":
            out.append(_problem(file, node_id, el.sourceline,
                                "a path reaches issue_certificate without an officer's decision: put an officer's "
                                "task (approve / reject) on every path before it"))
            continue
        # a timer on a task fires while the task waits: its branch is reachable, the task is not passed
        nexts = list(boundaries.get(node_id, []))
        if not officer_task(el):
            nexts += successors.get(node_id, [])
        for nxt in nexts:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return out


def applicant_levels() -> tuple[str, ...]:
    """The levels applicants' locations have in this deployment's geography (GP until one is loaded)."""
    found = set(db.session.scalars(select(Location.level).where(Location.level.in_(APPLICANT_LEVELS)).distinct()))
    return tuple(level for level in APPLICANT_LEVELS if level in found) or ("GP",)


def stranded_tasks(service_key: str, task_meta: dict, dmn: dict[str, bytes], bpmn: dict[str, bytes],
                   seed: dict) -> list[dict]:
    """Officer tasks that some route of the routing decision would leave in nobody's inbox.

    :param seed: the variables an application starts with (``deploy.dry_run_seed``).
    """
    service = db.session.scalar(select(Service).where(Service.key == service_key))
    service_level = getattr(service, "level", None) or seed.get("service_level")
    locate = engine.build_locator(bpmn)
    bpmn_file = next(iter(bpmn), f"{service_key}.bpmn")
    routes, out = {}, []
    for location_level in applicant_levels():
        inputs = {**seed, "service_level": service_level, "location_level": location_level}
        try:
            outputs = engine.evaluate_decision(dmn, ROUTING_DECISION, inputs)
        except Exception as exc:  # noqa: BLE001 - a bad cell is the dry run's to report; here: say so
            out.append(_problem(bpmn_file, ROUTING_DECISION, None,
                                f"the routing decision failed for a {service_level} service and an applicant "
                                f"at {location_level} level: {(str(exc).splitlines() or [type(exc).__name__])[0]}"))
            continue
        if outputs is not None:
            routes[location_level] = (outputs or {}).get(ROUTING_OUTPUT)
    for task_id, meta in sorted(task_meta.items()):
        lane = meta.get("lane") or CITIZEN
        if meta.get("kind") != "user" or lane in NO_INBOX_LANES:
            continue
        fixed = (meta.get("properties") or {}).get("office_level")
        for location_level, routed in routes.items():
            level = fixed or routed
            if lane in roles_at(level):
                continue
            file, line = locate(task_id)
            where = f"the level its office_level property names ({fixed})" if fixed else (
                f"a {level or 'no'} office, where routing ({ROUTING_DECISION}) sends a {service_level} service "
                f"for an applicant at {location_level} level")
            can = ", ".join(levels_of(lane)) or "no office level"
            out.append(_problem(file or bpmn_file, task_id, line,
                                f"the task '{meta.get('name') or task_id}' (lane {lane}) would wait at {where}, "
                                f"but a {lane} is posted only at {can} offices: it would reach nobody's inbox. "
                                f"Change the routing row or the lane"))
            break
    return out
