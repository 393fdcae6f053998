"""A valid application form per service, and helpers to submit any catalogue service through the API."""
from tests.helpers import RESIDENTIAL_FORM, upload

WORK = {"work_name": "Concrete road from Raipur bazar to the primary school", "work_id": "MGNREGA/2025/0042",
        "scheme": "MGNREGA", "location": "Raipur bazar", "executing_agency": "Raipur Labour Co-operative",
        "amount": 485000, "started_on": "2025-10-01", "completed_on": "2026-02-15"}

FORMS = {
    "income": {"applicant_name_bn": "রহিমা খাতুন", "father_name": "Abdul Karim", "address": "Village Raipur, ward 3",
               "annual_income": 72000, "income_source": "Agriculture and daily wages", "financial_year": "2025-26",
               "purpose": "Scholarship"},
    "residential_gp": {"father_name": "Abdul Karim", "address": "Village Raipur, ward 3", "residing_since": 1995,
                       "purpose": "Admission to college"},
    "legal_heir": {"deceased_name": "Abdul Karim", "date_of_death": "2025-12-01", "address": "Village Raipur, ward 3",
                   "applicant_relation": "Daughter",
                   "heirs": [{"name": "Rahima Khatun", "relation": "Daughter", "age": 34},
                             {"name": "Salma Bibi", "relation": "Wife", "age": 61}]},
    "completion_gp": WORK, "completion_block": WORK, "completion_ps": WORK,
    "age": {"father_name": "Abdul Karim", "date_of_birth": "1990-04-12", "basis": "school_record",
            "address": "Village Raipur, ward 3"},
    "alias": {"alias_name": "Rahima Bibi", "father_name": "Abdul Karim", "address": "Village Raipur, ward 3",
              "alias_document": "Ration card"},
    "caste_income": {"father_name": "Abdul Karim", "caste": "Jolha", "category": "OBC-A", "annual_income": 72000,
                     "financial_year": "2025-26", "address": "Village Raipur, ward 3"},
    "electricity_permission": {"premises_address": "Village Raipur, ward 3, plot 112", "khatian_no": "Raipur/1187",
                               "plot_no": "112", "connection_type": "domestic", "load_kw": 2},
    "jsy": {"husband_name": "Abdul Karim", "address": "Village Raipur, ward 3", "delivery_date": "2026-01-20",
            "place_of_delivery": "Domkal Sub-Divisional Hospital", "category": "BPL"},
    "residential_edistrict": RESIDENTIAL_FORM,
}

FLOW_A = ["income", "residential_gp", "legal_heir", "completion_gp", "age", "alias", "caste_income",
          "electricity_permission", "jsy"]
FLOW_B = ["completion_block", "completion_ps"]


def catalogue(api) -> dict:
    r = api.get("/api/v1/services?per_page=200")
    assert r.status_code == 200
    return {s["key"]: s for s in r.get_json()["items"]}


def payload(api, user, service, *, lgd_code="131001", name="Rahima Khatun", tatkal=False, documents=None, data=None,
            channel=None):
    """A complete application for ``service``, uploading each required document as ``user``."""
    entry = catalogue(api)[service]
    if documents is None:
        documents = []
        for doc in entry["documents"]:
            if doc["required"]:
                r = upload(api, user, doc["type"])
                assert r.status_code == 201, r.get_json()
                documents.append({"type": doc["type"], "id": r.get_json()["id"]})
    body = {"service": service, "tatkal": tatkal,
            "applicant": {"name": name, "mobile": "9876543210", "language": "bn"},
            "location": {"lgd_code": lgd_code}, "data": dict(data or FORMS[service]), "documents": documents}
    if channel:
        body["channel"] = channel
    return body


def submit(api, service, user="operator.raipur", **kw):
    r = api.post("/api/v1/applications", json=payload(api, user, service, **kw), user=user)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


def inbox_ains(api, user) -> list[str]:
    r = api.get("/api/v1/inbox?per_page=200", user=user)
    assert r.status_code == 200, r.get_json()
    return [i["ain"] for i in r.get_json()["items"]]
