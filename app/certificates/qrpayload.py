"""The signed QR payload: ``<public base URL>/verify/<UIN>#1:<base64url(zlib(COSE_Sign1))>``.

COSE_Sign1 (RFC 9052, CBOR tag 18), ES256, ``kid`` in the protected header, over a CBOR map of the
certificate's fields (docs/qr-payload.md lists them). The fragment never reaches the server: the
verify page checks it in the browser against the key set embedded in the page.
"""
import time
import zlib
from dataclasses import dataclass
from datetime import datetime

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .qrkeys import QrKey, b64url, b64url_decode, kid_of

PREFIX = "1:"
COSE_SIGN1_TAG = 18
ALG_ES256 = -7
HEADER_ALG, HEADER_KID = 1, 4
#: A payload that inflates past this is refused (a compressed bomb cannot be a certificate).
MAX_INFLATED = 4096


class BadPayload(ValueError):
    """The fragment is not a payload signed by a key of the set (or is damaged)."""


@dataclass(frozen=True)
class Claims:
    """What the QR asserts. ``status_list``/``status_index`` locate the certificate's revocation bit."""

    uin: str
    name: str
    service_code: str
    department_code: str
    office: str
    issued_at: datetime
    expires_at: datetime | None = None
    status_list: str | None = None
    status_index: int | None = None

    def to_cbor_map(self) -> dict:
        claims = {"uin": self.uin, "name": self.name, "svc": self.service_code, "dept": self.department_code,
                  "office": self.office, "iat": int(self.issued_at.timestamp())}
        if self.expires_at is not None:
            claims["exp"] = int(self.expires_at.timestamp())
        if self.status_list is not None and self.status_index is not None:
            claims["sl"], claims["si"] = self.status_list, int(self.status_index)
        return claims


def _sig_structure(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


def sign_claims(claims: Claims, key: QrKey) -> bytes:
    """The tagged COSE_Sign1 bytes."""
    protected = cbor2.dumps({HEADER_ALG: ALG_ES256, HEADER_KID: key.kid}, canonical=True)
    payload = cbor2.dumps(claims.to_cbor_map(), canonical=True)
    der = key.private_key.sign(_sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))


def fragment(claims: Claims, key: QrKey) -> str:
    """``1:`` + base64url (no padding) of the zlib-compressed COSE_Sign1."""
    return PREFIX + b64url(zlib.compress(sign_claims(claims, key), 9))


def qr_url(verify_url: str, claims: Claims, key: QrKey) -> str:
    return f"{verify_url}#{fragment(claims, key)}"


def inflate(text: str) -> bytes:
    """The COSE bytes of a fragment (with or without the leading ``#``)."""
    text = text.lstrip("#")
    if not text.startswith(PREFIX):
        raise BadPayload("not a version-1 payload")
    try:
        inflater = zlib.decompressobj()
        data = inflater.decompress(b64url_decode(text[len(PREFIX):]), MAX_INFLATED)
    except (ValueError, zlib.error) as exc:
        raise BadPayload(f"not base64url/zlib: {exc}") from exc
    if inflater.unconsumed_tail or not inflater.eof:
        raise BadPayload("payload too large or truncated")
    return data


def verify_fragment(text: str, public_keys: list[ec.EllipticCurvePublicKey], now: float | None = None) -> dict:
    """Check a fragment against public keys; returns the claims map (``iat``/``exp`` as integers).

    :raises BadPayload: malformed, unknown ``kid``, wrong algorithm, bad signature or expired.
    """
    try:
        message = cbor2.loads(inflate(text))
        if not isinstance(message, cbor2.CBORTag) or message.tag != COSE_SIGN1_TAG:
            raise BadPayload("not a COSE_Sign1")
        protected, _unprotected, payload, signature = message.value
        header = cbor2.loads(protected)
        claims = cbor2.loads(payload)
    except (ValueError, TypeError, cbor2.CBORDecodeError) as exc:
        raise BadPayload(f"not CBOR/COSE: {exc}") from exc
    if header.get(HEADER_ALG) != ALG_ES256 or len(signature) != 64 or not isinstance(claims, dict):
        raise BadPayload("not an ES256 COSE_Sign1 over a map")
    key = next((k for k in public_keys if kid_of(k) == header.get(HEADER_KID)), None)
    if key is None:
        raise BadPayload("signed by a key this server does not publish")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        key.verify(der, _sig_structure(protected, payload), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise BadPayload("the signature does not match") from exc
    if "exp" in claims and (now if now is not None else time.time()) >= claims["exp"]:
        raise BadPayload("expired")
    return claims


def claims_for(application, uin: str, issued_at: datetime, status_entry: tuple[str, int] | None = None,
               office=None) -> Claims:
    """The claims of a certificate from plain attributes (ORM objects or stand-ins).

    :param status_entry: ``(status list id, index)`` of the certificate's revocation bit, if it has one.
    :param office: the issuing office (the approving posting's); default the processing office.
    """
    service = application.service
    office = office if office is not None else getattr(application, "processing_office", None)
    status_list, status_index = status_entry or (None, None)
    return Claims(uin=uin, name=application.applicant_name, service_code=service.service_code,
                  department_code=service.department.code, office=getattr(office, "name", "") or "",
                  issued_at=issued_at, status_list=status_list, status_index=status_index)
