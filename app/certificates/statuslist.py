"""Revocation published as a W3C Bitstring Status List (v1.0), one list per district.

Each certificate gets a bit in the list of its applicant's district (the district's LGD code is the
list id) when it is issued; the bit is 1 once the certificate is revoked. The list is built from the
``certificate`` rows when asked for, so revoking (``Certificate.revoke``) is what flips the bit.
``encodedList`` = multibase base64url (prefix ``u``, no padding) of the GZIP-compressed bitstring;
bit 0 is the most significant bit of the first byte; at least 16 KiB (131,072 entries) so a list
does not reveal how many certificates a district has issued. Verifiers fetch the signed form
(:func:`sign`, ``Accept: application/vc+jwt``) and check it against the QR key set.
"""
import functools
import gzip
import json
import os
import threading
from datetime import timedelta

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from sqlalchemy import Engine, bindparam, create_engine, select
from sqlalchemy.dialects import postgresql

from .. import clock
from ..database import ping_when_idle
from ..models import Certificate, Counter
from ..serials import next_value
from .qrkeys import b64url, b64url_decode

MIN_BITS = 131_072


def allocate(session, application) -> tuple[str, int] | None:
    """The next free index in the list of the applicant's district.

    On PostgreSQL the index is claimed in its own short transaction (:func:`claim`): the district's
    counter row is locked for that one statement, not for the approval, so approvals in one district
    never wait on each other. Each index is handed out once; an approval that rolls back leaves its
    index unused (a 0 bit no certificate points at), never handed out again. SQLite (one writer at a
    time anyway) takes it inside the approval's transaction.

    :returns: ``(district LGD code, index)``, or None when the application has no district.
    """
    location = getattr(application, "location", None)
    district = location.ancestor_at("DISTRICT") if location is not None else None
    if district is None:
        return None
    return district.lgd_code, claim(session, f"statuslist:{district.lgd_code}") - 1


def claim(session, name: str) -> int:
    """The next value of counter ``name``, committed at once on PostgreSQL (see :func:`allocate`)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql" or not isinstance(bind, Engine):
        return next_value(name, session)
    # One statement on an autocommit connection: it commits itself (no BEGIN and COMMIT round trips).
    with _claims_engine(bind).connect() as connection:
        return connection.execute(_claim_statement(), {"name": name}).scalar_one()


@functools.cache
def _claim_statement():
    table = Counter.__table__
    return postgresql.insert(table).values(name=bindparam("name"), value=1).on_conflict_do_update(
        index_elements=["name"], set_={"value": table.c.value + 1}).returning(table.c.value)


_claims_engines: dict = {}
_claims_lock = threading.Lock()


def _claims_engine(engine: Engine) -> Engine:
    """A small pool of its own: a claim never waits for a connection the approvals hold."""
    key = engine.url.render_as_string(hide_password=False)
    found = _claims_engines.get(key)
    if found is None:
        with _claims_lock:
            found = _claims_engines.get(key)
            if found is None:
                found = _claims_engines[key] = create_engine(engine.url, pool_size=1, max_overflow=8,
                                                             isolation_level="AUTOCOMMIT")
                ping_when_idle(found)
    return found


def _forget_claims_engines() -> None:
    """After ``fork``: the parent's connections are not the child's to use."""
    for engine in _claims_engines.values():
        engine.dispose(close=False)
    _claims_engines.clear()


os.register_at_fork(after_in_child=_forget_claims_engines)


def bitstring(indexes, size: int | None = None) -> bytes:
    """Bytes with the given bit indexes set (MSB first); at least :data:`MIN_BITS` bits."""
    indexes = list(indexes)
    bits = max(MIN_BITS, size or 0, (max(indexes) + 1) if indexes else 0)
    data = bytearray((bits + 7) // 8)
    for index in indexes:
        data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def encode(data: bytes) -> str:
    # mtime=0: the same list gives the same bytes (cacheable, comparable).
    return "u" + b64url(gzip.compress(data, mtime=0))


def decode(encoded: str) -> bytes:
    """Inverse of :func:`encode` (for verifiers and tests)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix 'u')")
    return gzip.decompress(b64url_decode(encoded[1:]))


def bit(data: bytes, index: int) -> int:
    return (data[index // 8] >> (7 - index % 8)) & 1


def list_url(base_url: str, list_id: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/status-lists/{list_id}"


def entry(base_url: str, certificate) -> dict | None:
    """The ``BitstringStatusListEntry`` of a certificate (its ``credentialStatus``)."""
    if certificate.status_list is None or certificate.status_index is None:
        return None
    url = list_url(base_url, certificate.status_list)
    return {"id": f"{url}#{certificate.status_index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(certificate.status_index),
            "statusListCredential": url}


#: How long a signed list stays valid (``validUntil``), and the re-fetch hint (``ttl``, ms): a
#: replayed old list (from before a revocation) is refused once it expires.
VALID_SECONDS = 24 * 3600
TTL_MS = 300_000
#: VC-JOSE-COSE media type of the signed form (a JWS whose payload is the credential).
VC_JWT = "application/vc+jwt"


def sign(credential_: dict, key) -> str:
    """The credential secured as W3C VC-JOSE-COSE ``application/vc+jwt``: a compact JWS (ES256,
    ``kid`` of the published key set, ``typ`` ``vc+jwt``, ``cty`` ``vc``) whose payload is the
    credential's JSON. ``key``: the QR signing key (qrkeys.load_signing_key)."""
    header = {"alg": "ES256", "kid": b64url(key.kid), "typ": "vc+jwt", "cty": "vc"}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(credential_, separators=(",", ":"), ensure_ascii=False).encode()))
    r, s_ = decode_dss_signature(key.private_key.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64url(r.to_bytes(32, "big") + s_.to_bytes(32, "big"))


def credential(session, base_url: str, list_id: str) -> dict | None:
    """The ``BitstringStatusListCredential`` of a district; None when no certificate uses that list."""
    rows = session.execute(select(Certificate.status_index, Certificate.status).where(
        Certificate.status_list == list_id, Certificate.status_index.is_not(None))).all()
    if not rows:
        return None
    revoked = [index for index, status in rows if status == "REVOKED"]
    size = max(index for index, _ in rows) + 1
    url = list_url(base_url, list_id)
    now = clock.now()
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": base_url.rstrip("/"),
        "validFrom": clock.iso(now),
        "validUntil": clock.iso(now + timedelta(seconds=VALID_SECONDS)),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
                              "encodedList": encode(bitstring(revoked, size)), "ttl": TTL_MS},
    }
