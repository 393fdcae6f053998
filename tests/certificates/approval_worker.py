"""``python -m tests.certificates.approval_worker DATA_DIR KEYS_DIR USERNAME ITEM_ID...``

One server process approving work items through the app's own operation (inbox.complete), one
transaction per approval, as a web worker would; prints the UINs it issued as JSON. The database is
``PRAVAH_TEST_DATABASE_URL`` (TestingConfig).
"""
import json
import sys
from pathlib import Path

from sqlalchemy import select


def main(data_dir: str, keys_dir: str, username: str, item_ids: list[int]) -> list[str]:
    from app import create_app
    from app.accounts.actor import Actor
    from app.config import TestingConfig
    from app.extensions import db
    from app.inbox import operations as inbox
    from app.models import Certificate, User

    config = TestingConfig()
    config.DATA_DIR = Path(data_dir)
    config.SIGNING_KEYS_DIR = Path(keys_dir)
    app = create_app(config)
    uins = []
    with app.app_context():
        for item_id in item_ids:
            actor = Actor(user=db.session.scalar(select(User).where(User.username == username)))
            # Five officers' worth of approvals at once: out of FIFO turn by design, so say why.
            body = {"action": "approve", "fifo_override_reason": "parallel approval test"}
            application = inbox.complete(actor, item_id, body, app.config)
            uin = db.session.scalar(select(Certificate.uin).where(Certificate.application_id == application.id))
            db.session.commit()
            uins.append(uin)
        db.session.remove()
        db.engine.dispose()
    return uins


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], sys.argv[3], [int(i) for i in sys.argv[4:]])))
