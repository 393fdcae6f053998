"""docs/qr-payload.md's test vector verifies, with pycose and with our verifier; one altered byte fails."""
import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from app.certificates.qrkeys import b64url_decode
from app.certificates.qrpayload import BadPayload, inflate, verify_fragment
from tests.certificates.test_qr_payload import altered, pycose_verify

DOC = Path(__file__).resolve().parents[2] / "docs" / "qr-payload.md"


def _block(name: str) -> str:
    match = re.search(rf"<!-- vector:{name} -->\s*```[a-z]*\n(.*?)\n```", DOC.read_text(encoding="utf-8"), re.S)
    assert match, name
    return match.group(1).strip()


def _public_key(jwk: dict):
    return ec.EllipticCurvePublicNumbers(int.from_bytes(b64url_decode(jwk["x"]), "big"),
                                         int.from_bytes(b64url_decode(jwk["y"]), "big"), ec.SECP256R1()).public_key()


def test_the_documented_vector_verifies():
    jwk, fragment, claims = json.loads(_block("jwk")), _block("fragment"), json.loads(_block("claims"))
    assert inflate(fragment).hex() == _block("cose")
    assert pycose_verify(fragment, {"keys": [jwk]}) == claims
    assert verify_fragment(fragment, [_public_key(jwk)]) == claims


@pytest.mark.parametrize("position", [0, 5, 20, 60, 150, 191])
def test_one_altered_byte_of_the_vector_fails(position):
    jwk, fragment = json.loads(_block("jwk")), _block("fragment")
    broken = altered(fragment, position)
    assert pycose_verify(broken, {"keys": [jwk]}) is None
    with pytest.raises(BadPayload):
        verify_fragment(broken, [_public_key(jwk)])
