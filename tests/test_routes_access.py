"""Every route of the app (API and pages) declares who may use it (DESIGN.md §8)."""
from app.api.edge import PUBLIC as API_PUBLIC
from app.web.access import PUBLIC as WEB_PUBLIC

#: Endpoints without a rule of their own: static files are public by nature.
EXEMPT = {"static"}


def _rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint not in EXEMPT]


def test_every_route_declares_an_access_rule(bare_app):
    missing = [f"{rule.rule} ({rule.endpoint})" for rule in _rules(bare_app)
               if not hasattr(bare_app.view_functions[rule.endpoint], "access_rule")]
    assert not missing, "routes without @access / @page_access: " + ", ".join(missing)


def test_rules_name_a_known_kind(bare_app):
    for rule in _rules(bare_app):
        kind, roles = bare_app.view_functions[rule.endpoint].access_rule
        assert kind in (API_PUBLIC, WEB_PUBLIC, "authenticated"), rule.endpoint
        assert isinstance(roles, tuple), rule.endpoint


def test_the_app_has_both_api_and_page_routes(bare_app):
    endpoints = {rule.endpoint.split(".")[0] for rule in _rules(bare_app)}
    assert {"api", "public", "auth", "applicant", "officer", "mis"} <= endpoints


def test_protected_pages_send_anonymous_visitors_to_login(bare_app):
    client = bare_app.test_client()
    for rule in _rules(bare_app):
        if rule.endpoint.startswith("api.") or "GET" not in rule.methods:
            continue
        kind, _roles = bare_app.view_functions[rule.endpoint].access_rule
        if kind == WEB_PUBLIC:
            continue
        path = rule.rule
        for arg in rule.arguments:
            path = path.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (path, response.status_code)
