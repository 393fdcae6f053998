"""The studio page's editors: certificate template tab (text saved with the draft), a new decision
table from the page's skeleton, field-level form controls and the activation confirmation."""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessVersion

from .studio_helpers import KEY
from .test_pages import login, payload  # noqa: F401  (fixture and helper)

EDITORS = Path(__file__).resolve().parents[2] / "app" / "static" / "studio" / "editors.js"


def page_data(client, service=KEY):
    html = client.get(f"/studio/{service}").get_data(as_text=True)
    return html, json.loads(re.search(r'id="studio-data">(.*?)</script>', html, re.S).group(1))


def test_page_has_the_template_tab_new_dmn_field_editor_and_confirmation(login):
    html, data = page_data(login("analyst.state"))
    for needle in ('data-tab="tab-template"', 'id="template-text"', 'id="template-preview"', 'id="dmn-new"',
                   'id="form-fields"', 'id="form-field-add"', 'id="activate-dialog"', 'id="studio-advice"',
                   "studio/editors.js"):
        assert needle in html, needle
    assert f"{KEY}.typ" in data["files"]["templates"] and "#import" in data["files"]["templates"][f"{KEY}.typ"]
    assert data["urls"]["certificate_preview"] == f"/studio/{KEY}/certificate-preview"


def test_template_text_edited_in_the_studio_is_saved_with_the_draft(app, login):
    client = login("analyst.state")
    _html, data = page_data(client)
    templates = data["files"]["templates"]
    name = f"{KEY}.typ"
    templates[name] = templates[name] + "\n"        # format-neutral edit
    body = {**payload(), "templates": {name: templates[name]}}
    r = client.post(f"/studio/{KEY}/drafts", json=body)
    assert r.status_code == 201, r.get_json()
    with app.app_context():
        v = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == KEY,
                                                           ProcessVersion.version == r.get_json()["version"]))
        assert v.certificate_templates[name] == templates[name]
    bad = client.post(f"/studio/{KEY}/drafts", json={**payload(), "templates": {"../x.typ": "hi"}})
    assert bad.status_code == 422


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_page_skeleton_of_a_new_decision_table_passes_the_deploy_checks(login):
    script = f"global.window = {{}}; require({json.dumps(str(EDITORS))}); " \
             "process.stdout.write(window.StudioEditors.newDmn('document_check'));"
    xml = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True, timeout=30).stdout
    assert 'id="document_check"' in xml
    body = payload()
    body["dmn"] = {**body["dmn"], "document_check.dmn": xml}
    r = login("analyst.state").post(f"/studio/{KEY}/validate", json=body)
    assert r.get_json()["ok"] is True, r.get_json()
