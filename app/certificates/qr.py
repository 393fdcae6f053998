"""The QR symbol: text (the signed verify URL, qrpayload.py) drawn as inline vector SVG.

Error correction M; the version is a setting (``PRAVAH_QR_VERSION``, default ``auto`` = the smallest
that fits; docs/qr-version.md explains why auto and not 40). The mask is fixed: segno's search
for the best of the 8 masks costs ~20 ms of pure Python for a ~330-character URL, the fixed mask
~6 ms, and the symbol still reads at 3 cm (docs/qr-version.md, measured with the fixed mask).
"""
import logging
import os
import re
from functools import lru_cache

import segno

from . import qrfast

#: Printed size of the symbol itself (without the quiet zone), SoP: 3 cm × 3 cm.
SYMBOL_MM = 30.0
QUIET_ZONE_MODULES = 4
#: Mask pattern 0 ((row + column) mod 2); any of the 8 is valid for every reader.
FIXED_MASK = 0
log = logging.getLogger(__name__)
_RUN = re.compile(rb"\x00+|\x01+")


@lru_cache(maxsize=1)
def _run_tokens() -> dict:
    """Path command per run of modules: ``m<n> 0`` for n light ones, ``h<n>`` for n dark ones."""
    return {**{b"\x00" * n: f"m{n} 0" for n in range(1, 178)}, **{b"\x01" * n: f"h{n}" for n in range(1, 178)}}


def qr_version_setting(settings=None) -> int | None:
    """``None`` for auto, else 1–40, from ``settings['QR_VERSION']`` or ``PRAVAH_QR_VERSION``."""
    raw = (settings or {}).get("QR_VERSION") or os.environ.get("PRAVAH_QR_VERSION") or "auto"
    raw = str(raw).strip().lower()
    if raw in ("", "auto"):
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 40:
        raise ValueError(f"PRAVAH_QR_VERSION (QR_VERSION) must be auto or a whole number 1..40, not {raw!r}")
    return int(raw)


#: The smallest version that holds a typical signed verify URL at EC M (~330 characters,
#: docs/qr-version.md); a long name or office needs up to 15.
SIGNED_URL_VERSION = 13


def check_version_setting(settings=None) -> int | None:
    """Startup check of the setting: refuses a malformed one (ValueError); logs a warning for a
    version below :data:`SIGNED_URL_VERSION`, which :func:`qr_svg_at_least` will raise per certificate."""
    version = qr_version_setting(settings)
    if version is not None and version < SIGNED_URL_VERSION:
        log.warning("PRAVAH_QR_VERSION=%d cannot hold the signed verify URL (it needs version %d or more): "
                    "each certificate's QR will use the smallest version that fits instead "
                    "(docs/qr-version.md)", version, SIGNED_URL_VERSION)
    return version


def qr_svg_at_least(text: str, version: int | None, symbol_mm: float = SYMBOL_MM) -> str:
    """:func:`qr_svg` at ``version``, or — when ``text`` does not fit it — at the smallest version
    that fits, with a warning: a forced version is a floor, never a reason to refuse an approval."""
    try:
        return qr_svg(text, version, symbol_mm)
    except segno.DataOverflowError:
        if version is None:
            raise
        log.warning("QR_VERSION %d cannot hold this %d-character payload; drawn at the smallest version "
                    "that fits instead", version, len(text))
        return qr_svg(text, None, symbol_mm)


def _rows(text: str, version: int | None) -> list[bytes]:
    fast = qrfast.rows(text, version)  # the same modules as segno's, ~10x faster (qrfast.py)
    if fast is not None:
        return fast
    symbol = segno.make(text, error="m", version=version, mask=FIXED_MASK, micro=False, boost_error=False)
    # segno's matrix holds 1 for a dark module and 0 for a light one, without the quiet zone.
    return [bytes(row) for row in symbol.matrix]


def qr_matrix(text: str, version: int | None = None) -> list[list[bool]]:
    """Module matrix without the quiet zone; ``version=None`` picks the smallest that fits at EC M.

    :raises segno.DataOverflowError: the text does not fit the version asked for.
    """
    return [[bool(v) for v in row] for row in _rows(text, version)]


def qr_svg(text: str, version: int | None = None, symbol_mm: float = SYMBOL_MM) -> str:
    """Inline SVG: the symbol is ``symbol_mm`` wide, with a white 4-module quiet zone around it."""
    rows = _rows(text, version)
    n = len(rows)
    q = QUIET_ZONE_MODULES
    total = n + 2 * q
    size_mm = symbol_mm * total / n
    # One stroked line per run of dark modules: a short path (renderers parse it per certificate).
    # Each row starts with an absolute move; then a light run moves right, a dark run draws right
    # (tokens looked up per run: no per-module Python work).
    tokens = _run_tokens()
    runs = [f"M{q} {y + q + 0.5}" + "".join(map(tokens.__getitem__, _RUN.findall(row)))
            for y, row in enumerate(rows)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="qr" width="{size_mm:.2f}mm" '
            f'height="{size_mm:.2f}mm" viewBox="0 0 {total} {total}" shape-rendering="crispEdges">'
            f'<rect width="{total}" height="{total}" fill="#fff"/>'
            f'<path fill="none" stroke="#000" stroke-width="1" d="{"".join(runs)}"/></svg>')
