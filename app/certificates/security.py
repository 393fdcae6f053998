"""Hologram-like security layers for a PDF certificate (a real hologram is foil; SoP §3.0.6).

- a guilloche rosette and border, static: generated once into ``certificate_templates/assets/``
  and cached by the renderer, so it costs nothing per certificate;
- a faint emblem watermark, static as well (a generic wheel: the State emblem needs permission);
- micro-text (HTML, 1 pt) repeating the UIN — cheap, unlike SVG text (CERT-NOTES);
- a seal derived from the UIN (petal radii and hue from its sha256), which a verifier recomputes
  with :func:`seal_svg` and compares by eye with the printed one.
"""
import hashlib
import math
from pathlib import Path

ASSET_NAMES = ("guilloche.svg", "emblem.svg")


def _poly(points) -> str:
    return "M" + "L".join(f"{x:.2f} {y:.2f}" for x, y in points) + "Z"


def guilloche_svg(width_mm: float = 210, height_mm: float = 297) -> str:
    """An A4 background: hypotrochoid rosette in the centre plus a wave border band."""
    cx, cy = width_mm / 2, height_mm / 2
    paths = []
    for k in range(6):
        # (big - small) / small is a whole number, so each curve closes after one turn.
        big, small, d = 62.0, 62.0 / (7 + k % 3), 18 + 3 * k
        pts = []
        for i in range(721):
            t = i / 720 * 2 * math.pi + k * math.pi / 18
            x = (big - small) * math.cos(t) + d * math.cos((big - small) / small * t)
            y = (big - small) * math.sin(t) - d * math.sin((big - small) / small * t)
            pts.append((cx + x * 0.9, cy + y * 0.9))
        paths.append(_poly(pts))
    border = []
    for inset, phase in ((6, 0.0), (7.5, math.pi), (9, math.pi / 2)):
        pts = []
        perimeter_steps = 900
        for i in range(perimeter_steps + 1):
            s = i / perimeter_steps
            x, y = _rect_point(s, inset, width_mm, height_mm)
            wob = 1.1 * math.sin(s * 2 * math.pi * 90 + phase)
            nx, ny = _rect_normal(s, width_mm, height_mm)
            pts.append((x + nx * wob, y + ny * wob))
        border.append(_poly(pts))
    body = "".join(f'<path d="{d}"/>' for d in paths)
    edge = "".join(f'<path d="{d}"/>' for d in border)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" height="{height_mm}mm" '
            f'viewBox="0 0 {width_mm} {height_mm}">'
            f'<g fill="none" stroke="#9fc3b8" stroke-width="0.12" opacity="0.55">{body}</g>'
            f'<g fill="none" stroke="#7fa6c9" stroke-width="0.15" opacity="0.8">{edge}</g></svg>')


def _rect_point(s, inset, w, h):
    iw, ih = w - 2 * inset, h - 2 * inset
    d = s * 2 * (iw + ih)
    if d <= iw:
        return inset + d, inset
    d -= iw
    if d <= ih:
        return w - inset, inset + d
    d -= ih
    if d <= iw:
        return w - inset - d, h - inset
    return inset, h - inset - (d - iw)


def _rect_normal(s, w, h):
    per = 2 * (w + h)
    d = s * per
    if d <= w:
        return 0, -1
    if d <= w + h:
        return 1, 0
    if d <= 2 * w + h:
        return 0, 1
    return -1, 0


def emblem_svg() -> str:
    """A faint 24-spoke wheel with rings, used as the watermark."""
    spokes = "".join(
        f'<line x1="50" y1="50" x2="{50 + 38 * math.cos(a):.2f}" y2="{50 + 38 * math.sin(a):.2f}"/>'
        for a in (2 * math.pi * i / 24 for i in range(24)))
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="100mm" viewBox="0 0 100 100">'
            '<g fill="none" stroke="#b8c4d6" stroke-width="0.6" opacity="0.35">'
            '<circle cx="50" cy="50" r="46"/><circle cx="50" cy="50" r="40"/>'
            f'<circle cx="50" cy="50" r="6"/>{spokes}</g></svg>')


def write_static_assets(directory: Path) -> list[Path]:
    """(Re)generate the static layers; they are committed under certificate_templates/assets/."""
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for name, text in (("guilloche.svg", guilloche_svg()), ("emblem.svg", emblem_svg())):
        path = directory / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def seal_digest(uin: str) -> bytes:
    return hashlib.sha256(("pravah-seal:" + uin).encode()).digest()


def seal_fingerprint(uin: str) -> str:
    """Eight hex characters printed under the seal, e.g. ``3FA2-91C0``."""
    h = seal_digest(uin).hex().upper()
    return f"{h[:4]}-{h[4:8]}"


def seal_svg(uin: str, size_mm: float = 24) -> str:
    """A rosette seal whose petals and colour are a function of the UIN's hash."""
    digest = seal_digest(uin)
    petals = 12 + digest[0] % 13
    hue = digest[1] * 360 // 256
    rings = []
    for ring in range(3):
        pts = []
        base = 30 - ring * 8
        for i in range(petals * 4):
            a = 2 * math.pi * i / (petals * 4)
            bump = digest[2 + (i // 4 + ring * 5) % 28] / 255 * (6 - ring)
            r = base + bump * abs(math.sin(a * petals / 2))
            pts.append((50 + r * math.cos(a), 50 + r * math.sin(a)))
        rings.append(f'<path d="{_poly(pts)}"/>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="seal" width="{size_mm}mm" '
            f'height="{size_mm}mm" viewBox="0 0 100 100">'
            f'<g fill="none" stroke="hsl({hue},55%,38%)" stroke-width="0.7">{"".join(rings)}'
            f'<circle cx="50" cy="50" r="44"/><circle cx="50" cy="50" r="9"/></g></svg>')


def microtext(uin: str, repeat: int = 40) -> str:
    """The UIN repeated, for a 1 pt HTML line (copying it under a photocopier smears it)."""
    return " · ".join([uin] * repeat)
