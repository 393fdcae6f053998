"""Certificate templates checked at upload (deploy pipeline, app/processes/deploy.py ``check``).

1. ``<service key>.typ`` is present and every file is named ``<name>.typ``;
2. every form field a template reads (``field("x")``, ``value("x")``, ``data.x``, ``data.at("x")``)
   is declared by a form of the version;
3. every file a template names (``#import``, ``#include``, ``read``/``image``/``json``… with a
   literal path) is one of the version's own files; packages (``@preview/…``) are refused;
4. the service template and the receipt (when the version has one) compile with a sample context
   built from the service's form, in a child process with a wall-clock limit
   (``CERTIFICATE_CHECK_SECONDS``, default 10 s): a long loop cannot hold the web worker.

Each problem names the file and, where known, the line.
"""
import re

from ..engine import CheckFailed, CheckTimedOut, run_limited
from .render import NAME_RE, TemplateError, TemplateSet, typst_used
from .sample import declared_fields, sample_acknowledgement, sample_certificate
from .templates import ACKNOWLEDGEMENT, certificate_template_name

DEFAULT_SECONDS = 10.0
_FIELD_RES = (re.compile(r'\b(?:field|value)\(\s*"([^"\\]*)"'), re.compile(r'\bdata\.at\(\s*"([^"\\]*)"'),
              re.compile(r'\bdata\.([A-Za-z_][A-Za-z0-9_-]*)\b(?!\s*\()'))
_PATH_RES = (re.compile(r'#?\b(?:import|include)\s+"([^"\\]*)"'),
             re.compile(r'\b(?:read|image|json|csv|xml|yaml|toml|cbor|plugin)\(\s*"([^"\\]*)"'))


_COMMENT_RES = (re.compile(r"/\*.*?\*/", re.S), re.compile(r"(?m)^[ \t]*//.*$"))


def _without_comments(text: str) -> str:
    """Block comments and whole-line ``//`` comments blanked, newlines kept (lines stay true)."""
    for regex in _COMMENT_RES:
        text = regex.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return text


def _problem(name: str, line: int | None, message: str) -> dict:
    return {"file": f"certificate_templates/{name}", "element_id": None, "line": line, "message": message}


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _static(name: str, text: str, names: set[str], fields: set[str]) -> list[dict]:
    problems = []
    for regex in _FIELD_RES:
        for m in regex.finditer(text):
            if m.group(1) not in fields:
                problems.append(_problem(name, _line(text, m.start()),
                                         f"reads the field '{m.group(1)}', which no form of this version declares"))
    for regex in _PATH_RES:
        for m in regex.finditer(text):
            path = m.group(1)
            if path.startswith("@"):
                problems.append(_problem(name, _line(text, m.start()),
                                         f"uses the package {path}: templates may use only this version's files"))
                continue
            clean = path.lstrip("/")
            clean = clean[2:] if clean.startswith("./") else clean
            if clean not in names:
                problems.append(_problem(name, _line(text, m.start()),
                                         f"reads '{path}', which is outside this version's templates "
                                         f"(its files: {', '.join(sorted(names))})"))
    return problems


def compile_samples(files: dict, jobs: list) -> list[dict]:
    """Compile each ``(name, context, images)`` of ``jobs`` against ``files``; the problems found.
    Runs in the child process (a fresh Typst compiler there)."""
    problems = []
    try:
        templates = TemplateSet(files)
    except TemplateError as exc:
        return [_problem(exc.file or "?", exc.line, exc.message)]
    try:
        for name, context, images in jobs:
            try:
                templates.render(name, context, images)
            except TemplateError as exc:
                problems.append(_problem(exc.file or name, exc.line, exc.message))
    finally:
        templates.close()
    return problems


def check_templates(service_key: str, templates: dict, forms: dict, service=None,
                    seconds: float = DEFAULT_SECONDS, settings=None) -> list[dict]:
    """Every problem of the version's certificate templates (empty list: they pass).

    A version with no template at all passes here (a new service's first drafts): it cannot open
    a closed service, and :func:`app.processes.deploy.activate` refuses it for an open one.
    """
    if not templates:
        return []
    main = certificate_template_name(service_key)
    if main not in (templates or {}):
        return [_problem(main, None, f"the certificate template certificate_templates/{main} is missing")]
    problems = [_problem(n, None, "a certificate template must be a Typst file named <name>.typ "
                                  "(letters, digits, _ and -)") for n in sorted(templates) if not NAME_RE.match(n)]
    if problems:
        return problems
    names, fields = set(templates), declared_fields(forms)
    for name in sorted(templates):
        problems += _static(name, _without_comments(templates[name]), names, fields)
    if problems:
        return problems
    jobs = [(main, *sample_certificate(service_key, forms, service, settings))]
    if ACKNOWLEDGEMENT in templates:
        jobs.append((ACKNOWLEDGEMENT, *sample_acknowledgement(service_key, forms, service, settings)))
    return run_compile(dict(templates), jobs, seconds, main)


def run_compile(files: dict, jobs: list, seconds: float, main: str) -> list[dict]:
    """:func:`compile_samples` in a child with a time limit. Forked while this process has not
    used Typst (fast); spawned once it has (Typst's thread pool does not survive ``fork``)."""
    method = "spawn" if typst_used() else "fork"
    try:
        return run_limited(compile_samples, files, jobs, seconds=seconds, start_method=method)
    except CheckTimedOut:
        return [_problem(main, None, f"compiling the template took longer than {seconds:g} s "
                                     "(a loop that runs too long?); nothing was stored")]
    except CheckFailed as exc:
        return [_problem(main, None, f"the template could not be compiled ({exc})")]
