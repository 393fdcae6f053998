"""Building blocks for flow tests: documents, a valid application, walking tasks."""
import io

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

RESIDENTIAL_FORM = {
    "guardian_name": "Abdul Karim", "date_of_birth": "1990-04-12", "gender": "female",
    "address": "Village Raipur, near the primary school", "post_office": "Raipur", "police_station": "Domkal",
    "pin_code": "742303", "residing_since": 1995, "purpose": "Admission to college",
}
RESIDENTIAL_DOCS = ("photograph", "identity_proof", "age_proof", "residence_certificate")


def upload(api, user, doc_type, content=PDF, filename="doc.pdf"):
    r = api.client.post("/api/v1/documents", data={"type": doc_type, "file": (io.BytesIO(content), filename)},
                        headers={"Authorization": f"Bearer {api.token(user)}"}, content_type="multipart/form-data")
    return r


def residential_payload(api, user, *, lgd_code="131001", name="Rahima Khatun", data=None, doc_types=RESIDENTIAL_DOCS):
    documents = []
    for doc_type in doc_types:
        r = upload(api, user, doc_type)
        assert r.status_code == 201, r.get_json()
        documents.append({"type": doc_type, "id": r.get_json()["id"]})
    return {"service": "residential_edistrict", "channel": "CSC",
            "applicant": {"name": name, "mobile": "9876543210", "language": "bn"},
            "location": {"lgd_code": lgd_code}, "data": dict(data or RESIDENTIAL_FORM), "documents": documents}


def submit_residential(api, user="operator.csc-domkal", **kw):
    r = api.post("/api/v1/applications", json=residential_payload(api, user, **kw), user=user)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


def task_for(api, user, ain):
    r = api.get("/api/v1/inbox?per_page=200", user=user)
    assert r.status_code == 200, r.get_json()
    items = [i for i in r.get_json()["items"] if i["ain"] == ain]
    assert items, f"{ain} is not in {user}'s inbox"
    return items[0]


def act(api, user, ain, action, expect=200, **body):
    item = task_for(api, user, ain)
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": action, **body}, user=user)
    assert r.status_code == expect, r.get_json()
    return r.get_json()
