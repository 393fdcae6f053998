"""The QR's signed fragment: checked by an independent COSE implementation (pycose) against the
published key set, broken by any altered byte, opening the verify page, and revocation in the list."""
import json
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import cbor2
import pytest
from pycose.headers import KID
from pycose.keys import EC2Key
from pycose.messages import Sign1Message

from app.certificates import statuslist
from app.certificates.qrkeys import b64url, b64url_decode
from app.certificates.qrpayload import BadPayload, inflate, verify_fragment
from tests.certificates.flow_helpers import download, issue, published_keys, qr_texts, rasterise

ROOT = Path(__file__).resolve().parents[2]
VERIFY_JS = ROOT / "app/static/js/verify-qr.js"


def pycose_verify(fragment: str, jwks: dict) -> dict | None:
    """Verify with pycose only (our code is used for nothing but base64url/zlib); None when it fails."""
    try:
        # Sign1Message.decode expects cbor2 < 6 (a list and dicts; 6 gives a tuple and frozen maps).
        tagged = cbor2.loads(inflate(fragment))
        if tagged.tag != Sign1Message.cbor_tag:
            return None
        protected, unprotected, payload, signature = tagged.value
        message = Sign1Message.from_cose_obj([protected, dict(unprotected), payload, signature], True)
    except Exception:  # noqa: BLE001  (pycose raises many types for garbage)
        return None
    kid = b64url(message.phdr.get(KID) or b"")
    jwk = next((k for k in jwks["keys"] if k["kid"] == kid), None)
    if jwk is None:
        return None
    message.key = EC2Key(crv="P_256", x=b64url_decode(jwk["x"]), y=b64url_decode(jwk["y"]))
    try:
        ok = message.verify_signature()
    except Exception:  # noqa: BLE001
        return None
    return cbor2.loads(message.payload) if ok else None


def altered(fragment: str, position: int) -> str:
    """The fragment with one byte of the COSE message flipped (recompressed, so zlib still opens it)."""
    data = bytearray(inflate(fragment))
    data[position] ^= 0x01
    return "1:" + b64url(zlib.compress(bytes(data), 9))


@pytest.fixture
def issued_qr(api, tmp_path):
    _, uin = issue(api, "income")
    codes = qr_texts(rasterise(download(api, "income", uin), tmp_path))
    assert len(codes) == 1
    return uin, codes[0]


def test_the_decoded_qr_opens_the_verify_page_and_pycose_verifies_it(api, issued_qr):
    uin, text = issued_qr
    assert text.startswith("http") and f"/verify/{uin}#1:" in text
    url, _, fragment = text.partition("#")
    jwks = api.get("/.well-known/pravah-keys.json").get_json()
    assert {(k["kty"], k["crv"]) for k in jwks["keys"]} == {("EC", "P-256")}
    claims = pycose_verify(fragment, jwks)
    assert claims is not None and claims["uin"] == uin and claims["name"] == "Rahima Khatun"
    assert claims["svc"] == "001" and claims["dept"] == "PRD" and claims["office"]

    page = api.client.get(url[url.index("/verify/"):])
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert uin in html and "js/verify-qr.js" in html
    embedded = re.search(r'<script type="application/json" id="qr-keys">(.*?)</script>', html, re.S).group(1)
    assert json.loads(embedded) == jwks
    record = json.loads(re.search(r'id="qr-record">(.*?)</script>', html, re.S).group(1))
    assert {k: record[k] for k in ("uin", "name", "svc", "dept", "office", "iat")} == \
        {k: claims[k] for k in ("uin", "name", "svc", "dept", "office", "iat")}


def test_altering_any_byte_fails(api, issued_qr):
    _, text = issued_qr
    fragment = text.partition("#")[2]
    jwks = api.get("/.well-known/pravah-keys.json").get_json()
    keys = published_keys(api)
    length = len(inflate(fragment))
    for position in range(0, length, 7):
        broken = altered(fragment, position)
        assert pycose_verify(broken, jwks) is None, position
        with pytest.raises(BadPayload):
            verify_fragment(broken, keys)


def test_status_list_shows_a_revoked_certificate(api):
    _, kept = issue(api, "income")
    _, revoked = issue(api, "income")
    records = {uin: api.get(f"/api/v1/certificates/{uin}").get_json()["credential_status"] for uin in (kept, revoked)}
    assert records[kept]["statusListCredential"] == records[revoked]["statusListCredential"]
    url = records[kept]["statusListCredential"]
    path = url[url.index("/api/v1/"):]
    before = statuslist.decode(api.get(path).get_json()["credentialSubject"]["encodedList"])
    assert api.post(f"/api/v1/certificates/{revoked}/revoke", json={"reason": "forged income proof"},
                    user="dm.murshidabad").status_code == 200
    body = api.get(path).get_json()
    assert body["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert body["credentialSubject"]["statusPurpose"] == "revocation"
    after = statuslist.decode(body["credentialSubject"]["encodedList"])
    assert len(after) * 8 >= statuslist.MIN_BITS
    index = {uin: int(records[uin]["statusListIndex"]) for uin in records}
    assert index[kept] != index[revoked]
    assert (statuslist.bit(before, index[revoked]), statuslist.bit(after, index[revoked])) == (0, 1)
    assert statuslist.bit(after, index[kept]) == 0
    assert api.get("/api/v1/status-lists/999999").status_code == 404


def _node(script: str) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    out = subprocess.run([node, "--input-type=module", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_page_script_verifies_and_rejects_like_the_server(api, issued_qr):
    """verify-qr.js (the code the browser runs) under Node's WebCrypto and DecompressionStream."""
    _, text = issued_qr
    fragment = text.partition("#")[2]
    jwks = api.get("/.well-known/pravah-keys.json").get_json()
    # 70 bytes from the end lies in the payload (the 64-byte signature and its 2-byte head follow it).
    cases = {"good": fragment, "altered": altered(fragment, len(inflate(fragment)) - 70), "garbage": "1:AAAA"}
    script = (f"await import({json.dumps(VERIFY_JS.as_uri())});\n"
              f"const keys = {json.dumps(jwks)}; const cases = {json.dumps(cases)}; const out = {{}};\n"
              "for (const [name, f] of Object.entries(cases)) out[name] = await globalThis.PravahQr.verifyFragment('#' + f, keys);\n"
              "console.log(JSON.stringify(out));")
    result = _node(script)
    assert result["good"]["ok"] is True
    assert result["good"]["claims"] == verify_fragment(fragment, published_keys(api))
    assert result["altered"] == {"ok": False, "reason": "signature"}
    assert result["garbage"] == {"ok": False, "reason": "damaged"}
