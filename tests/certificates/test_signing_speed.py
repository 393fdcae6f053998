"""The signing shortcuts (docs/certificates.md "Speed") change nothing a verifier sees."""
import io

import pypdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from app.certificates import pki, signing
from app.certificates.verify import verify_pdf
from tests.certificates.test_signature import _strip_signature_source


def _signer_info(pdf: bytes):
    sig = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0]
    return sig.signer_info


def _attrs(signer_info) -> dict:
    return {a["type"].native: a["values"].dump() for a in signer_info["signed_attrs"]}


def test_templated_attributes_differ_only_in_the_digest_and_validate(income_pdf, demo_keys, trust_root):
    unsigned = _strip_signature_source(income_pdf)
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    first = signing.sign_pdf(unsigned, signer)
    second = signing.sign_pdf(unsigned + b"% another document\n", signer)
    a, b = _attrs(_signer_info(first)), _attrs(_signer_info(second))
    assert set(a) == {"content_type", "message_digest", "signing_certificate_v2"}
    assert a["message_digest"] != b["message_digest"]
    assert a["content_type"] == b["content_type"] and a["signing_certificate_v2"] == b["signing_certificate_v2"]
    for pdf in (first, second):
        result = verify_pdf(pdf, trust_root)
        assert result["valid"], result


def test_a_template_is_refused_when_anything_but_the_digest_varies():
    digest = bytes(range(32))
    other = bytes(b ^ 0x5A for b in digest)
    der = b"\x31\x05head" + digest + b"tail"
    assert signing._attr_template(digest, der, b"\x31\x05head" + other + b"tail") == (b"\x31\x05head", b"tail")
    assert signing._attr_template(digest, der, b"\x31\x05HEAD" + other + b"tail") is False  # e.g. a time
    assert signing._attr_template(digest, der + digest, b"") is False  # ambiguous position


def test_signing_leaves_pdfa_metadata_consistent(income_pdf):
    unsigned = pypdf.PdfReader(io.BytesIO(_strip_signature_source(income_pdf)))
    signed = pypdf.PdfReader(io.BytesIO(income_pdf))

    def meta(reader):
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        return xmp, reader.trailer["/Info"].get_object().get("/ModDate")
    assert meta(signed) == meta(unsigned)  # Info and XMP untouched, so they still agree
    xmp = meta(signed)[0].decode()
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp


@pytest.mark.parametrize("key_type", ["ec", "rsa"])
def test_both_demo_key_types_sign_and_validate(key_type, income_pdf, tmp_path):
    keys = tmp_path / "keys"
    pki.create_demo_ca(keys)
    path = pki.issue_signer(keys, "office-x", "Office X", key_type=key_type)
    signer = signing.load_pkcs12_signer(path, pki.DEMO_PASSPHRASE)
    assert signer.signing_cert.public_key.algorithm == key_type
    result = verify_pdf(signing.sign_pdf(_strip_signature_source(income_pdf), signer), pki.trust_root_pem(keys))
    assert result["valid"], result


def test_unknown_key_type_is_refused(tmp_path):
    pki.create_demo_ca(tmp_path)
    with pytest.raises(ValueError, match="key_type"):
        pki.issue_signer(tmp_path, "x", "X", key_type="dsa")


def test_demo_keys_are_ecdsa_p256(demo_keys):
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    assert signer.signing_cert.public_key.algorithm == "ec"
    assert signer.signing_cert.public_key.curve == ("named", "secp256r1")
