"""Restarting (``flask deploy``, as ``make run`` does) never undoes what an analyst activated."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ProcessVersion

from tests.studio.conftest import Uploader
from tests.studio.studio_helpers import KEY

from .test_deploy_cli import GOOD, model_dir, statuses  # noqa: F401  (fixture)


@pytest.fixture
def upload(api):
    return Uploader(api)


def test_restart_keeps_every_analyst_activation(model_dir, app, runner, upload):
    # the analyst's own version 2, active
    r = upload.post()
    assert r.status_code == 201, r.get_json()
    assert upload.activate(2).status_code == 200
    assert statuses(app) == {1: "retired", 2: "active"}
    # an upgrade ships different files for the same service
    (model_dir["bpmn"] / f"{KEY}.bpmn").write_text(
        GOOD.replace('name="Verification of documents"', 'name="Scrutiny of documents"'), encoding="utf-8")
    for _restart in range(2):
        result = runner.invoke(args=["deploy"])
        assert result.exit_code == 0, result.output
        assert (f"{KEY}: shipped files differ from active version 2 (activated by analyst.state"
                in result.output), result.output
        assert statuses(app) == {1: "retired", 2: "active", 3: "draft"}
    # every other shipped service is unchanged
    assert result.output.count("unchanged") == result.output.count("\n") - 1
    # only when told
    result = runner.invoke(args=["deploy", "--activate", KEY])
    assert result.exit_code == 0, result.output
    assert statuses(app) == {1: "retired", 2: "retired", 3: "active"}
    with app.app_context():
        v3 = db.session.scalar(select(ProcessVersion).where(ProcessVersion.process_key == KEY,
                                                            ProcessVersion.version == 3))
        assert "Scrutiny of documents" in v3.bpmn_xml


def test_a_service_with_no_version_is_seeded(app, runner):
    with app.app_context():
        for v in db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == "age")):
            v.status = "retired"
        db.session.commit()
    result = runner.invoke(args=["deploy", "age"])
    assert result.exit_code == 0, result.output
    assert "deployed and active (no version was active)" in result.output
    assert statuses(app, "age") == {1: "active"}
