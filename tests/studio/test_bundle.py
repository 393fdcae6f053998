"""``GET …/versions/<n>/bundle``: download → edit → upload round-trips, as one zip or file by file."""
import io
import json
import zipfile

from .conftest import ANALYST
from .studio_helpers import KEY

FIELD_OF = {"bpmn": "bpmn", "dmn": "dmn", "forms": "form", "certificate_templates": "certificate_template"}


def download(api, number, service=KEY, user=ANALYST):
    r = api.get(f"/api/v1/process-models/{service}/versions/{number}/bundle", user=user)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    assert r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        return {name: z.read(name) for name in z.namelist()}


def as_zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def post_zip(api, members, service=KEY):
    return api.client.post(f"/api/v1/process-models/{service}/versions",
                           data={"bundle": (io.BytesIO(as_zip(members)), "bundle.zip")},
                           headers={"Authorization": f"Bearer {api.token(ANALYST)}"}, content_type="multipart/form-data")


def post_files(api, members, service=KEY):
    data = {}
    for name, content in members.items():
        folder, _, filename = name.partition("/")
        data.setdefault(FIELD_OF[folder], []).append((io.BytesIO(content), filename))
    return api.client.post(f"/api/v1/process-models/{service}/versions", data=data,
                           headers={"Authorization": f"Bearer {api.token(ANALYST)}"}, content_type="multipart/form-data")


def test_bundle_holds_every_file_of_the_version_under_upload_names(api):
    files = download(api, 1)
    assert f"bpmn/{KEY}.bpmn" in files
    assert "dmn/processing_office_level.dmn" in files and "dmn/escalation_matrix.dmn" in files
    assert {f"forms/{KEY}.json", "forms/approval.json"} <= set(files)
    assert any(n.startswith("certificate_templates/") for n in files)
    assert all(n.split("/")[0] in FIELD_OF for n in files)


def test_unchanged_bundle_uploads_as_the_same_version(api):
    files = download(api, 1)
    r = post_zip(api, files)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["version"] == 1 and r.get_json()["created"] is False
    r = post_files(api, files)
    assert r.status_code == 200 and r.get_json()["version"] == 1


def test_download_edit_upload_round_trips(api, upload):
    files = download(api, 1)
    bpmn = files[f"bpmn/{KEY}.bpmn"].decode()
    assert 'name="Verification of documents"' in bpmn
    files[f"bpmn/{KEY}.bpmn"] = bpmn.replace('name="Verification of documents"', 'name="Scrutiny of documents"').encode()
    form = json.loads(files[f"forms/{KEY}.json"])
    form["title"] = "Residential certificate (edited)"
    files[f"forms/{KEY}.json"] = json.dumps(form, ensure_ascii=False).encode()
    r = post_zip(api, files)
    assert r.status_code == 201, r.get_json()
    number = r.get_json()["version"]
    again = download(api, number)
    assert set(again) == set(files)
    assert b'name="Scrutiny of documents"' in again[f"bpmn/{KEY}.bpmn"]
    assert json.loads(again[f"forms/{KEY}.json"]) == form
    assert list(json.loads(again[f"forms/{KEY}.json"])["properties"]) == list(form["properties"])
    assert upload.activate(number).status_code == 200


def test_a_bundle_with_stray_files_or_not_a_zip_is_a_field_error(api):
    files = download(api, 1)
    r = post_zip(api, {**files, "scripts/run.sh": b"rm -rf /"})
    assert r.status_code == 422 and "scripts/run.sh" in r.get_json()["error"]["fields"]["bundle"]
    r = api.client.post(f"/api/v1/process-models/{KEY}/versions", data={"bundle": (io.BytesIO(b"PK no"), "b.zip")},
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"bundle": "is not a zip file"}


def test_bundle_is_for_analysts_and_admins_only(api):
    assert api.get(f"/api/v1/process-models/{KEY}/versions/1/bundle", user="bdo.domkal").status_code == 403
    assert api.get(f"/api/v1/process-models/{KEY}/versions/1/bundle", user="admin.state").status_code == 200
    assert api.get(f"/api/v1/process-models/{KEY}/versions/99/bundle", user=ANALYST).status_code == 404
