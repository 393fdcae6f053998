"""Engine test helpers: fixtures from tests/engine/fixtures, services registered per test."""
from __future__ import annotations

import pathlib

import pytest

import app.engine as engine
from app.engine import registry

FIX = pathlib.Path(__file__).parent / "fixtures"
FORMS = {k: {"type": "object"} for k in ("bdo_verify", "eo_report", "bdo_decision",
                                         "citizen_resubmit")}
ROLES = {"BDO", "EO", "CITIZEN", "DM", "SDO"}
TOPICS = {"compute_sla", "notify", "issue_certificate"}
SLA_DUE = "2030-01-10T04:30:00+00:00"


def bpmn_text() -> str:
    return (FIX / "residential.bpmn").read_text(encoding="utf-8")


def dmn_text() -> str:
    return (FIX / "routing.dmn").read_text(encoding="utf-8")


def build(bpmn: str | None = None, dmn: str | None = None, **kw):
    args = dict(process_id="residential_edistrict", known_roles=ROLES, known_topics=TOPICS)
    args.update(kw)
    forms = args.pop("forms", FORMS)
    return engine.build({"residential.bpmn": (bpmn or bpmn_text()).encode()},
                        {"routing.dmn": (dmn or dmn_text()).encode()}, forms, **args)


class Calls(list):
    def topics(self):
        return [c.topic for c in self]


@pytest.fixture
def calls():
    """Register fake services recording each ServiceCall; restore the registry afterwards."""
    saved = dict(registry._REGISTRY)
    log = Calls()

    def compute_sla(call):
        log.append(call)
        return {"sla_due": SLA_DUE}

    def notify(call):
        log.append(call)
        return {"notified_" + call.properties.get("template", "x"): True}

    def issue(call):
        log.append(call)
        return {"uin": "HHA0122026000001"}

    engine.register_service("compute_sla", compute_sla)
    engine.register_service("notify", notify)
    engine.register_service("issue_certificate", issue)
    yield log
    registry._REGISTRY.clear()
    registry._REGISTRY.update(saved)


@pytest.fixture(scope="session")
def built():
    return build()


@pytest.fixture
def spec(built):
    return engine.load_spec(("residential", built.sha256), built.spec_json)


START_DATA = {"district_code": "MSD", "annual_income": 50000, "enquiry_requested": False,
              "remarks": ""}
