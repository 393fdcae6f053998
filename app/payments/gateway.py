"""The payment-gateway adapter: create an order, check a callback's signature.

A gateway here speaks JSON with HMAC-SHA256 signatures both ways (``X-Signature: sha256=<hex>``
over the raw body, keyed by ``PRAVAH_PAYMENT_GATEWAY_SECRET``): Pravah POSTs
``{merchant_id, order_id, amount (paise), currency, callback_url}`` to
``<PRAVAH_PAYMENT_GATEWAY_URL>/orders`` and gets ``{"payment_url"}``; the gateway POSTs
``{order_id, status: SUCCESS|FAILURE, txn_id, amount}`` to the callback URL. A real gateway
(CSC wallet, a bank's PG) gets an adapter of this shape.
"""
import hashlib
import hmac
import json

import requests

from ..errors import DomainError


class GatewayUnavailable(DomainError):
    status = 503
    code = "payment_gateway_unavailable"


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class Gateway:
    def __init__(self, settings):
        self.url = (settings.get("PAYMENT_GATEWAY_URL") or "").rstrip("/")
        self.secret = settings.get("PAYMENT_GATEWAY_SECRET") or ""
        self.merchant = settings.get("PAYMENT_MERCHANT_ID") or "PRAVAH"
        self.timeout = float(settings.get("PAYMENT_GATEWAY_TIMEOUT") or 10)

    def create_order(self, order_id: str, amount: int, callback_url: str) -> str:
        """The URL the applicant pays at. :raises GatewayUnavailable: not configured or not answering."""
        if not self.url or not self.secret:
            raise GatewayUnavailable("Online payment is not set up here yet. Please pay at your service centre.")
        body = json.dumps({"merchant_id": self.merchant, "order_id": order_id, "amount": amount,
                           "currency": "INR", "callback_url": callback_url}, sort_keys=True).encode()
        try:
            response = requests.post(f"{self.url}/orders", data=body, timeout=self.timeout,
                                     headers={"Content-Type": "application/json", "X-Signature": sign(self.secret, body)})
            response.raise_for_status()
            return response.json()["payment_url"]
        except (requests.RequestException, ValueError, KeyError) as exc:
            raise GatewayUnavailable("The payment service is not answering. Please try again shortly.",
                                     detail=type(exc).__name__) from None

    def verify(self, body: bytes, signature: str | None) -> bool:
        return bool(self.secret and signature) and hmac.compare_digest(sign(self.secret, body), signature)
