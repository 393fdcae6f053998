"""QR key rotation: the new key signs, the old public key stays in the published set, and a QR
signed before the rotation still verifies; ``flask signing init-demo`` makes the key."""
from datetime import datetime, timezone

from app.certificates import qrkeys
from app.certificates.qrpayload import Claims, fragment, verify_fragment

CLAIMS = Claims("PRD0012026000001", "Rahima Khatun", "001", "PRD", "Raipur Gram Panchayat",
                datetime(2026, 5, 4, 10, 30, tzinfo=timezone.utc))


def test_rotation_keeps_old_qrs_verifiable(tmp_path):
    settings = {"SIGNING_KEYS_DIR": tmp_path}
    qrkeys.ensure_demo_key(settings)
    old_kid = qrkeys.key_set(settings)["keys"][0]["kid"]
    before = fragment(CLAIMS, qrkeys.load_signing_key(settings))

    old, new = qrkeys.rotate(settings)
    assert old == old_kid and new != old_kid
    assert [k["kid"] for k in qrkeys.key_set(settings)["keys"]] == [new, old_kid]
    after = fragment(CLAIMS, qrkeys.load_signing_key(settings))
    keys = qrkeys.public_keys(settings)
    assert verify_fragment(before, keys)["uin"] == verify_fragment(after, keys)["uin"] == CLAIMS.uin

    (tmp_path / "qr" / "previous" / f"{old_kid}.pem").unlink()  # retiring the old key
    assert [k["kid"] for k in qrkeys.key_set(settings)["keys"]] == [new]


def test_init_demo_makes_the_qr_key_and_the_key_set_serves_it(runner, app, tmp_path):
    result = runner.invoke(args=["signing", "init-demo", "--keys-dir", str(tmp_path), "--no-db"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "qr" / "signing.key.pem").exists() and "QR signing key" in result.output
    keys = app.test_client().get("/.well-known/pravah-keys.json").get_json()["keys"]
    assert keys == qrkeys.key_set(app.config)["keys"] and keys[0]["kty"] == "EC"

