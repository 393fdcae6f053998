"""The status list is served signed (VC-JOSE-COSE application/vc+jwt, ES256 with the QR key) and a
verifier checks it with nothing but ``cryptography`` and the published JWK Set."""
import base64
import json
from datetime import datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from app.certificates import statuslist
from tests.certificates.flow_helpers import issue

JWT = "application/vc+jwt"


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def independent_verify(jws: str, jwks: dict) -> dict:
    """RFC 7515 compact JWS, ES256, checked against the JWK Set (no project code)."""
    header_b64, payload_b64, signature_b64 = jws.split(".")
    header = json.loads(_b64(header_b64))
    assert header["alg"] == "ES256" and header["typ"] == "vc+jwt"
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    public_key = ec.EllipticCurvePublicNumbers(int.from_bytes(_b64(jwk["x"]), "big"),
                                               int.from_bytes(_b64(jwk["y"]), "big"), ec.SECP256R1()).public_key()
    raw = _b64(signature_b64)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public_key.verify(der, f"{header_b64}.{payload_b64}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    return json.loads(_b64(payload_b64))


@pytest.fixture
def list_path(api):
    _, kept = issue(api, "income")
    _, revoked = issue(api, "income")
    assert api.post(f"/api/v1/certificates/{revoked}/revoke", json={"reason": "forged income proof"},
                    user="dm.murshidabad").status_code == 200
    statuses = {u: api.get(f"/api/v1/certificates/{u}").get_json()["credential_status"] for u in (kept, revoked)}
    url = statuses[kept]["statusListCredential"]
    return url[url.index("/api/v1/"):], {u: int(s["statusListIndex"]) for u, s in statuses.items()}, kept, revoked


def test_signed_list_verifies_independently_and_shows_the_revocation(api, list_path):
    path, index, kept, revoked = list_path
    r = api.get(path, headers={"Accept": JWT})
    assert r.status_code == 200 and r.mimetype == JWT
    assert "Accept" in r.headers["Vary"]
    credential = independent_verify(r.get_data(as_text=True), api.get("/.well-known/pravah-keys.json").get_json())
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["id"].endswith(path) and credential["issuer"] == credential["id"].split("/api/v1/")[0]
    subject = credential["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"], subject["ttl"]) == ("BitstringStatusList", "revocation", 300000)
    bits = statuslist.decode(subject["encodedList"])
    assert (statuslist.bit(bits, index[revoked]), statuslist.bit(bits, index[kept])) == (1, 0)
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    valid_until = datetime.fromisoformat(credential["validUntil"].replace("Z", "+00:00"))
    assert (valid_until - valid_from).total_seconds() == statuslist.VALID_SECONDS


def test_altered_signed_list_fails(api, list_path):
    path, index, _, revoked = list_path
    jws = api.get(path, headers={"Accept": JWT}).get_data(as_text=True)
    jwks = api.get("/.well-known/pravah-keys.json").get_json()
    header, payload, signature = jws.split(".")
    credential = json.loads(_b64(payload))
    credential["credentialSubject"]["encodedList"] = statuslist.encode(statuslist.bitstring([]))  # "nothing revoked"
    forged = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        independent_verify(f"{header}.{forged}.{signature}", jwks)
    flipped = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    with pytest.raises(InvalidSignature):
        independent_verify(f"{header}.{payload}.{flipped}", jwks)


def test_plain_json_stays_the_default_and_links_the_signed_form(api, list_path):
    path = list_path[0]
    for accept in (None, "*/*", "application/json"):
        r = api.get(path, headers={"Accept": accept} if accept else {})
        assert r.status_code == 200 and r.mimetype == "application/json", accept
    assert r.headers["Link"].endswith(f'{path}>; rel="alternate"; type="{JWT}"')
    assert api.get("/api/v1/status-lists/999999", headers={"Accept": JWT}).status_code == 404


def test_without_a_qr_key_the_signed_form_is_refused(app, api, list_path, tmp_path):
    app.config["QR_SIGNING_KEY"] = str(tmp_path / "missing.pem")
    r = api.get(list_path[0], headers={"Accept": JWT})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "cannot_sign"
