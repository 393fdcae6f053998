"""Verify a certificate PDF's signature with pyHanko (never poppler's pdfsig: it calls a PDF with an
appended incremental update "valid" — CERT-NOTES). The signature must be intact, chain to the given
trust root, and cover the whole file with no modification after it.
"""
import io

from asn1crypto import pem, x509 as asn1_x509

from . import loopsafe


def _load_roots(trust_root) -> list:
    items = trust_root if isinstance(trust_root, (list, tuple)) else [trust_root]
    roots = []
    for item in items:
        if isinstance(item, asn1_x509.Certificate):
            roots.append(item)
            continue
        data = item.encode() if isinstance(item, str) else bytes(item)
        if pem.detect(data):
            for _, _, der in pem.unarmor(data, multiple=True):
                roots.append(asn1_x509.Certificate.load(der))
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return roots


def verify_pdf(pdf_bytes: bytes, trust_root) -> dict:
    """Check the one PAdES signature of a certificate PDF.

    :param pdf_bytes: the PDF as downloaded or uploaded.
    :param trust_root: PEM/DER bytes (or a list, or asn1crypto certificates) of the trust anchors.
    :returns: ``{"valid", "signature_valid", "intact", "trusted", "signed_by", "signed_at",
        "covers_whole_file", "coverage", "modification_level", "signature_count", "error"}``;
        ``valid`` is the bottom line: all the checks hold.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    result = {"valid": False, "signature_valid": False, "intact": False, "trusted": False,
              "signed_by": None, "signed_at": None, "covers_whole_file": False, "coverage": None,
              "modification_level": None, "signature_count": 0, "error": None}
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        sigs = reader.embedded_signatures
        result["signature_count"] = len(sigs)
        if len(sigs) != 1:
            result["error"] = f"expected one signature, found {len(sigs)}"
            return result
        context = ValidationContext(trust_roots=_load_roots(trust_root), allow_fetching=False,
                                    revocation_mode="soft-fail")
        status = loopsafe.call(validate_pdf_signature, sigs[0], context)
    except Exception as exc:  # noqa: BLE001
        # Any parse failure of a tampered file is a verdict, not a crash.
        result["error"] = f"{type(exc).__name__}: {exc}"
        return result
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    coverage = status.coverage
    modification = status.modification_level
    result.update(
        intact=bool(status.intact),
        trusted=bool(status.trusted),
        signature_valid=bool(status.intact and status.valid),
        signed_by=status.signing_cert.subject.native.get("common_name"),
        signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else None,
        coverage=coverage.name if coverage is not None else None,
        covers_whole_file=coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=modification.name if modification is not None else None,
    )
    result["valid"] = bool(result["signature_valid"] and result["trusted"]
                           and result["covers_whole_file"]
                           and modification in (None, ModificationLevel.NONE))
    return result
