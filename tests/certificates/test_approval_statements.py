"""The places printed on a certificate (the applicant's GP up to the state) and the status list's
district are read in one statement during an approval, not one per level."""
import re

from sqlalchemy import event

from app.extensions import db
from tests.certificates.flow_helpers import approve, submit_any


def test_approval_reads_the_applicants_places_in_one_statement(app, api):
    ain = submit_any(api, "income")
    statements = []

    def on_sql(conn, cursor, statement, *_):
        statements.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_sql)
    try:
        body = approve(api, "income", ain)
    finally:
        event.remove(engine, "before_cursor_execute", on_sql)
    assert body["status"] == "DELIVERED", body
    places = [s for s in statements if re.search(r"\bFROM location\b", s)]
    assert len(places) == 1 and "RECURSIVE" in places[0], places
