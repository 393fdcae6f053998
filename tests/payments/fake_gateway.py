"""A local fake payment gateway: takes signed orders over HTTP, makes the signed callbacks a real one sends."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.payments.gateway import sign


class FakeGateway:
    def __init__(self, secret: str):
        self.secret, self.orders, self.refused = secret, {}, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.path != "/orders" or self.headers.get("X-Signature") != sign(outer.secret, body):
                    outer.refused += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                order = json.loads(body)
                outer.orders[order["order_id"]] = order
                answer = json.dumps({"payment_url": f"{outer.url}/pay/{order['order_id']}"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def callback(self, order_id: str, status: str = "SUCCESS", amount: int | None = None, secret: str | None = None):
        """``(body, headers)`` of the notice the gateway POSTs to the order's callback URL."""
        order = self.orders[order_id]
        body = json.dumps({"order_id": order_id, "status": status, "txn_id": f"TXN-{order_id}",
                           "amount": order["amount"] if amount is None else amount}).encode()
        return body, {"X-Signature": sign(secret or self.secret, body), "Content-Type": "application/json"}

    def close(self):
        self.server.shutdown()
