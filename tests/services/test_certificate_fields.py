"""Each service's certificate template prints every fact its application form collects."""
import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from app.certificates.context import certificate_context, certificate_images
from tests.certificates.conftest import shipped_templates
from tests.certificates.pdftext import pdf_text
from tests.services.samples import FLOW_A, FLOW_B, FORMS

ROOT = Path(__file__).resolve().parents[2]
ISSUED = datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc)
#: Enum values the template prints as words.
PRINTED_AS = {"school_record": "School record"}


def _values(data):
    for name, value in data.items():
        if name == "applicant_name_bn":
            continue
        if isinstance(value, list):
            for row in value:
                yield from (str(v) for v in row.values())
        else:
            yield str(value)


@pytest.mark.parametrize("service", FLOW_A + FLOW_B)
def test_template_prints_every_form_field(service, demo_signing_keys):
    form = json.loads((ROOT / "forms" / f"{service}.json").read_text(encoding="utf-8"))
    data = FORMS[service]
    assert set(data) <= set(form["properties"]), "the sample must use the form's own field names"
    catalogue = json.loads((ROOT / "app/catalogue/services.json").read_text(encoding="utf-8"))
    row = next(s for s in catalogue["services"] if s["key"] == service)
    application = NS(
        service=NS(key=service, name=row["name"], name_bn=row["name_bn"], service_code=row["service_code"],
                   bilingual=row["bilingual"], department=NS(code="PRD", name="Panchayats", name_bn=None)),
        processing_office=NS(id=1, code="GP-RAIPUR", name="Raipur Gram Panchayat", name_bn=None),
        data=data, applicant_name="Rahima Khatun")
    officer = NS(name="Pradhan, Raipur GP", postings=[])
    context = certificate_context(application, officer, "PRD0012026000001", ISSUED,
                                  {"SIGNING_KEYS_DIR": demo_signing_keys})
    text = " ".join(pdf_text(shipped_templates().render(f"{service}.typ", context, certificate_images(context))).split())
    missing = [v for v in _values(data) if PRINTED_AS.get(v, v) not in text]
    assert not missing, f"{service}.typ does not print {missing}"
