"""Deploy-time lint of BPMN and DMN trees (lxml). Every problem carries file, element id, line.

Rules (see docs/engine.md):
BPMN - only the elements and attributes of :mod:`app.engine.allowlist`; no scriptTask / script elements; sequence flows reference existing nodes; every
condition and timer expression compiles in eval mode and passes the restricted checker;
service tasks are camunda:type="external" with a camunda:topic in known_topics (when given);
lanes are named with a known role; user tasks name an existing form (camunda:formKey) and,
when the process has lanes, sit in one; business rule tasks reference a known decision.
DMN - one decision table per decision; input expressions and every cell (as the DMN engine
will evaluate it) pass the checker; FEEL-looking cells are refused; the last rule is a catch-all;
output names are identifiers.
"""
from __future__ import annotations

import ast
import re

from lxml import etree

from . import allowlist, expressions
from .errors import ModelProblem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_NS, "camunda": CAMUNDA_NS}
_QMARK = re.compile(r"""(\?)(?=(?:[^'"]|['"][^'"]*['"])*$)""")   # same rule as DMNEngine


def _c(name: str) -> str:
    return f"{{{CAMUNDA_NS}}}{name}"


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _id_of(el):
    while el is not None:
        if isinstance(el.tag, str) and el.get("id"):
            return el.get("id")
        el = el.getparent()
    return None


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[ModelProblem] = []

    def add(self, el, message: str, element_id: str | None = None):
        self.problems.append(ModelProblem(self.file, element_id or _id_of(el),
                                          getattr(el, "sourceline", None), message))

    def expr(self, el, text, what: str, element_id=None):
        for p in expressions.check(text):
            self.add(el, f"{what} {text!r}: {p}", element_id)


def lint_bpmn(file: str, root, *, forms: dict, known_roles: set[str],
              known_topics: set[str] | None, decision_ids: set[str]) -> list[ModelProblem]:
    c = _Collector(file)
    for el, element_id, message in allowlist.check_bpmn(root):
        if _local(el) not in ("script", "scriptTask"):  # refused below in plainer words
            c.add(el, message, element_id)
    for el in root.iter():
        if _local(el) == "script" or (_local(el) == "scriptTask"):
            c.add(el, "script tasks and scripts are not allowed (use a service task)")
        if el.get(_c("class")) or el.get(_c("expression")) or el.get(_c("delegateExpression")):
            c.add(el, "camunda:class/expression/delegateExpression are not supported; "
                      'use camunda:type="external" camunda:topic="..."')

    for process in root.iterfind(f"{{{BPMN_NS}}}process"):
        _lint_process(c, process, forms, known_roles, known_topics, decision_ids)
    return c.problems


def _lint_process(c, process, forms, known_roles, known_topics, decision_ids):
    ids = {el.get("id") for el in process.iter() if isinstance(el.tag, str) and el.get("id")}
    q = lambda tag: process.iter(f"{{{BPMN_NS}}}{tag}")  # noqa: E731

    for flow in q("sequenceFlow"):
        for attr in ("sourceRef", "targetRef"):
            ref = flow.get(attr)
            if not ref or ref not in ids:
                c.add(flow, f"sequence flow '{flow.get('id')}' has {attr}='{ref}', "
                            "which is not an element of this process")
        for cond in flow.iterfind(f"{{{BPMN_NS}}}conditionExpression"):
            c.expr(cond, (cond.text or "").strip(), "condition", flow.get("id"))

    for timer in q("timerEventDefinition"):
        event = timer.getparent()
        for kind in ("timeDate", "timeDuration", "timeCycle"):
            for t in timer.iterfind(f"{{{BPMN_NS}}}{kind}"):
                c.expr(t, (t.text or "").strip(), f"timer {kind}", event.get("id"))

    for st in q("serviceTask"):
        topic = st.get(_c("topic"))
        if st.get(_c("type")) != "external" or not topic:
            c.add(st, 'service task needs camunda:type="external" and camunda:topic')
        elif known_topics is not None and topic not in known_topics:
            c.add(st, f"service topic '{topic}' is not registered "
                      f"(known: {', '.join(sorted(known_topics)) or 'none'})")

    lanes = list(q("lane"))
    in_lane = set()
    for lane in lanes:
        name = (lane.get("name") or "").strip()
        if not name:
            c.add(lane, "lane has no name (lane names are role codes)")
        elif name not in known_roles:
            c.add(lane, f"lane '{name}' is not a known role "
                        f"(known: {', '.join(sorted(known_roles))})")
        in_lane.update(ref.text for ref in lane.iterfind(f"{{{BPMN_NS}}}flowNodeRef"))

    for ut in q("userTask"):
        key = ut.get(_c("formKey"))
        if not key:
            c.add(ut, "user task has no camunda:formKey")
        elif key not in forms:
            c.add(ut, f"form '{key}' does not exist")
        if lanes and ut.get("id") not in in_lane:
            c.add(ut, "user task is in no lane")

    for br in q("businessRuleTask"):
        ref = br.get(_c("decisionRef"))
        if not ref:
            c.add(br, "business rule task has no camunda:decisionRef")
        elif ref not in decision_ids:
            c.add(br, f"decision '{ref}' is not in the uploaded DMN files")


# ------------------------------------------------------------------ DMN
def _dmn_children(el, name):
    return [ch for ch in el if _local(ch) == name]


def _text_of(el):
    t = [ch for ch in el if _local(ch) == "text"]
    return (t[0].text or "").strip() if t else "", (t[0] if t else el)


def _feel_problem(cell: str, in_scope: set[str]) -> str | None:
    if ".." in cell and re.search(r"[\[\]\(]\s*[^.]*\.\.", cell):
        return "looks like a FEEL range ([a..b]); write '0 <= ? <= 10' instead"
    if re.match(r"^\s*not\s*\(", cell):
        return "looks like FEEL not(...); write '!= \"X\"' or 'not in [...]' instead"
    try:
        tree = ast.parse(cell, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(tree, ast.Tuple):
        return "looks like a FEEL list (\"A\",\"B\"); write 'in [\"A\", \"B\"]' instead"
    if isinstance(tree, ast.Name) and tree.id not in in_scope and tree.id not in (
            "True", "False", "None"):
        return f"bare word '{tree.id}' is not a variable in scope; quote it (\"{tree.id}\")"
    return None


def _engine_expr(input_expr: str, cell: str) -> str:
    """The expression the 3.2.0 DMN engine will evaluate for this input cell."""
    if _QMARK.search(cell):
        return _QMARK.sub("dmninputexpr", cell)
    try:
        ast.parse(cell)
        return f"({input_expr}) == ({cell})"
    except SyntaxError:
        return f"{input_expr} {cell}"


def decision_ids_of(root) -> set[str]:
    return {d.get("id") for d in root.iter() if _local(d) == "decision" and d.get("id")}


def lint_dmn(file: str, root) -> list[ModelProblem]:
    c = _Collector(file)
    for el, element_id, message in allowlist.check_dmn(root):
        c.add(el, message, element_id)
    for decision in [d for d in root.iter() if _local(d) == "decision"]:
        tables = _dmn_children(decision, "decisionTable")
        if len(tables) != 1:
            c.add(decision, f"decision must hold exactly one decision table (has {len(tables)})")
            if not tables:
                continue
        _lint_table(c, tables[0])
    return c.problems


def _lint_table(c, table):
    inputs = _dmn_children(table, "input")
    outputs = _dmn_children(table, "output")
    input_exprs, in_scope = [], set(expressions.SAFE_FUNCTIONS)
    for inp in inputs:
        ie = _dmn_children(inp, "inputExpression")
        text, tel = _text_of(ie[0]) if ie else ("", inp)
        c.expr(tel, text, "input expression", inp.get("id"))
        input_exprs.append(text)
        try:
            in_scope.update(n.id for n in ast.walk(ast.parse(text, mode="eval"))
                            if isinstance(n, ast.Name))
        except SyntaxError:
            pass
    for out in outputs:
        name = out.get("name") or ""
        if not name.isidentifier() or name.startswith("_"):
            c.add(out, f"output name {name!r} must be a plain identifier")
    rules = _dmn_children(table, "rule")
    if not rules:
        c.add(table, "decision table has no rules")
        return
    for rule in rules:
        entries = _dmn_children(rule, "inputEntry")
        if len(entries) != len(inputs):
            c.add(rule, f"rule has {len(entries)} input entries for {len(inputs)} inputs")
        for entry, input_expr in zip(entries, input_exprs):
            cell, tel = _text_of(entry)
            if cell in ("", "-"):
                continue
            feel = _feel_problem(cell, in_scope)
            if feel:
                c.add(tel, f"input cell {cell!r} {feel}", entry.get("id") or rule.get("id"))
                continue
            c.expr(tel, _engine_expr(input_expr or "x", cell), f"input cell {cell!r} as",
                   entry.get("id") or rule.get("id"))
        for entry in _dmn_children(rule, "outputEntry"):
            cell, tel = _text_of(entry)
            if cell == "":
                continue
            feel = _feel_problem(cell, in_scope)
            if feel:
                c.add(tel, f"output cell {cell!r} {feel}", entry.get("id") or rule.get("id"))
            else:
                c.expr(tel, cell, "output cell", entry.get("id") or rule.get("id"))
    last = rules[-1]
    if any(_text_of(e)[0] not in ("", "-") for e in _dmn_children(last, "inputEntry")):
        c.add(last, "the last rule must be a catch-all (every input entry empty or '-')")
