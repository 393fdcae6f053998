"""DigiLocker issuer XML: safe parsing of DigiLocker's requests, building our responses.

Requests are parsed like uploaded BPMN (app/engine/xmlsafe.py): no DTD, no entities, no network,
a size cap. Element names follow DigiLocker's Issuer API specification (docs/digilocker.md).
"""
import base64
import re

from lxml import etree

MAX_REQUEST_BYTES = 64 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_.-]")


class BadRequestXml(ValueError):
    """Not a well-formed, safe DigiLocker request."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def parse_request(data: bytes, root_name: str) -> tuple[dict, dict]:
    """``(attributes of the root, {child of DocDetails: text})`` of a ``PullURIRequest``/``PullDocRequest``.

    :raises BadRequestXml: too large, a DTD or entity, malformed, or another root element.
    """
    if len(data) > MAX_REQUEST_BYTES:
        raise BadRequestXml(f"request larger than {MAX_REQUEST_BYTES} bytes")
    if _DOCTYPE.search(data):
        raise BadRequestXml("DOCTYPE/ENTITY declarations are not accepted")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise BadRequestXml(f"malformed XML: {exc}") from exc
    if etree.QName(root).localname != root_name:
        raise BadRequestXml(f"expected {root_name}, got {etree.QName(root).localname}")
    details = {}
    for parent in root.iter():
        if isinstance(parent.tag, str) and etree.QName(parent).localname == "DocDetails":
            for child in parent:
                if isinstance(child.tag, str):
                    details[etree.QName(child).localname] = (child.text or "").strip()
    return dict(root.attrib), details


def _response(root_name: str, status: int, attrs: dict, details: dict) -> bytes:
    root = etree.Element(root_name, nsmap={"ns2": "http://tempuri.org/"})
    status_el = etree.SubElement(root, "ResponseStatus", Status=str(status), ts=attrs.get("ts", ""),
                                 txn=attrs.get("txn", ""))
    status_el.text = str(status)
    doc = etree.SubElement(root, "DocDetails")
    for name, value in details.items():
        if value is not None:
            etree.SubElement(doc, name).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def pull_uri_response(status: int, attrs: dict, details: dict) -> bytes:
    return _response("PullURIResponse", status, attrs, details)


def pull_doc_response(status: int, attrs: dict, details: dict) -> bytes:
    return _response("PullDocResponse", status, attrs, details)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _add_fields(parent, data) -> None:
    for key, value in data.items():
        name = _NAME_CHARS.sub("_", str(key)) or "field"
        if not name[0].isalpha():
            name = f"f_{name}"
        element = etree.SubElement(parent, name)
        if isinstance(value, dict):
            _add_fields(element, value)
        elif isinstance(value, list):
            for item in value:
                entry = etree.SubElement(element, "item")
                if isinstance(item, dict):
                    _add_fields(entry, item)
                else:
                    entry.text = "" if item is None else str(item)
        else:
            element.text = "" if value is None else str(value)


def certificate_data(record: dict, fields: dict) -> bytes:
    """The machine-readable certificate (``DataContent``, before base64): the record's attributes and
    the form fields the certificate prints."""
    root = etree.Element("Certificate", **{k: "" if v is None else str(v) for k, v in record.items()})
    _add_fields(etree.SubElement(root, "CertificateData"), fields)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def push_request(attrs: dict, details: dict) -> str:
    """``PushUriRequest`` body (text: it is stored in the outbox row)."""
    root = etree.Element("PushUriRequest", **attrs)
    uri = etree.SubElement(root, "UriDetails")
    for name, value in details.items():
        if value is not None:
            etree.SubElement(uri, name).text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def response_status(data: bytes) -> int | None:
    """``ResponseStatus`` (its ``Status`` attribute, else its text) of DigiLocker's answer; None if absent."""
    if not data or _DOCTYPE.search(data) or len(data) > MAX_REQUEST_BYTES:
        return None
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError:
        return None
    for element in root.iter():
        if isinstance(element.tag, str) and etree.QName(element).localname == "ResponseStatus":
            raw = (element.get("Status") or element.text or "").strip()
            return int(raw) if raw.isdigit() else None
    return None
