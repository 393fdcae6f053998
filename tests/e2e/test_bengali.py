"""Bengali is drawn with our own font and shaped (conjuncts joined, no boxes), on every main page."""
import json
from pathlib import Path

import pytest

from .conftest import set_language

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]
REFERENCE = Path(__file__).with_name("bengali_reference.json")
#: A word with a conjunct (ক্ষ), a pre-base vowel sign (ি) and a reph-free cluster (ত্র).
WORD = "ক্ষতিপূরণ শংসাপত্র"

_MEASURE = """([text]) => {
  const box = document.createElement('div');
  box.style.cssText = 'position:absolute;left:0;top:0;font-size:40px;white-space:nowrap';
  const make = (text) => { const s = document.createElement('span'); s.textContent = text; box.appendChild(s);
                           box.appendChild(document.createElement('br')); return s; };
  const joined = make('ক্ষ'), broken = make('ক্\u200cষ'), word = make(text), boxes = make('\u0984\u0984\u0984');
  document.body.appendChild(box);
  const w = (s) => s.getBoundingClientRect().width;
  const out = {joined: w(joined), broken: w(broken), word: w(word), boxes: w(boxes)};
  box.remove();
  return out;
}"""


def platform_fonts(page, selector: str) -> list[dict]:
    session = page.context.new_cdp_session(page)
    session.send("DOM.enable")
    session.send("CSS.enable")
    root = session.send("DOM.getDocument")["root"]["nodeId"]
    node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    session.detach()
    return fonts


@pytest.mark.parametrize("path,selector", [
    ("/", "h1"), ("/track", "h1"), ("/verify", "h1"), ("/login", "h1"),
])
def test_public_pages_draw_bengali_with_the_shipped_font(browser_as, path, selector):
    page = browser_as()
    set_language(page, "bn")
    page.goto(path)
    page.evaluate("document.fonts.ready.then(() => true)")
    fonts = platform_fonts(page, selector)
    bengali = [f for f in fonts if "Bengali" in f["familyName"]]
    assert bengali and all(f["isCustomFont"] for f in bengali), fonts
    assert not [f for f in fonts if f["familyName"] in ("LastResort", "") or "Tofu" in f["familyName"]], fonts
    set_language(page, "en")


def test_conjuncts_are_shaped_and_glyphs_are_not_boxes(browser_as):
    page = browser_as()
    set_language(page, "bn")
    page.goto("/")
    page.evaluate("document.fonts.ready.then(() => true)")
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == "শংসাপত্র পরিষেবা"  # accessibility tree: real text, not images
    m = page.evaluate(_MEASURE, [WORD])
    # Shaped: ক্ষ is one conjunct glyph, narrower than ক + visible hasanta + ষ (forced apart by ZWNJ).
    assert m["joined"] < 0.8 * m["broken"], m
    # The word's width matches the reference measured when the page was known to render correctly.
    reference = json.loads(REFERENCE.read_text())
    assert abs(m["word"] - reference["word"]) <= 0.03 * reference["word"], (m, reference)
    # Three boxes (unassigned code points) look nothing like the word: the word is not drawn as boxes.
    assert m["word"] > 2 * m["boxes"], m
    heading.screenshot(path=str(Path(__file__).parents[2] / "docs" / "screenshots" / "bengali-heading-bn.png"))
    set_language(page, "en")
