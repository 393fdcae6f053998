"""The signing revision of an invisible PAdES B-B signature on a one-page Typst PDF, written directly.

pyHanko's ``PdfSigner`` parses the whole document (cross-reference table, page tree, form), builds
the new revision through its object model and writes it out: ~70 % of the signing time once the CMS
container comes from a template (:mod:`.cmsder`). A certificate fresh from Typst is always the same
shape — one revision with a classic cross-reference table, a catalog and one page as plain
dictionaries, no form, no annotations — so the revision pyHanko writes for it is known: the page
gains ``/Annots``, the catalog ``/AcroForm`` and pyHanko's extension declarations (ESIC for PAdES;
ISO 32002 with ``/Version /2.0`` for ECDSA on an ISO 32002 curve), then the form, the widget and
the signature dictionary, a cross-reference section and a trailer pointing back to the original.
:func:`sign` writes exactly that, or returns None for any document of another shape (pyHanko then
signs it). ``tests/certificates/test_fast_signing.py`` compares both revisions key for key.
"""
import hashlib
import os
import re
from datetime import datetime, timezone

from pyhanko.sign.signers.constants import ISO32002_CURVE_NAMES

from . import loopsafe

_TAIL = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_SUBSECTION = re.compile(rb"xref\s+0 (\d+)\s*\n")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_REF = rb"\s*(\d+) 0 R"
_FORBIDDEN_IN_CATALOG = (b"/AcroForm", b"/Extensions", b"/Version", b"/Perms")
_BYTE_RANGE_PLACEHOLDER = b"[0 0000000000 0000000000 0000000000]"
_ESIC = b"/ESIC<</Type/DeveloperExtensions/BaseVersion/1.7/ExtensionLevel 1>>"
_ISO32002 = (b"/ISO_[<</Type/DeveloperExtensions/BaseVersion/2.0/ExtensionLevel 32002"
             b"/URL(https://www.iso.org/standard/45875.html)/ExtensionRevision(:2022)>>]")


def _pdf_text(text: str) -> bytes:
    """A PDF text string: literal when ASCII, else UTF-16BE with a byte-order mark, in hex."""
    if text.isascii():
        return b"(" + text.encode().replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


class _Document:
    """The objects of a one-revision PDF that the signing revision touches (None if not that)."""

    def __init__(self, pdf: bytes):
        self.pdf = pdf
        tail = _TAIL.search(pdf, max(0, len(pdf) - 64))
        if tail is None:
            raise ValueError("no startxref")
        self.startxref = int(tail.group(1))
        section = _SUBSECTION.match(pdf, self.startxref)
        if section is None:
            raise ValueError("not a classic cross-reference table")
        self.entries_at, count = section.end(), int(section.group(1))
        trailer = _TRAILER.match(pdf, self.entries_at + 20 * count)
        if trailer is None:
            raise ValueError("not a single table with a trailer")
        keys = trailer.group(1)
        if any(k in keys for k in (b"/Prev", b"/Encrypt", b"/XRefStm")):
            raise ValueError("not a single unencrypted revision")
        self.size = int(_search(rb"/Size\s+(\d+)", keys))
        if self.size != count:
            raise ValueError("the table does not cover every object")
        self.root, self.info = int(_search(rb"/Root" + _REF, keys)), int(_search(rb"/Info" + _REF, keys))
        self.first_id = _search(rb"/ID\s*\[\s*(\(.*?\)|<[0-9A-Fa-f]*>)", keys)
        catalog = self.dictionary(self.root)
        if any(k in catalog for k in _FORBIDDEN_IN_CATALOG):
            raise ValueError("the catalog already has a form or extensions")
        pages = self.dictionary(int(_search(rb"/Pages" + _REF, catalog)))
        if not re.search(rb"/Count\s+1\b", pages):
            raise ValueError("not a one-page document")
        self.page = int(_search(rb"/Kids\s*\[" + _REF + rb"\s*\]", pages))
        if b"/Annots" in self.dictionary(self.page):
            raise ValueError("the page has annotations")

    def dictionary(self, number: int) -> bytes:
        """The object's dictionary as written (``<<`` … ``>>``)."""
        entry = self.pdf[self.entries_at + 20 * number:self.entries_at + 20 * number + 20]
        if len(entry) != 20 or entry[17:18] != b"n" or entry[11:16] != b"00000":
            raise ValueError(f"object {number} is not in use")
        start = int(entry[:10])
        header = f"{number} 0 obj".encode()
        if not self.pdf.startswith(header, start):
            raise ValueError(f"object {number} is not where the table says")
        end = self.pdf.index(b"endobj", start)
        body = self.pdf[start + len(header):end].strip()
        if not (body.startswith(b"<<") and body.endswith(b">>")) or b"stream" in body:
            raise ValueError(f"object {number} is not a plain dictionary")
        return body


def _search(pattern: bytes, data: bytes) -> bytes:
    match = re.search(pattern, data, re.S)
    if match is None:
        raise ValueError(f"missing {pattern!r}")
    return match.group(1)


def _extensions(signer) -> tuple[bytes, bytes]:
    """pyHanko's declarations for a PAdES signature by ``signer``: (catalog extensions, version)."""
    key = signer.signing_cert.public_key
    if key.algorithm == "ec" and key.curve[0] == "named" and key.curve[1] in ISO32002_CURVE_NAMES:
        return b"/Extensions<<" + _ESIC + _ISO32002 + b">>", b"/Version/2.0"
    if key.algorithm == "rsa":
        return b"/Extensions<<" + _ESIC + b">>", b""
    raise ValueError("only RSA and ECDSA keys take the direct path")


def sign(pdf: bytes, signer, options, bytes_reserved: int, now: datetime | None = None) -> bytes | None:
    """``pdf`` with an invisible PAdES B-B signature by ``signer``, or None when ``pdf`` is not a
    one-revision, one-page document without form and annotations (pyHanko signs those).

    :param bytes_reserved: hex digits kept for the CMS container, as pyHanko counts them.
    """
    try:
        doc = _Document(pdf)
        extensions, version = _extensions(signer)
    except (ValueError, KeyError, TypeError):
        return None
    form, widget, signature = doc.size, doc.size + 1, doc.size + 2
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    objects = {
        doc.page: doc.dictionary(doc.page)[:-2] + f"/Annots[{widget} 0 R]>>".encode(),
        doc.root: doc.dictionary(doc.root)[:-2] + f"/AcroForm {form} 0 R".encode() + extensions + version + b">>",
        form: f"<</Fields[{widget} 0 R]/SigFlags 3>>".encode(),
        widget: (f"<</FT/Sig/T".encode() + _pdf_text(options.field_name)
                 + f"/Type/Annot/Subtype/Widget/F 132/Rect[0 0 0 0]/P {doc.page} 0 R/V {signature} 0 R>>".encode()),
        signature: (b"<</Contents<" + b"0" * bytes_reserved + b">/ByteRange" + _BYTE_RANGE_PLACEHOLDER
                    + b"/Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/M"
                    + _pdf_text(now.strftime("D:%Y%m%d%H%M%SZ")) + b"/Location" + _pdf_text(options.location)
                    + b"/Reason" + _pdf_text(options.reason) + b">>"),
    }
    out = bytearray(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 1\n0000000000 65535 f\r\n"
    for number in sorted(offsets):
        out += f"{number} 1\n{offsets[number]:010d} 00000 n\r\n".encode()
    out += (f"trailer\n<</Size {doc.size + 3}/Root {doc.root} 0 R/Info {doc.info} 0 R/ID[".encode()
            + doc.first_id + b"<" + os.urandom(16).hex().encode() + f">]/Prev {doc.startxref}>>\n".encode()
            + f"startxref\n{xref_at}\n%%EOF\n".encode())
    contents_at = out.index(b"/Contents<", offsets[signature]) + len(b"/Contents")
    contents_end = contents_at + bytes_reserved + 2
    byte_range = f"[0 {contents_at} {contents_end} {len(out) - contents_end}]".encode()
    at = out.index(_BYTE_RANGE_PLACEHOLDER, contents_end)
    out[at:at + len(_BYTE_RANGE_PLACEHOLDER)] = byte_range.ljust(len(_BYTE_RANGE_PLACEHOLDER))
    digest = hashlib.sha256(memoryview(out)[:contents_at])
    digest.update(memoryview(out)[contents_end:])
    container = loopsafe.run(lambda: signer.async_sign(digest.digest(), "sha256", use_pades=True)).dump()
    if 2 * len(container) > bytes_reserved:
        raise ValueError("the signature does not fit the space reserved for it")
    hex_der = container.hex().upper().encode()
    out[contents_at + 1:contents_at + 1 + len(hex_der)] = hex_der
    return bytes(out)
