"""Safe parsing of uploaded BPMN/DMN: no DTDs, no entities, no network, size cap."""
from __future__ import annotations

import re

from lxml import etree

from .errors import ModelProblem

MAX_FILE_BYTES = 2 * 1024 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_comments=False)


def parse_xml(name: str, data: bytes) -> tuple[etree._Element | None, list[ModelProblem]]:
    """Parse one uploaded file; return (root, []) or (None, [problem])."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        return None, [ModelProblem(name, None, None,
                                   f"file is {len(data)} bytes; the limit is {MAX_FILE_BYTES}")]
    m = _DOCTYPE.search(data)
    if m:
        line = data[:m.start()].count(b"\n") + 1
        return None, [ModelProblem(name, None, line,
                                   "DOCTYPE/ENTITY declarations are not allowed in uploads")]
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno if err.lineno else None
        msg = err.msg if hasattr(err, "msg") and err.msg else str(err)
        return None, [ModelProblem(name, None, line, f"malformed XML: {msg}")]
    # defence in depth: a tree that still carries a DTD or entity references is refused
    tree = root.getroottree()
    if tree.docinfo.doctype:
        return None, [ModelProblem(name, None, 1, "DOCTYPE is not allowed in uploads")]
    for el in root.iter():
        if isinstance(el, etree._Entity):
            return None, [ModelProblem(name, None, el.sourceline, "entities are not allowed")]
    return root, []
