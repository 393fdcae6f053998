"""The CMS ``SignedData`` of a PAdES B-B signature, assembled from a per-signer DER template.

pyHanko builds the signature container through asn1crypto objects for every document: it wraps the
signer's certificate chain in new ``CertificateChoices``, re-tags and re-encodes each certificate and
the whole structure (~40 % of the signing time here). Between two B-B signatures by one signer only
two parts change: the signed attributes (their message digest) and the signature value. Everything
else — content type, version, digest algorithms, encapsulated content info, the certificates, the
signer's issuer/serial, the algorithms — is the same bytes. :func:`template_from` cuts those bytes
out of a container pyHanko built; :func:`assemble` puts a new pair in with correct DER lengths.
A template is only used after it reproduced pyHanko's own output byte for byte (signing.py).
"""
from asn1crypto import cms

_SEQUENCE, _SET, _OCTET_STRING, _CONTEXT_0 = 0x30, 0x31, 0x04, 0xA0


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _tlv(tag: int, contents: bytes) -> bytes:
    return bytes((tag,)) + _length(len(contents)) + contents


def template_from(der: bytes):
    """``(content_type, signed_data_head, signer_info_head, signature_algorithm)`` DER pieces of a
    one-signer container without unsigned attributes or CRLs; None for any other shape."""
    info = cms.ContentInfo.load(der)
    if info["content_type"].native != "signed_data":
        return None
    data = info["content"]
    signer_infos = data["signer_infos"]
    if len(signer_infos) != 1 or data["crls"].dump():
        return None
    signer_info = signer_infos[0]
    if signer_info["unsigned_attrs"].dump():
        return None
    head = b"".join(data[name].dump() for name in
                    ("version", "digest_algorithms", "encap_content_info", "certificates"))
    signer_head = b"".join(signer_info[name].dump() for name in ("version", "sid", "digest_algorithm"))
    return info["content_type"].dump(), head, signer_head, signer_info["signature_algorithm"].dump()


def assemble(template, signed_attrs_der: bytes, signature: bytes) -> bytes:
    """The container DER with ``signed_attrs_der`` (a DER SET, stored as ``[0] IMPLICIT``) and
    ``signature``."""
    content_type, head, signer_head, signature_algorithm = template
    if signed_attrs_der[:1] != bytes((_SET,)):
        raise ValueError("signed attributes must be a DER SET")
    signer_info = _tlv(_SEQUENCE, signer_head + bytes((_CONTEXT_0,)) + signed_attrs_der[1:]
                       + signature_algorithm + _tlv(_OCTET_STRING, signature))
    signed_data = _tlv(_SEQUENCE, head + _tlv(_SET, signer_info))
    return _tlv(_SEQUENCE, content_type + _tlv(_CONTEXT_0, signed_data))
