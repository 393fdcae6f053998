"""Typst → PDF/A-2b, from the template files a process version carries (CERT-NOTES, "Typst").

A version's templates (``{"_layout.typ": …, "income.typ": …, "acknowledgement.typ": …}``, stored in
``ProcessVersion.certificate_templates``) are written once into a private temporary directory and
get one ``typst.Compiler`` rooted there: :func:`template_set` keeps them per version (keyed by the
caller, e.g. ``"<version id>:<sha256>"``), least recently used first out. Typst can read nothing
outside that root (it refuses paths above it), fonts come only from the bundled folder
(``fonts/``, SIL OFL, system fonts ignored), packages (``@preview/…``) are refused at upload
(:mod:`.template_check`). Data goes in as JSON through ``sys.inputs.data``; the QR, seal and the
static guilloche/emblem layers as SVG text through ``sys.inputs`` (``image(bytes(sys.inputs.qr))``).

A compiler is not re-entrant: each set has a lock; two versions render in parallel.
"""
import json
import re
import shutil
import tempfile
import threading
from collections import OrderedDict
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import typst

from .security import emblem_svg, guilloche_svg

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
#: Versions kept compiled per process (each holds a compiler and a small directory).
MAX_CACHED_VERSIONS = 32
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*\.typ$|^_[A-Za-z0-9_-]+\.typ$")
_LOCATION_RE = re.compile(r"┌─\s*(\S+?):(\d+):(\d+)")

_typst_used = threading.Event()


class TemplateError(Exception):
    """A template failed to compile: ``file`` and ``line`` (1-based, None when unknown) say where."""

    def __init__(self, file: str | None, line: int | None, message: str):
        super().__init__(file, line, message)
        self.file, self.line, self.message = file, line, message

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else (self.file or "template")
        return f"{where}: {self.message}"


def typst_used() -> bool:
    """True once this process has loaded fonts or compiled: a fork of it must not use Typst
    (its thread pool does not survive ``fork``; :mod:`.template_check` spawns instead)."""
    return _typst_used.is_set()


@lru_cache(maxsize=1)
def fonts() -> "typst.Fonts":
    """The bundled fonts, loaded once per process and shared by every compiler."""
    _typst_used.set()
    return typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)])


@lru_cache(maxsize=1)
def static_layers() -> dict:
    """The guilloche and emblem SVGs: the same bytes every time (Typst's caches keep them parsed)."""
    return {"guilloche": guilloche_svg(), "emblem": emblem_svg()}


def error_from(exc: "typst.TypstError", default_file: str, directory: Path | None = None) -> TemplateError:
    """The first location Typst names in its diagnostic, with its message (server paths removed)."""
    diagnostic = getattr(exc, "diagnostic", "") or ""
    match = _LOCATION_RE.search(diagnostic)
    message = (getattr(exc, "message", None) or str(exc)).strip()
    if directory is not None:
        message = message.replace(str(directory) + "/", "").replace(str(directory), "")
    hints = [h for h in (getattr(exc, "hints", None) or []) if h]
    if hints:
        message += " (" + "; ".join(hints) + ")"
    if match:  # Typst prints the path relative to the working directory: the name is what counts
        return TemplateError(Path(match.group(1)).name, int(match.group(2)), message)
    return TemplateError(default_file, None, message)


class TemplateSet:
    """One version's template files in a private directory, with the compiler rooted there."""

    def __init__(self, files: dict[str, str]):
        bad = sorted(name for name in files if not NAME_RE.match(name))
        if bad:
            raise TemplateError(bad[0], None, "a certificate template must be named <name>.typ "
                                              "(letters, digits, _ and -)")
        self.names = frozenset(files)
        self.directory = Path(tempfile.mkdtemp(prefix="pravah-typst-"))
        for name, text in files.items():
            (self.directory / name).write_text(text, encoding="utf-8")
        self.compiler = typst.Compiler(root=str(self.directory), font_paths=fonts(), ignore_system_fonts=True)
        self.lock = threading.Lock()

    def render(self, name: str, context: dict, images: dict[str, str], timestamp: datetime | None = None) -> bytes:
        """Compile ``name`` with ``context`` (JSON-able) and ``images`` (SVG text by input name).

        :raises TemplateError: the template is missing or does not compile (file and line).
        """
        if name not in self.names:
            raise TemplateError(name, None, "this version has no such certificate template")
        inputs = {**static_layers(), **images, "data": json.dumps(context, ensure_ascii=False, default=str)}
        stamp = int(timestamp.timestamp()) if timestamp is not None else None
        _typst_used.set()
        with self.lock:
            try:
                return self.compiler.compile(input=str(self.directory / name), sys_inputs=inputs,
                                             pdf_standards="a-2b", timestamp=stamp)
            except typst.TypstError as exc:
                raise error_from(exc, name, self.directory) from None

    def close(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)


_cache: "OrderedDict[str, TemplateSet]" = OrderedDict()
_cache_lock = threading.Lock()


def template_set(key: str, load_files) -> TemplateSet:
    """The compiled-template set for ``key``; ``load_files()`` gives the files on a miss only."""
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    made = TemplateSet(dict(load_files() or {}))
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:  # another thread made it meanwhile
            made.close()
            return found
        _cache[key] = made
        while len(_cache) > MAX_CACHED_VERSIONS:
            _, old = _cache.popitem(last=False)
            old.close()
    return made


def clear_cache() -> None:
    with _cache_lock:
        while _cache:
            _cache.popitem()[1].close()
