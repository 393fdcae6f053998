"""Shared, expensive artefacts for the certificate tests: built once per session."""
import shutil
import subprocess
from pathlib import Path
from datetime import datetime, timezone
from types import SimpleNamespace as NS

import pytest

from app.certificates import pki
from app.certificates.operations import build_certificate_pdf, signer_for
from app.certificates.render import TemplateSet

ROOT = Path(__file__).resolve().parents[2]

ISSUED_AT = datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc)  # 16:00 IST

#: (key, name, name_bn, dept, code, bilingual) — SERVICES.md's table.
SERVICES = [
    ("income", "Income Certificate", "আয়ের শংসাপত্র", "PRD", "001", True),
    ("residential_gp", "Residential Certificate", "বাসস্থানের শংসাপত্র", "PRD", "002", True),
    ("legal_heir", "Legal Heir Certificate", "উত্তরাধিকার শংসাপত্র", "PRD", "003", True),
    ("completion_gp", "Completion Certificate – GP", None, "PRD", "004", False),
    ("age", "Age Certificate", None, "PRD", "005", False),
    ("alias", "Alias Certificate", None, "PRD", "006", False),
    ("caste_income", "Caste-cum-Income Certificate", None, "PRD", "007", False),
    ("completion_block", "Completion Certificate – Block", None, "PRD", "008", False),
    ("completion_ps", "Completion Certificate – Panchayat Samiti", None, "PRD", "009", False),
    ("electricity_permission", "Electricity Permission Certificate", None, "PRD", "010", False),
    ("jsy", "Janani Suraksha Yojana Certificate", None, "PRD", "011", False),
    ("residential_edistrict", "Ordinary Residential Certificate", "সাধারণ বাসস্থানের শংসাপত্র", "HHA", "012", True),
]
DEPARTMENTS = {
    "PRD": NS(code="PRD", name="Panchayats & Rural Development Department",
              name_bn="পঞ্চায়েত ও গ্রামোন্নয়ন দপ্তর"),
    "HHA": NS(code="HHA", name="Home & Hill Affairs Department", name_bn="স্বরাষ্ট্র ও পার্বত্য বিষয়ক দপ্তর"),
}
FORM_DATA = {
    "father_name": "Abdul Karim", "address": "Vill. Garaimari, P.O. Domkal, Murshidabad",
    "annual_income": "84,000", "income_source": "agriculture", "financial_year": "2025-26",
    "purpose": "scholarship", "applicant_name_bn": "রহিমা খাতুন",
    "heirs": [{"name": "Rahima Khatun", "relation": "daughter", "age": "32"}],
    "deceased_name": "Abdul Karim", "date_of_death": "2025-11-02", "residing_since": "1998",
    "post_office": "Domkal", "police_station": "Domkal", "district": "Murshidabad",
}


def make_service(key: str):
    key_, name, name_bn, dept, code, bilingual = next(s for s in SERVICES if s[0] == key)
    return NS(id=SERVICES.index(next(s for s in SERVICES if s[0] == key)) + 1, key=key_, name=name,
              name_bn=name_bn, service_code=code, department=DEPARTMENTS[dept], bilingual=bilingual,
              documents=[{"type": "photo", "name": "Photograph", "name_bn": "ছবি", "required": True},
                         {"type": "income_proof", "name": "Proof of income", "required": True}])


def make_application(key: str = "income", **overrides):
    office = NS(id=7, code="GP-DOMKAL", name="Domkal Gram Panchayat", name_bn="ডোমকল গ্রাম পঞ্চায়েত")
    fields = dict(id=1, ain="AIN-PRD-2026-000042", service=make_service(key), processing_office=office,
                  applicant_name="Rahima Khatun", data=dict(FORM_DATA), channel="GP",
                  submitted_at=ISSUED_AT, documents=[NS(type="photo"), NS(type="income_proof")])
    fields.update(overrides)
    return NS(**fields)


def make_officer():
    return NS(id=3, username="pradhan.domkal", name="Sukanta Mondal",
              postings=[NS(office_id=7, role="PRADHAN")])


def shipped_template_files() -> dict:
    """The shipped ``certificate_templates/*.typ`` (what ``flask deploy`` stores in each version)."""
    return {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "certificate_templates").glob("*.typ")}


_SHIPPED = []


def shipped_templates() -> TemplateSet:
    """One compiled set of the shipped templates for the tests that need no database."""
    if not _SHIPPED:
        _SHIPPED.append(TemplateSet(shipped_template_files()))
    return _SHIPPED[0]


@pytest.fixture(scope="session")
def demo_keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("keys")
    pki.init_demo(directory, [(pki.slug("user", "pradhan.domkal"), "Sukanta Mondal", "Domkal GP")])
    return directory


@pytest.fixture(scope="session")
def settings(demo_keys, tmp_path_factory):
    return {"DATA_DIR": tmp_path_factory.mktemp("data"), "SIGNING_KEYS_DIR": demo_keys,
            "PUBLIC_BASE_URL": "https://pravah.example.gov.in"}


@pytest.fixture(scope="session")
def trust_root(demo_keys):
    return pki.trust_root_pem(demo_keys)


@pytest.fixture(scope="session")
def income_pdf(settings):
    """One signed, bilingual Income certificate shared by the QR, Bengali and signature tests."""
    app_ = make_application("income")
    officer = make_officer()
    signer = signer_for(officer, app_.processing_office, settings)
    return build_certificate_pdf(app_, officer, "PRD0012026000042", ISSUED_AT, settings, signer,
                                 shipped_templates())


def need(tool: str):
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} not installed (Debian poppler-utils)")


@pytest.fixture(scope="session")
def income_png(income_pdf, tmp_path_factory):
    """Page 1 at 300 dpi (pdftoppm), as the printed copy a phone would scan."""
    need("pdftoppm")
    d = tmp_path_factory.mktemp("raster")
    (d / "c.pdf").write_bytes(income_pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(d / "c.pdf"), str(d / "page")],
                   check=True)
    return d / "page.png"


@pytest.fixture(scope="module")
def counter_engine():
    """A plain engine on the PostgreSQL test database with the ``counter`` table (UIN and status-list
    races between sessions); skips elsewhere: SQLite serialises writers anyway."""
    import os
    from sqlalchemy import create_engine
    from app.models.application import Counter
    url = os.environ.get("PRAVAH_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (PRAVAH_TEST_DATABASE_URL): SQLite serialises writers anyway")
    engine = create_engine(url)
    Counter.__table__.create(engine, checkfirst=True)
    yield engine
    engine.dispose()
