"""Bengali is shaped, not just "rendered without error".

Three independent checks on the same certificate:
1. the glyph ids WeasyPrint wrote for known words equal HarfBuzz's shaping of those words with the
   bundled font (reph, conjuncts, pre-base vowel signs placed by the shaper);
2. the extracted text (pypdf) contains the exact strings with their conjuncts;
3. a rasterised sample matches a committed known-good PNG within a tolerance.
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

from app.certificates.render import FONTS_DIR, render_pdf
from tests.certificates.conftest import need

REFERENCE = Path(__file__).parent / "reference" / "bengali_sample.png"
SAMPLE_HTML = """<html><head><style>@page { size: 120mm 40mm; margin: 3mm }
body { font-size: 20pt; line-height: 1.3 }</style></head>
<body>আয়ের শংসাপত্র<br>পশ্চিমবঙ্গ সরকার<br>ক্ষ ত্র ক্র ঞ্জ ঙ্গ শ্চ র্ক</body></html>"""
#: Words whose glyph sequence must equal HarfBuzz's (conjuncts ত্র শ্চ ঙ্গ ঞ্চ প্ত, pre-base ি ে).
WORDS = ["শংসাপত্র", "পশ্চিমবঙ্গ", "আয়ের", "দপ্তর", "পঞ্চায়েত"]


def _pdf_glyph_runs(pdf: bytes, font_fragment: str) -> list[list[int]]:
    """CIDs (= glyph ids: WeasyPrint subsets with retained gids and Identity CIDToGIDMap) of every
    text run drawn with a font whose BaseFont contains ``font_fragment``."""
    import io

    import pypdf
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    fonts = {name.lstrip("/"): str(ref.get_object()["/BaseFont"])
             for name, ref in page["/Resources"]["/Font"].items()}
    data = page.get_contents().get_data().decode("latin-1")
    runs, current = [], None
    for m in re.finditer(r"/(\S+)\s+[\d.]+\s+Tf|\[((?:[^\]]|\n)*?)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj", data):
        if m.group(1):
            current = fonts.get(m.group(1), "")
        elif current and font_fragment in current:
            hexes = re.findall(r"<([0-9a-fA-F]*)>", m.group(2)) if m.group(2) is not None else [m.group(3)]
            h = "".join(hexes)
            runs.append([int(h[i:i + 4], 16) for i in range(0, len(h), 4)])
    return runs


def _harfbuzz_gids(text: str, font_file: str) -> list[int]:
    hb = pytest.importorskip("uharfbuzz")
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(FONTS_DIR / font_file))))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return [info.codepoint for info in buf.glyph_infos]


def _cmap_gids(text: str, font_file: str) -> list[int]:
    from fontTools.ttLib import TTFont
    font = TTFont(str(FONTS_DIR / font_file))
    cmap = font.getBestCmap()
    return [font.getGlyphID(cmap[ord(ch)]) for ch in text if ord(ch) in cmap]


def _contains(haystack: list[int], needle: list[int]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


@pytest.mark.parametrize("word", WORDS)
def test_glyphs_match_harfbuzz_shaping(income_pdf, word):
    expected_regular = _harfbuzz_gids(word, "NotoSansBengali-Regular.ttf")
    expected_bold = _harfbuzz_gids(word, "NotoSansBengali-Bold.ttf")
    # Shaping matters for these words: the shaped glyphs differ from a per-code-point cmap lookup.
    assert expected_regular != _cmap_gids(word, "NotoSansBengali-Regular.ttf")
    regular = [g for run in _pdf_glyph_runs(income_pdf, "Pravah-Bengali") for g in run]
    bold_runs = _pdf_glyph_runs(income_pdf, "Pravah-Bengali-Bold")
    bold = [g for run in bold_runs for g in run]
    assert _contains(regular, expected_regular) or _contains(bold, expected_bold), word


def test_pre_base_vowel_sign_is_drawn_before_its_consonant():
    # HarfBuzz itself: in "কি" the vowel sign ি (drawn first) precedes ক in glyph order.
    gids = _harfbuzz_gids("কি", "NotoSansBengali-Regular.ttf")
    ka = _harfbuzz_gids("ক", "NotoSansBengali-Regular.ttf")[0]
    assert gids.index(ka) == 1


@pytest.mark.parametrize("text", ["আয়ের শংসাপত্র", "পশ্চিমবঙ্গ সরকার", "দপ্তর", "পঞ্চায়েত", "প্রত্য"])
def test_extracted_text_keeps_conjuncts(income_pdf, text):
    import io

    import pypdf
    extracted = pypdf.PdfReader(io.BytesIO(income_pdf)).pages[0].extract_text()
    assert text in extracted


def _rasterise(pdf: bytes, tmp_path: Path, dpi: int = 100) -> "Image":
    from PIL import Image
    need("pdftoppm")
    (tmp_path / "s.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(tmp_path / "s.pdf"),
                    str(tmp_path / "s")], check=True)
    return Image.open(tmp_path / "s.png").convert("L")


def test_raster_matches_known_good_sample(tmp_path):
    from PIL import ImageChops, ImageStat
    image = _rasterise(render_pdf(SAMPLE_HTML), tmp_path)
    if os.environ.get("PRAVAH_REGEN_REFERENCE") == "1":
        REFERENCE.parent.mkdir(exist_ok=True)
        image.save(REFERENCE)
    from PIL import Image
    reference = Image.open(REFERENCE).convert("L")
    assert image.size == reference.size
    diff = ImageChops.difference(image, reference)
    # Mean per-pixel difference (0–255): anti-aliasing noise stays far below 1; a broken shaper
    # (vowel sign after its consonant, conjunct split with a visible hasanta) moves whole glyphs.
    assert ImageStat.Stat(diff).mean[0] < 1.0
    dark = diff.point(lambda v: 255 if v > 128 else 0).histogram()[255]
    assert dark < 0.002 * image.size[0] * image.size[1]
