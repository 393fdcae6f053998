"""A QR Code (model 2, EC level M, mask 0, byte mode) encoded with precomputed per-version tables.

``segno`` spends ~5 ms of pure Python per certificate QR (codeword placement, Reed–Solomon, masking
module by module). For the one shape certificates use — an ASCII URL in byte mode at EC M with the
fixed mask 0 — everything but the data is the same for a given version: the function patterns,
format and version information, where each data bit goes and the mask over it. :func:`rows`
computes those once per version (from segno's own tables and placement routine), then per symbol
only encodes the bytes, computes the error correction with a table-driven Reed–Solomon over whole
integers, and gathers the matrix in one C-level pass. ``tests/certificates/test_qr_fast.py``
checks it module for module against ``segno.make(..., mask=0)`` for every version and many texts;
anything else (non-ASCII, numeric/alphanumeric-only text) returns None and segno draws it.
"""
from functools import lru_cache
from operator import itemgetter

import segno
from segno import consts, encoder

_ERROR = consts.ERROR_LEVEL_M
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
_BITS = bytes.maketrans(b"01", b"\x00\x01")
#: Remainder bits after the codewords (ISO/IEC 18004 table 1), by version.
_REMAINDER = {**{v: 7 for v in range(2, 7)}, **{v: 3 for v in (*range(14, 21), *range(28, 35))},
              **{v: 4 for v in range(21, 28)}}


def _payload_bits(version: int, length: int) -> int:
    """Byte-mode segment size: mode (4) + character count (8 bits up to v9, else 16) + data."""
    return 4 + (8 if version < 10 else 16) + 8 * length


def smallest_version(length: int) -> int | None:
    """The smallest version holding ``length`` bytes at EC M in byte mode (None: none does)."""
    return next((v for v in range(1, 41)
                 if consts.SYMBOL_CAPACITY[v][_ERROR] >= _payload_bits(v, length)), None)


def fits(version: int, length: int) -> bool:
    return consts.SYMBOL_CAPACITY[version][_ERROR] >= _payload_bits(version, length)


@lru_cache(maxsize=64)
def _rs_table(num_ec: int) -> tuple:
    """For each leading coefficient c: c·g(x) as one integer (the generator's num_ec low terms)."""
    gen, exp, log = consts.GEN_POLY[num_ec], consts.GALIOS_EXP, consts.GALIOS_LOG
    table = [0]
    for c in range(1, 256):
        table.append(int.from_bytes(bytes(exp[log[c] + g] for g in gen), "big"))
    return tuple(table)


def _ec_codewords(block: bytes, num_ec: int) -> bytes:
    table, top, mask = _rs_table(num_ec), 8 * (num_ec - 1), (1 << 8 * num_ec) - 1
    rem = 0
    for byte in block:
        rem = ((rem << 8) & mask) ^ table[byte ^ (rem >> top)]
    return rem.to_bytes(num_ec, "big")


@lru_cache(maxsize=41)
def _plan(version: int):
    """``(width, gather, mask_int, n_bits)``: ``gather[p]`` is, for module p (row-major), the
    index of its data bit, or ``n_bits + p`` for a function-pattern module (value from the
    reference symbol)."""
    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    cells = [list(row) for row in matrix]
    free = sum(row.count(0x2) for row in cells)
    encoder.add_codewords(cells, [("bit", k) for k in range(free)], version)
    # Any symbol of this version with mask 0 carries the same function patterns and format/version
    # information: take them from one segno made.
    reference = segno.make("0" * 1, error="m", version=version, mask=0, micro=False, boost_error=False)
    gather, mask_bits = [0] * (width * width), bytearray(free)
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            p = i * width + j
            if isinstance(cell, tuple):
                k = cell[1]
                gather[p] = k
                mask_bits[k] = 1 if (i + j) % 2 == 0 else 0
            else:
                gather[p] = free + p
    static = bytes(v for row in reference.matrix for v in row)
    return width, itemgetter(*gather), int.from_bytes(bytes(mask_bits), "big"), free, static


def _codewords(data: bytes, version: int) -> bytes:
    capacity = consts.SYMBOL_CAPACITY[version][_ERROR]
    bits = "0100" + format(len(data), "08b" if version < 10 else "016b")
    bits += format(int.from_bytes(data, "big"), f"0{8 * len(data)}b") if data else ""
    bits += "0" * min(4, capacity - len(bits))
    bits += "0" * (8 - len(bits) % 8)  # as segno does: a whole zero byte when already aligned
    body = int(bits, 2).to_bytes(len(bits) // 8, "big")[:capacity // 8]
    pad = capacity // 8 - len(body)
    body += (b"\xec\x11" * (pad // 2 + 1))[:pad]
    blocks, ec_blocks, at = [], [], 0
    for info in consts.ECC[version][_ERROR]:
        for _ in range(info.num_blocks):
            block = body[at:at + info.num_data]
            at += info.num_data
            blocks.append(block)
            ec_blocks.append(_ec_codewords(block, info.num_total - info.num_data))
    out = bytearray()
    for group in (blocks, ec_blocks):
        for k in range(max(len(b) for b in group)):
            out.extend(b[k] for b in group if k < len(b))
    return bytes(out)


def rows(text: str, version: int | None = None) -> list[bytes] | None:
    """Module rows (1 dark, 0 light; no quiet zone) exactly as ``segno.make(text, error="m",
    version=version, mask=0, micro=False, boost_error=False)`` draws them, or None when segno
    would not use byte mode for ``text`` (then call segno).

    :raises segno.DataOverflowError: ``text`` does not fit ``version`` (or any version).
    """
    if not text.isascii() or all(c in _ALNUM for c in text):
        return None
    data = text.encode("ascii")
    if version is None:
        version = smallest_version(len(data))
    if version is None or not fits(version, len(data)):
        raise segno.DataOverflowError(f"{len(data)} bytes do not fit a version {version or 40} QR code at EC M")
    width, gather, mask_int, n_bits, static = _plan(version)
    codewords = _codewords(data, version)
    bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b") + "0" * _REMAINDER.get(version, 0)
    masked = (int.from_bytes(bits.encode().translate(_BITS), "big") ^ mask_int).to_bytes(n_bits, "big")
    flat = bytes(gather(masked + static))
    return [flat[i * width:(i + 1) * width] for i in range(width)]
