"""The ``webhook`` channel's backend: POST the signed JSON body to the partner's URL."""
import requests

from ..notifications.backends import SendError

#: Answers that no retry will change (the receiver refuses the request itself).
_PERMANENT = {400, 401, 403, 404, 405, 410, 411, 413, 414, 415, 422}


class WebhookBackend:
    name = "webhook"

    def __init__(self, settings):
        self.timeout = settings.send_timeout
        self.session = requests.Session()

    def send(self, message) -> str:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Pravah-Webhook/1",
                   "X-Pravah-Event": message.event, "X-Pravah-Delivery": str(message.id),
                   "X-Pravah-Signature": message.subject or ""}
        try:
            response = self.session.post(message.to, data=message.body.encode("utf-8"), headers=headers,
                                         timeout=self.timeout, allow_redirects=False)
        except requests.Timeout as exc:
            raise SendError(f"webhook timed out: {exc}", maybe_sent=True) from None
        except requests.RequestException as exc:
            raise SendError(f"webhook unreachable: {exc}") from None
        if 200 <= response.status_code < 300:
            return f"webhook-{message.id}"
        raise SendError(f"webhook answered {response.status_code}", permanent=response.status_code in _PERMANENT,
                        maybe_sent=response.status_code >= 500)

    def find(self, message) -> str | None:
        return None   # a receiver cannot be asked; it dedupes on X-Pravah-Delivery
