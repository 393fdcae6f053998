"""The directly written signing revision (app/certificates/fastsign.py) is the one pyHanko writes:
same objects, same keys and values (bar the signature, its time and byte range), validates, and
anything of another shape is left to pyHanko."""
import io

import pytest
import typst
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader

from app.certificates import fastsign, pki, signing
from app.certificates.signing import SigningOptions
from app.certificates.verify import verify_pdf
from tests.certificates.test_signature import _strip_signature_source

VOLATILE = {"/Contents", "/ByteRange", "/M"}  # of the signature dictionary only


def _plain(obj, page, depth=0):
    """A comparable Python value: references resolved (the page itself as "PAGE")."""
    if isinstance(obj, generic.IndirectObject):
        if obj.idnum == page:
            return "PAGE"
        obj = obj.get_object()
    if depth > 8:
        return "…"
    if isinstance(obj, generic.DictionaryObject):
        is_sig = obj.get("/Type") == "/Sig"
        return {k: _plain(v, page, depth + 1) for k, v in obj.items() if not (is_sig and k in VOLATILE)}
    if isinstance(obj, generic.ArrayObject):
        return [_plain(v, page, depth + 1) for v in obj]
    if isinstance(obj, generic.StreamObject):
        return ("stream", obj.data)
    return obj


def _last_revision(pdf: bytes) -> dict:
    reader = PdfFileReader(io.BytesIO(pdf))
    page = reader.root["/Pages"]["/Kids"].raw_get(0).idnum
    # /Size is left out: pyHanko leaves one object number unused (its /Size is one more)
    trailer = {k: _plain(reader.trailer.raw_get(k), page) for k in ("/Root", "/Info", "/Prev")}
    return {"trailer": trailer, "page": _plain(reader.root["/Pages"]["/Kids"][0], -1),
            "root": _plain(reader.root, page), "version": reader.input_version,
            "signer_attrs": [a["type"].native for a in reader.embedded_signatures[0].signer_info["signed_attrs"]]}


@pytest.mark.parametrize("key_type", ["ec", "rsa"])
def test_direct_revision_is_the_one_pyhanko_writes(key_type, income_pdf, tmp_path):
    keys = tmp_path / "keys"
    pki.create_demo_ca(keys)
    signer = signing.load_pkcs12_signer(pki.issue_signer(keys, "office-f", "Office F", key_type=key_type),
                                        pki.DEMO_PASSPHRASE)
    unsigned = _strip_signature_source(income_pdf)
    options = SigningOptions(reason="শংসাপত্র PRD0012026000042 (issued)", location="Domkal, West Bengal")
    direct = signing.sign_pdf(unsigned, signer, options)
    by_pyhanko = signing.sign_pdf(unsigned, signer, options, direct=False)
    assert fastsign.sign(unsigned, signer, options, signing.BYTES_RESERVED) is not None  # not a fallback
    assert _last_revision(direct) == _last_revision(by_pyhanko)
    assert len(direct) == pytest.approx(len(by_pyhanko), abs=2000)
    size = PdfFileReader(io.BytesIO(unsigned)).trailer["/Size"]
    assert PdfFileReader(io.BytesIO(direct)).trailer["/Size"] == size + 3
    for pdf in (direct, by_pyhanko):
        result = verify_pdf(pdf, pki.trust_root_pem(keys))
        assert result["valid"] and result["coverage"] == "ENTIRE_FILE", result
    sig = PdfFileReader(io.BytesIO(direct)).embedded_signatures[0]
    assert sig.sig_object["/Reason"] == options.reason and sig.field_name == "PravahSignature"


def test_income_certificate_is_signed_directly(income_pdf, trust_root):
    tail = income_pdf[len(_strip_signature_source(income_pdf)):]
    assert b"/ByteRange[0 " in tail  # pyHanko writes "/ByteRange [0 ": the direct path signed this one
    assert verify_pdf(income_pdf, trust_root)["valid"]


def test_two_certificates_in_a_row_each_sign_their_own_bytes(income_pdf, demo_keys, trust_root):
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    unsigned = _strip_signature_source(income_pdf)
    first = signing.sign_pdf(unsigned, signer)
    second = signing.sign_pdf(unsigned.replace(b"Sukanta", b"Sukanto"), signer)
    digests = []
    for pdf in (first, second):
        assert verify_pdf(pdf, trust_root)["valid"]
        attrs = PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0].signer_info["signed_attrs"]
        digests.append(next(a["values"][0].native for a in attrs if a["type"].native == "message_digest"))
    assert digests[0] != digests[1]


def _typst_pdf(source: str) -> bytes:
    return typst.Compiler().compile(input=source.encode(), pdf_standards="a-2b")


@pytest.mark.parametrize("source", [
    "#set page(width: 5cm, height: 5cm)\nOne\n#pagebreak()\nTwo",  # two pages
    '#set page(width: 5cm, height: 5cm)\n#link("https://example.org")[a link]',  # page annotations
])
def test_other_shapes_are_left_to_pyhanko(source, demo_keys, trust_root):
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    pdf = _typst_pdf(source)
    assert fastsign.sign(pdf, signer, SigningOptions(), signing.BYTES_RESERVED) is None
    assert verify_pdf(signing.sign_pdf(pdf, signer), trust_root)["valid"]


def test_a_signed_document_is_left_to_pyhanko(income_pdf, demo_keys):
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    assert fastsign.sign(income_pdf, signer, SigningOptions(field_name="Second"), signing.BYTES_RESERVED) is None


def test_pdf_text_strings():
    assert fastsign._pdf_text("a (b) \\ c") == b"(a \\(b\\) \\\\ c)"
    assert fastsign._pdf_text("ক") == b"<FEFF0995>"
