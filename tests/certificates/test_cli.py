"""`flask signing init-demo` / `trust-root` on a bare Flask app (the factory registers the group)."""
from flask import Flask

from app.certificates.cli import signing


def test_init_demo_and_trust_root(tmp_path):
    app = Flask(__name__)
    app.config.update(DATA_DIR=tmp_path)
    app.cli.add_command(signing)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signing", "init-demo", "--no-db"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "keys" / "root.pem").exists()
    assert (tmp_path / "keys" / "signers" / "default.p12").exists()
    result = runner.invoke(args=["signing", "trust-root"])
    assert result.output.startswith("-----BEGIN CERTIFICATE-----")


def test_init_demo_is_refused_in_production(tmp_path):
    app = Flask(__name__)
    app.config.update(DATA_DIR=tmp_path, ENV_NAME="production")
    app.cli.add_command(signing)
    result = app.test_cli_runner().invoke(args=["signing", "init-demo", "--no-db"])
    assert result.exit_code != 0 and "production" in result.output
    assert not (tmp_path / "keys").exists()


def test_app_registers_the_group_and_keys_cover_every_signing_officer(runner, tmp_path):
    result = runner.invoke(args=["signing", "init-demo", "--keys-dir", str(tmp_path / "keys")])
    assert result.exit_code == 0, result.output
    signers = tmp_path / "keys" / "signers"
    for username in ("bdo.domkal", "pradhan.raipur", "dm.murshidabad"):
        assert (signers / f"user-{username}.p12").exists(), username
