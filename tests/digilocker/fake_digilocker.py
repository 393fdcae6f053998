"""A stand-in for DigiLocker: builds issuer-API requests and signs them as DigiLocker does
(``x-digilocker-hmac`` = base64 HMAC-SHA256 of the exact body with the shared API key); also a tiny
HTTP server that receives pushes and checks their signature."""
import base64
import hashlib
import hmac
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from xml.sax.saxutils import escape

from lxml import etree

API_KEY = "test-digilocker-key-0123456789"


def sign(body: bytes, key: str = API_KEY) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def pull_uri_xml(doc_type: str, uin: str, name: str, fmt: str = "both", dob: str | None = None) -> bytes:
    extra = f"<DOB>{escape(dob)}</DOB>" if dob else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<PullURIRequest xmlns:ns2="http://tempuri.org/" ver="1.0" ts="2026-12-03T10:00:00+05:30" '
            f'txn="TXN123" orgId="in.gov.digilocker" format="{fmt}"><DocDetails><DocType>{escape(doc_type)}</DocType>'
            f'<DigiLockerId>dl-abc-123</DigiLockerId><UDF1>{escape(uin)}</UDF1><FullName>{escape(name)}</FullName>'
            f'{extra}</DocDetails></PullURIRequest>').encode("utf-8")


def pull_doc_xml(uri: str, fmt: str = "both") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><PullDocRequest xmlns:ns2="http://tempuri.org/" ver="1.0" '
            f'ts="2026-12-03T10:00:00+05:30" txn="TXN124" orgId="in.gov.digilocker" format="{fmt}"><DocDetails>'
            f'<URI>{escape(uri)}</URI><DigiLockerId>dl-abc-123</DigiLockerId></DocDetails></PullDocRequest>').encode()


class FakeDigiLocker:
    def __init__(self, client, key: str = API_KEY):
        self.client, self.key = client, key

    def post(self, path: str, body: bytes, signature: str | None = None):
        return self.client.post(path, data=body, content_type="application/xml",
                                headers={"x-digilocker-hmac": signature if signature is not None else sign(body, self.key)})

    def pull_uri(self, doc_type, uin, name, **kwargs):
        return self.post("/digilocker/pulluri", pull_uri_xml(doc_type, uin, name, **kwargs))

    def pull_doc(self, uri, **kwargs):
        return self.post("/digilocker/pulldoc", pull_doc_xml(uri, **kwargs))


def parse(data: bytes) -> tuple[int, dict]:
    """(ResponseStatus, {DocDetails child: text}) of one of our responses."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    status = root.find("ResponseStatus")
    details = {child.tag: child.text for child in root.find("DocDetails")}
    return int(status.get("Status")), details


class PushReceiver:
    """DigiLocker's push endpoint: records every request; answers with ``status`` codes in turn."""

    def __init__(self, statuses=(200,)):
        self.received, self.statuses = [], list(statuses)
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((body, self.headers.get("x-digilocker-hmac")))
                code = outer.statuses.pop(0) if len(outer.statuses) > 1 else outer.statuses[0]
                answer = b'<PushUriResponse><ResponseStatus Status="1">1</ResponseStatus></PushUriResponse>'
                self.send_response(code)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/push"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
