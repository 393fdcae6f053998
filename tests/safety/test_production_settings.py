"""Production refuses development settings: secret, Aadhaar key, demo signing keys and trust root, demo users."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.certificates import pki
from app.safety import settings_problems

ROOT = Path(__file__).resolve().parents[2]
STRONG = "q7VbA0-9xZkLmN3pR5tUwY2cE4gH6jK8sD1fG_hJ-Lo"
STRONG_AADHAAR = "Zp4Xc8Vb2Nm6Lk0Jh9Gf7Ds5Aq3Wr1Et-Yu_Io8Pm4n"


def _state_root(path: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "West Bengal State CA")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def _config(tmp_path, **overrides):
    base = {"SECRET_KEY": STRONG, "AADHAAR_KEY": STRONG_AADHAAR, "SIGNING_P12_PASSPHRASE": "state-pass",
            "SIGNING_TRUST_ROOT": str(_state_root(tmp_path / "state-root.pem")), "SIGNING_KEYS_DIR": None,
            "DATA_DIR": tmp_path}
    base.update(overrides)
    return base


def test_a_sound_configuration_passes(tmp_path):
    assert settings_problems(_config(tmp_path)) == []


@pytest.mark.parametrize("overrides, named", [
    ({"SECRET_KEY": ""}, "PRAVAH_SECRET_KEY is not set"),
    ({"SECRET_KEY": "dev-only-secret-change-me"}, "PRAVAH_SECRET_KEY is the development value"),
    ({"SECRET_KEY": "short-secret"}, "PRAVAH_SECRET_KEY is too weak"),
    ({"SECRET_KEY": "a" * 64}, "PRAVAH_SECRET_KEY is too weak"),
    ({"AADHAAR_KEY": ""}, "PRAVAH_AADHAAR_KEY is not set"),
    ({"AADHAAR_KEY": STRONG}, "PRAVAH_AADHAAR_KEY must differ"),
    ({"SIGNING_P12_PASSPHRASE": "demo-signing-pass"}, "PRAVAH_SIGNING_P12_PASSPHRASE is the demo passphrase"),
    ({"SIGNING_TRUST_ROOT": None}, "PRAVAH_SIGNING_TRUST_ROOT is not set"),
])
def test_each_unsafe_setting_is_named(tmp_path, overrides, named):
    problems = settings_problems(_config(tmp_path, **overrides))
    assert any(named in p for p in problems), problems


def test_demo_keys_and_demo_root_are_refused(tmp_path):
    keys = tmp_path / "keys"
    pki.create_demo_ca(keys)
    problems = settings_problems(_config(tmp_path, SIGNING_KEYS_DIR=str(keys),
                                         SIGNING_TRUST_ROOT=str(keys / "root.pem")))
    assert any("PRAVAH_SIGNING_TRUST_ROOT" in p and "demo root CA" in p for p in problems), problems
    assert any("PRAVAH_SIGNING_KEYS_DIR" in p and "demo signing keys" in p for p in problems), problems


def _run(tmp_path, env_overrides, argv):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRAVAH_", "DATABASE_URL", "FLASK_"))}
    env.update({"FLASK_APP": "wsgi.py", "PRAVAH_DATA_DIR": str(tmp_path),
                "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}", **env_overrides})
    return subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def _flask(tmp_path, env_overrides, *args):
    return _run(tmp_path, env_overrides, ["-m", "flask", *args])


def _dev_python(tmp_path, code):
    return _run(tmp_path, {"PRAVAH_ENV": "development"}, [
        "-c", "from app import create_app; from app.extensions import db\napp = create_app()\n"
              "with app.app_context():\n    " + code.replace("\n", "\n    ") + "\n    db.session.commit()"])


def test_production_process_exits_naming_the_settings_then_starts_when_sound(tmp_path):
    # demo data made in development, then the same database started as production
    made = _dev_python(tmp_path, "from app.demo.seed import seed\ndb.create_all()\nseed('x')")
    assert made.returncode == 0, made.stderr
    refused = _flask(tmp_path, {"PRAVAH_ENV": "production"}, "routes")
    assert refused.returncode == 1, refused.stdout + refused.stderr
    for name in ("PRAVAH_SECRET_KEY", "PRAVAH_AADHAAR_KEY", "PRAVAH_SIGNING_TRUST_ROOT", "demo users"):
        assert name in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

    root = _state_root(tmp_path / "state-root.pem")
    sound = {"PRAVAH_ENV": "production", "PRAVAH_SECRET_KEY": STRONG, "PRAVAH_AADHAAR_KEY": STRONG_AADHAAR,
             "PRAVAH_SIGNING_TRUST_ROOT": str(root), "PRAVAH_SIGNING_P12_PASSPHRASE": "state-pass"}
    still = _flask(tmp_path, sound, "routes")
    assert still.returncode == 1 and "demo users exist" in still.stderr, still.stderr
    cleared = _dev_python(tmp_path, "from app.models import Posting, User\n"
                                    "db.session.query(Posting).delete()\ndb.session.query(User).delete()")
    assert cleared.returncode == 0, cleared.stderr
    started = _flask(tmp_path, sound, "routes")
    assert started.returncode == 0, started.stderr
    assert "/api/v1/services" in started.stdout
