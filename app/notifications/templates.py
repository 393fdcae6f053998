"""Message templates and notification rules, read from files (``app/notifications/templates/`` or the
directory named by ``PRAVAH_NOTIFY_TEMPLATES``): ``events.json`` and ``<template>.<lang>.txt``.

Templates use :class:`string.Template` placeholders (``${ain}``): no attribute access, no code.
A first line ``Subject: …`` is the email subject; SMS and WhatsApp get the rest.
"""
import json
import os
from pathlib import Path
from string import Template

DEFAULT_DIR = Path(__file__).with_name("templates")
LANGUAGES = ("en", "bn")

_cache: dict = {}


def templates_dir(settings=None) -> Path:
    configured = (settings or {}).get("NOTIFY_TEMPLATES_DIR") or os.environ.get("PRAVAH_NOTIFY_TEMPLATES")
    return Path(configured) if configured else DEFAULT_DIR


def _read(path: Path) -> str:
    stamp = path.stat().st_mtime_ns
    hit = _cache.get(path)
    if hit and hit[0] == stamp:
        return hit[1]
    text = path.read_text(encoding="utf-8")
    _cache[path] = (stamp, text)
    return text


def rules(settings=None) -> dict:
    """``events.json``: ``statuses`` (application status → event) and ``events`` (event → rule)."""
    return json.loads(_read(templates_dir(settings) / "events.json"))


def event_rule(event: str, settings=None) -> dict:
    return rules(settings)["events"].get(event, {})


def default_text(name: str, language: str, settings=None) -> str:
    texts = rules(settings).get("defaults", {}).get(name, {})
    return texts.get(language) or texts.get("en") or ""


def render(template: str, language: str, params: dict, settings=None) -> tuple[str | None, str]:
    """:returns: ``(subject or None, body)``; falls back to English when the language has no file.

    :raises KeyError: a placeholder the params do not provide (a template bug, caught by the tests).
    """
    directory = templates_dir(settings)
    lang = language if language in LANGUAGES else "en"
    path = directory / f"{template}.{lang}.txt"
    if not path.exists():
        path = directory / f"{template}.en.txt"
    text = _read(path).strip("\n")
    subject = None
    first, _, rest = text.partition("\n")
    if first.startswith("Subject:"):
        subject, text = first[len("Subject:"):].strip(), rest.strip("\n")
        subject = Template(subject).substitute(params)
    return subject, Template(text).substitute(params).strip()
