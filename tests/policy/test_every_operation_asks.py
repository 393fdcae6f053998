"""Every operation that takes an actor, and every route, asks the access policy (DESIGN.md §8; CKAN
checks every action this way). A new operation or route without a check fails here."""
import ast
from pathlib import Path

import app as app_package
from app.api.edge import PUBLIC as API_PUBLIC
from app.web.access import PUBLIC as WEB_PUBLIC

APP = Path(app_package.__file__).parent
#: Modules that are the policy itself or only wire HTTP to operations (routes are checked below).
NOT_OPERATIONS = ("policy/", "api/", "web/", "studio/views.py")

#: Functions that take an actor but decide nothing about access: each says why.
NO_DECISION = {
    "sla.escalations.escalation_api": "formats an item already checked by task.act or task.escalated",
}
#: The only routes anyone may call without logging in. Adding one is a decision: write it here.
PUBLIC_ROUTES = {
    "public.home", "public.track", "public.verify_form", "public.verify_upload", "public.verify",
    "auth.login", "auth.otp_login", "auth.language",
    "api.token", "api.otp_request", "api.otp_verify", "api.track", "api.certificate", "api.verify_upload",
    "api.payment_callback",  # the gateway's signed callback (HMAC checked by the handler)
    "api.trust_root", "api.services", "api.service_form", "api.task_form", "api.locations",
    "api.status_list", "public.qr_keys",          # revocation bits and the QR key set: published for verifiers
    "digilocker.pull_uri", "digilocker.pull_doc",  # DigiLocker's calls (HMAC checked by the handler)
    "health.healthz", "health.readyz", "health.metrics",  # load balancer and Prometheus (docs/operations.md)
    "static",
}


def _modules():
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP).as_posix()
        if not rel.startswith(NOT_OPERATIONS):
            yield rel[:-3].replace("/", ".").removesuffix(".__init__"), ast.parse(path.read_text(encoding="utf-8"))


def _called_names(function) -> set[str]:
    names = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call):
            target = node.func
            if isinstance(target, ast.Attribute):
                names.add(target.attr)
                if isinstance(target.value, ast.Name) and target.value.id == "policy":
                    names.add("policy.*")
            elif isinstance(target, ast.Name):
                names.add(target.id)
    return names


def _functions():
    """``{"module.function": (called names, takes an actor first, is public)}`` for every top-level function."""
    found = {}
    for module, tree in _modules():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                takes_actor = bool(node.args.args) and node.args.args[0].arg == "actor"
                found[f"{module}.{node.name}"] = (_called_names(node), takes_actor, not node.name.startswith("_"))
    return found


def test_every_operation_taking_an_actor_asks_the_policy():
    functions = _functions()
    asking = {name for name, (calls, _a, _p) in functions.items() if "policy.*" in calls}
    changed = True
    while changed:                      # a function that calls one that asks, asks too
        by_short = {name.rsplit(".", 1)[1] for name in asking}
        more = {name for name, (calls, _a, _p) in functions.items() if name not in asking and calls & by_short}
        asking |= more
        changed = bool(more)
    silent = sorted(name for name, (_calls, takes_actor, public) in functions.items()
                    if takes_actor and public and name not in asking and name not in NO_DECISION)
    assert not silent, "operations that take an actor but never ask app.policy: " + ", ".join(silent)
    assert sum(1 for _c, takes_actor, _p in functions.values() if takes_actor) > 25, \
        "the walk found too few operations; did the layout change?"


#: Files whose role tuples are not access rules: each says why.
NOT_ACCESS_ROLE_SETS = {
    "models/people.py": "the roles a posting may have (a column's domain)",
    "intake/recall.py": "BPMN lanes of the applicant's side",
    "processes/projection.py": "BPMN lanes that route to no office",
    "certificates/cli.py": "whose demo signing keys to make",
}


def test_no_role_set_is_defined_outside_the_policy():
    """Role tuples (OFFICERS, MIS_ROLES…) are defined once, in app/policy/roles.py."""
    roles = {"PRADHAN", "BDO", "EO", "SDO", "DM", "OPERATOR", "CITIZEN", "ANALYST", "ADMIN"}
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        rel = path.relative_to(APP).as_posix()
        if rel.startswith("policy/") or rel in NOT_ACCESS_ROLE_SETS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Tuple, ast.Set, ast.List)) and len(node.elts) >= 2 and all(
                    isinstance(e, ast.Constant) and e.value in roles for e in node.elts):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, "role sets outside app/policy/roles.py: " + ", ".join(offenders)


def test_every_route_decides_through_the_policy(bare_app):
    """Each view is wrapped by ``@access``/``@page_access`` (which ask ``app.policy``); only the listed
    routes are public."""
    problems = []
    for rule in bare_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = bare_app.view_functions[rule.endpoint]
        declared = getattr(view, "access_rule", None)
        if declared is None or not getattr(view, "asks_policy", False):
            problems.append(f"{rule.rule} ({rule.endpoint}) has no policy-backed rule")
            continue
        public = declared[0] in (API_PUBLIC, WEB_PUBLIC)
        if public != (rule.endpoint in PUBLIC_ROUTES):
            problems.append(f"{rule.rule} ({rule.endpoint}) is {'public' if public else 'protected'} "
                            "against the list of public routes")
    assert not problems, "\n".join(problems)
