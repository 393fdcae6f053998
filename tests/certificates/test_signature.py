"""PAdES signature: accepted against the demo root; any change after signing is refused."""
import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from app.certificates import pki, signing
from app.certificates.verify import verify_pdf


def test_signed_certificate_validates_against_demo_root(income_pdf, trust_root):
    result = verify_pdf(income_pdf, trust_root)
    assert result["valid"], result
    assert result["signature_valid"] and result["trusted"] and result["intact"]
    assert result["covers_whole_file"] and result["modification_level"] == "NONE"
    assert result["signed_by"] == "Sukanta Mondal"  # the officer's own key won over the default


def test_one_flipped_byte_is_invalid(income_pdf, trust_root):
    tampered = bytearray(income_pdf)
    tampered[len(tampered) // 3] ^= 0x01
    result = verify_pdf(bytes(tampered), trust_root)
    assert not result["valid"] and not result["signature_valid"]


def test_incremental_update_after_signing_is_invalid(income_pdf, trust_root):
    writer = IncrementalPdfFileWriter(io.BytesIO(income_pdf))
    writer.document_meta.title = "Changed after signing"
    info = writer.root
    info["/PravahTampered"] = generic.BooleanObject(True)
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    result = verify_pdf(out.getvalue(), trust_root)
    assert result["intact"]  # the signed bytes themselves are untouched…
    assert not result["covers_whole_file"]  # …but they are no longer the whole file
    assert not result["valid"]


def test_appended_garbage_is_invalid(income_pdf, trust_root):
    assert not verify_pdf(income_pdf + b"\n%junk\n", trust_root)["valid"]


def test_other_root_is_not_trusted(income_pdf, tmp_path):
    other = pki.create_demo_ca(tmp_path / "other")
    result = verify_pdf(income_pdf, other["root"].read_bytes())
    assert result["intact"] and not result["trusted"] and not result["valid"]


def test_unsigned_pdf_is_invalid(trust_root):
    from app.certificates.render import TemplateSet
    unsigned = TemplateSet({"hello.typ": "hello"})
    try:
        result = verify_pdf(unsigned.render("hello.typ", {}, {}), trust_root)
    finally:
        unsigned.close()
    assert not result["valid"] and result["signature_count"] == 0


def test_signer_is_loaded_once(demo_keys):
    path = demo_keys / "signers" / "default.p12"
    first = signing.load_pkcs12_signer(path, pki.DEMO_PASSPHRASE)
    assert signing.load_pkcs12_signer(path, pki.DEMO_PASSPHRASE) is first


def test_visible_stamp_validates(income_pdf, demo_keys, trust_root):
    unsigned = _strip_signature_source(income_pdf)
    signer = signing.load_pkcs12_signer(demo_keys / "signers" / "default.p12", pki.DEMO_PASSPHRASE)
    out = signing.sign_pdf(unsigned, signer, signing.SigningOptions(visible=True))
    result = verify_pdf(out, trust_root)
    assert result["valid"], result
    assert result["signed_by"] == "Pravah Demo Signing Office"


def _strip_signature_source(pdf: bytes) -> bytes:
    """The unsigned original: the bytes before the signature's incremental update."""
    marker = pdf.rfind(b"%%EOF", 0, pdf.rfind(b"%%EOF"))
    return pdf[:marker + len(b"%%EOF")] + b"\n"
