"""Signing through PKCS#11 against SoftHSM2 (Debian softhsm2), the same path as a real HSM/token."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from app.certificates import pki, signing
from app.certificates.verify import verify_pdf

MODULES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"]
MODULE = next((m for m in MODULES if Path(m).exists()), None)


@pytest.fixture(scope="module")
def token(demo_keys, tmp_path_factory, request):
    if MODULE is None or shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2 not installed")
    pytest.importorskip("pkcs11")
    d = tmp_path_factory.mktemp("softhsm")
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d / 'tokens'}\nobjectstore.backend = file\n")
    old = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    request.addfinalizer(lambda: os.environ.__setitem__("SOFTHSM2_CONF", old) if old
                         else os.environ.pop("SOFTHSM2_CONF", None))
    run = dict(check=True, capture_output=True)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "pravah-test",
                    "--pin", "1234", "--so-pin", "5678"], **run)
    key_pem, chain_pem = pki.export_for_token(demo_keys, "default", out_dir=d)
    subprocess.run(["softhsm2-util", "--import", str(key_pem), "--token", "pravah-test",
                    "--label", "office-default", "--id", "01", "--pin", "1234"], **run)
    return chain_pem


def test_pkcs11_signature_validates(token, income_pdf, trust_root):
    from tests.certificates.test_signature import _strip_signature_source
    signer = signing.load_pkcs11_signer(MODULE, "pravah-test", "1234", "office-default", token)
    assert signing.load_pkcs11_signer(MODULE, "pravah-test", "1234", "office-default", token) is signer
    out = signing.sign_pdf(_strip_signature_source(income_pdf), signer)
    result = verify_pdf(out, trust_root)
    assert result["valid"], result
    assert result["signed_by"] == "Pravah Demo Signing Office"
