"""A small fake of Twilio's Messages API on 127.0.0.1, for the real ``twilio`` client to talk to.

Speaks what the client sends (OPS-NOTES): ``POST /2010-04-01/Accounts/<sid>/Messages.json`` with form
fields To, From, Body and HTTP Basic auth; lists (``GET …/Messages.json?To=&From=``) and fetches
messages. Tests script failures: ``fail_next(status, code)`` answers the next creates with an error
(nothing is created); ``delay_after_create`` creates the message and then holds the answer back,
as a provider that accepted a message but whose reply is lost or late.

Run standalone (for the dispatcher-kill test's subprocess it is started by the test itself).
"""
import base64
import json
import threading
import time
import uuid
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeTwilio:
    def __init__(self, account_sid="AC" + "0" * 32, auth_token="secret-token"):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.messages: list[dict] = []
        self.create_calls = 0
        self.list_calls = 0
        self.failures: list[tuple[int, int]] = []
        self.delay_after_create = 0.0
        #: {create call number (1-based): seconds to hold that one answer}
        self.hold_create: dict[int, float] = {}
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int, code: int, times: int = 1):
        with self.lock:
            self.failures.extend([(status, code)] * times)

    def received(self, to=None) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if to is None or m["to"] == to]

    def _resource(self, m: dict) -> dict:
        return {"sid": m["sid"], "account_sid": self.account_sid, "to": m["to"], "from": m["from"],
                "body": m["body"], "status": m["status"], "direction": "outbound-api", "num_segments": "1",
                "date_created": format_datetime(m["created"], usegmt=True),
                "date_updated": format_datetime(m["created"], usegmt=True), "date_sent": None,
                "error_code": None, "error_message": None, "price": None, "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m['sid']}.json"}

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, payload):
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _authorised(self) -> bool:
                expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
                if self.headers.get("Authorization") != f"Basic {expected}":
                    self._send(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return False
                return True

            def _base(self) -> str:
                return f"/2010-04-01/Accounts/{fake.account_sid}/Messages"

            def do_POST(self):
                if not self._authorised():
                    return
                if urlparse(self.path).path != self._base() + ".json":
                    return self._send(404, {"code": 20404, "message": "Not found", "status": 404})
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                with fake.lock:
                    fake.create_calls += 1
                    failure = fake.failures.pop(0) if fake.failures else None
                    if failure is None:
                        message = {"sid": "SM" + uuid.uuid4().hex, "to": form.get("To"), "from": form.get("From"),
                                   "body": form.get("Body"), "status": "queued",
                                   "created": datetime.now(timezone.utc).replace(microsecond=0)}
                        fake.messages.append(message)
                    delay = fake.hold_create.get(fake.create_calls, fake.delay_after_create)
                if failure is not None:
                    status, code = failure
                    return self._send(status, {"code": code, "message": f"scripted failure {code}",
                                               "more_info": f"https://www.twilio.com/docs/errors/{code}",
                                               "status": status})
                if delay:
                    time.sleep(delay)
                self._send(201, fake._resource(message))

            def do_GET(self):
                if not self._authorised():
                    return
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                if parsed.path == self._base() + ".json":
                    with fake.lock:
                        fake.list_calls += 1
                        found = [m for m in fake.messages if query.get("To") in (None, m["to"])
                                 and query.get("From") in (None, m["from"])]
                    found.sort(key=lambda m: m["created"], reverse=True)
                    size = int(query.get("PageSize", 50))
                    return self._send(200, {"messages": [fake._resource(m) for m in found[:size]],
                                            "first_page_uri": parsed.path, "next_page_uri": None,
                                            "previous_page_uri": None, "page": 0, "page_size": size,
                                            "start": 0, "end": len(found[:size]), "uri": parsed.path})
                sid = parsed.path.rsplit("/", 1)[-1].removesuffix(".json")
                with fake.lock:
                    match = next((m for m in fake.messages if m["sid"] == sid), None)
                if match is None:
                    return self._send(404, {"code": 20404, "message": "Not found", "status": 404})
                self._send(200, fake._resource(match))

        return Handler


if __name__ == "__main__":
    fake = FakeTwilio().start()
    print(fake.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()
