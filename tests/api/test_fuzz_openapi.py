"""schemathesis fuzzes every operation of docs/openapi.yaml against the app, in-process (WSGI).

Valid and invalid requests (schemathesis' positive and negative modes) are sent. Any 5xx fails, and
so does a response that breaks the documented schema (status code documented,
body shape, content type). Each operation runs with a token of a role that may call it, so the
handlers are reached, not just the 401. Examples per operation are kept small (``FUZZ_EXAMPLES``)
so the whole run stays around a minute on SQLite and can be part of ``make test``.
"""
import os
import traceback
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                                status_code_conformance)

from tests.conftest import DEMO_PASSWORD

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
#: once per ``make test``, on PostgreSQL (the production database) when that pass runs
pytestmark = pytest.mark.postgres_preferred

#: Who calls an operation, by the first matching path prefix (the rest: a CSC operator).
CALLERS = (("/inbox", "bdo.domkal"), ("/tasks", "bdo.domkal"), ("/reports", "dm.murshidabad"),
           ("/certificates/{uin}/revoke", "dm.murshidabad"), ("/process-models", "analyst.state"),
           ("/services", "analyst.state"), ("/admin", "admin.state"), ("/complaints", "dm.murshidabad"),
           ("/escalations", "bdo.domkal"), ("/delegations", "bdo.domkal"))


OUTSIDE_API = ("/.well-known/", "/digilocker/")


def _caller(path: str) -> str:
    return next((user for prefix, user in CALLERS if path.startswith(prefix)), "operator.csc-domkal")


def _token(client, username: str) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]


def test_no_operation_answers_5xx_or_breaks_its_schema(app, client):
    schema = schemathesis.openapi.from_path(str(SPEC))
    schema.app = app
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        # A fresh login per operation: fuzzing DELETE /auth/token or /auth/tokens/{id} may end it.
        headers = {"Authorization": f"Bearer {_token(client, _caller(operation.path))}"}
        # operations documented with their own server (DigiLocker, the key set) live outside /api/v1
        base = "http://localhost" if operation.path.startswith(OUTSIDE_API) else "http://localhost/api/v1"

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=st.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                              operation.as_strategy(GenerationMode.NEGATIVE)))
        def fuzz(case):
            case.call_and_validate(app=app, base_url=base, headers=headers, checks=CHECKS)

        try:
            fuzz()
        except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, then report them together
            where = "".join(traceback.format_tb(exc.__traceback__)[-3:])
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}\n{where}")
    assert failures == [], "\n\n".join(failures)
