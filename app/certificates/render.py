"""HTML → PDF with WeasyPrint (xhtml2pdf cannot shape Bengali — CERT-NOTES).

One process-wide :class:`FontConfiguration` and one stylesheet carrying the ``@font-face`` rules are
made on first use and reused by every render: ~95 ms instead of ~230 ms per page and no native memory
growth in a long-running worker. The fonts ship with the app (``fonts/``, SIL OFL), so no system
font is needed: the family list is Noto Sans (Latin) first, then Noto Sans Bengali.
"""
import threading
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "certificate_templates"
FONT_FAMILY = '"Pravah Latin", "Pravah Bengali", sans-serif'

_FONT_FACES = [
    ("Pravah Latin", "NotoSans-Regular.ttf", "normal"),
    ("Pravah Latin", "NotoSans-Bold.ttf", "bold"),
    ("Pravah Bengali", "NotoSansBengali-Regular.ttf", "normal"),
    ("Pravah Bengali", "NotoSansBengali-Bold.ttf", "bold"),
]

_lock = threading.RLock()
_shared = {}
_environments = {}


def _font_css_text() -> str:
    rules = [f'@font-face {{ font-family: "{family}"; src: url("{(FONTS_DIR / file).as_uri()}"); '
             f'font-weight: {weight}; }}' for family, file, weight in _FONT_FACES]
    rules.append(f"html {{ font-family: {FONT_FAMILY}; }}")
    return "\n".join(rules)


def _resources() -> dict:
    """The shared FontConfiguration, font stylesheet and image cache (static layers only)."""
    if "font_config" not in _shared:
        with _lock:
            if "font_config" not in _shared:
                from weasyprint import CSS
                from weasyprint.text.fonts import FontConfiguration
                font_config = FontConfiguration()
                _shared["font_css"] = CSS(string=_font_css_text(), font_config=font_config)
                _shared["font_config"] = font_config
                #: Holds only the static guilloche/emblem SVGs: per-certificate images (QR, seal)
                #: are inline SVG and never enter it, so it does not grow.
                _shared["cache"] = {}
    return _shared


def render_pdf(html: str, base_url: str | Path | None = None) -> bytes:
    """Render an HTML document to PDF bytes.

    :param html: a complete HTML document (templates from :func:`render_html`).
    :param base_url: where relative URLs (``assets/guilloche.svg``) resolve; defaults to
        ``certificate_templates/``.
    """
    from weasyprint import HTML
    shared = _resources()
    base = str(base_url or TEMPLATES_DIR)
    if not base.endswith("/") and Path(base).is_dir():
        base += "/"
    return HTML(string=html, base_url=base).write_pdf(
        stylesheets=[shared["font_css"]], font_config=shared["font_config"], cache=shared["cache"])


def template_environment(directory: str | Path | None = None) -> Environment:
    directory = Path(directory or TEMPLATES_DIR)
    key = str(directory)
    env = _environments.get(key)
    if env is None:
        env = Environment(loader=FileSystemLoader(str(directory)), autoescape=select_autoescape(["html"]),
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        _environments[key] = env
    return env


def render_html(template_name: str, context: dict, directory: str | Path | None = None) -> str:
    """Fill ``certificate_templates/<template_name>`` (e.g. ``income.html``) with ``context``."""
    return template_environment(directory).get_template(template_name).render(**context)


def background_pdf(directory: str | Path | None = None):
    """The static security layer as an open pikepdf document, rendered once per process."""
    key = ("background", str(directory or TEMPLATES_DIR))
    doc = _shared.get(key)
    if doc is None:
        import io

        import pikepdf
        html = render_html("background.html", {}, directory)
        doc = pikepdf.open(io.BytesIO(render_pdf(html, base_url=directory)))
        _shared[key] = doc
    return doc


def add_background(pdf: bytes, directory: str | Path | None = None) -> bytes:
    """Lay the static guilloche/emblem under every page. Must run before signing."""
    import io

    import pikepdf
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        # Copying from the shared background document is not thread-safe: one thread at a time.
        with _lock:
            background = background_pdf(directory).pages[0]
            for page in doc.pages:
                page.add_underlay(background)
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()
