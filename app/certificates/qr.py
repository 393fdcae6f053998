"""The certificate's QR code: a pipe-separated payload drawn as inline vector SVG.

SoP §3.0.7 asks for at least UIN, citizen name, service name & code, department name, date and time
of issue; we add the verify URL. Error correction M; the version is a setting (``PRAVAH_QR_VERSION``,
default ``auto`` = the smallest that fits). docs/qr-version.md explains why auto and not 40.
The SVG is inline (never a cached image: WeasyPrint's image cache grows with unique images).
"""
import os
from dataclasses import dataclass
from datetime import datetime

import qrcode
from qrcode.constants import ERROR_CORRECT_M

from .timefmt import ist_iso

#: Printed size of the symbol itself (without the quiet zone), SoP: 3 cm × 3 cm.
SYMBOL_MM = 30.0
QUIET_ZONE_MODULES = 4


@dataclass(frozen=True)
class QrPayload:
    uin: str
    name: str
    service_name: str
    service_code: str
    department: str
    issued_at: datetime
    verify_url: str

    def encode(self) -> str:
        """``UIN:…|NAME:…|SVC:<name> (<code>)|DEPT:…|ISSUED:<IST ISO-8601>|VERIFY:<url>``."""
        fields = (("UIN", self.uin), ("NAME", self.name),
                  ("SVC", f"{self.service_name} ({self.service_code})"),
                  ("DEPT", self.department), ("ISSUED", ist_iso(self.issued_at)),
                  ("VERIFY", self.verify_url))
        return "|".join(f"{key}:{_clean(value)}" for key, value in fields)


def decode_payload(text: str) -> dict:
    """Inverse of :meth:`QrPayload.encode` (for the verifier and the tests)."""
    return dict(part.split(":", 1) for part in text.split("|"))


def qr_version_setting(settings=None) -> int | None:
    """``None`` for auto, else 1–40, from ``settings['QR_VERSION']`` or ``PRAVAH_QR_VERSION``."""
    raw = (settings or {}).get("QR_VERSION") or os.environ.get("PRAVAH_QR_VERSION") or "auto"
    raw = str(raw).strip().lower()
    if raw in ("", "auto"):
        return None
    version = int(raw)
    if not 1 <= version <= 40:
        raise ValueError(f"PRAVAH_QR_VERSION must be auto or 1..40, not {raw}")
    return version


def qr_matrix(text: str, version: int | None = None) -> list[list[bool]]:
    """Module matrix without the quiet zone; ``version=None`` lets qrcode pick the smallest."""
    qr = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(text.encode("utf-8"))
    qr.make(fit=version is None)
    return qr.get_matrix()


def qr_svg(text: str, version: int | None = None, symbol_mm: float = SYMBOL_MM) -> str:
    """Inline SVG: the symbol is ``symbol_mm`` wide, with a white 4-module quiet zone around it."""
    matrix = qr_matrix(text, version)
    n = len(matrix)
    q = QUIET_ZONE_MODULES
    total = n + 2 * q
    size_mm = symbol_mm * total / n
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < n:
            if row[x]:
                start = x
                while x < n and row[x]:
                    x += 1
                # One stroked line per dark run: half the path commands of filled boxes
                # (WeasyPrint parses SVG paths in Python, so fewer commands is faster).
                runs.append(f"M{start + q} {y + q + 0.5}h{x - start}")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="{size_mm:.2f}mm" '
            f'height="{size_mm:.2f}mm" viewBox="0 0 {total} {total}" shape-rendering="crispEdges">'
            f'<rect width="{total}" height="{total}" fill="#fff"/>'
            f'<path fill="none" stroke="#000" stroke-width="1" d="{"".join(runs)}"/></svg>')


def _clean(value) -> str:
    return str(value).replace("|", "/").replace("\n", " ").strip()
