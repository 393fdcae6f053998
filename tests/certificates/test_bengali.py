"""Bengali is shaped, not just "rendered without error", and copies out of the PDF exactly.

Three independent checks:
1. HarfBuzz itself reorders a pre-base vowel sign (the bundled font needs a shaper);
2. the text extracted from a certificate (poppler's pdftotext) holds the exact strings,
   pre-base vowel signs (ি, ে) and conjuncts included — WeasyPrint lost some of these;
3. a rasterised sample matches a committed known-good PNG within a tolerance (a broken shaper
   moves whole glyphs).
"""
import os
import subprocess
from pathlib import Path

import pytest

from app.certificates.render import FONTS_DIR, TemplateSet
from tests.certificates.conftest import need
from tests.certificates.pdftext import pdf_text

REFERENCE = Path(__file__).parent / "reference" / "bengali_sample.png"
SAMPLE_TYP = """#set page(width: 120mm, height: 40mm, margin: 3mm)
#set text(font: ("Noto Sans Bengali", "Noto Sans"), size: 20pt)
আয়ের শংসাপত্র \\
পশ্চিমবঙ্গ সরকার \\
ক্ষ ত্র ক্র ঞ্জ ঙ্গ শ্চ র্ক
"""
#: Conjuncts (ত্র শ্চ ঙ্গ ঞ্চ প্ত), pre-base vowel signs (ি ে) and reph in one list.
WORDS = ["আয়ের শংসাপত্র", "পশ্চিমবঙ্গ সরকার", "দপ্তর", "পঞ্চায়েত", "প্রদানের তারিখ", "প্রত্যয়ন করা হচ্ছে যে",
         "যাচাই করতে স্ক্যান করুন", "রহিমা খাতুন"]


def _harfbuzz_gids(text: str, font_file: str) -> list[int]:
    hb = pytest.importorskip("uharfbuzz")
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(FONTS_DIR / font_file))))
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return [info.codepoint for info in buf.glyph_infos]


def test_pre_base_vowel_sign_is_drawn_before_its_consonant():
    # HarfBuzz itself: in "কি" the vowel sign ি (drawn first) precedes ক in glyph order.
    gids = _harfbuzz_gids("কি", "NotoSansBengali-Regular.ttf")
    ka = _harfbuzz_gids("ক", "NotoSansBengali-Regular.ttf")[0]
    assert gids.index(ka) == 1


@pytest.mark.parametrize("text", WORDS)
def test_pdftotext_extracts_the_exact_words(income_pdf, text):
    assert text in pdf_text(income_pdf)


def _rasterise(pdf: bytes, tmp_path: Path, dpi: int = 100) -> "Image":
    from PIL import Image
    need("pdftoppm")
    (tmp_path / "s.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(tmp_path / "s.pdf"),
                    str(tmp_path / "s")], check=True)
    return Image.open(tmp_path / "s.png").convert("L")


def test_raster_matches_known_good_sample(tmp_path):
    from PIL import ImageChops, ImageStat
    sample = TemplateSet({"sample.typ": SAMPLE_TYP})
    try:
        image = _rasterise(sample.render("sample.typ", {}, {}), tmp_path)
    finally:
        sample.close()
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
