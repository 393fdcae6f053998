"""The triggers that keep the MIS counts (:mod:`.mis`) exact, for PostgreSQL and SQLite.

Why triggers: an application's status is written by the projection, decisions, certificates,
revocations, process migrations and the scale bench's ``COPY``; a trigger counts them all and adds
no statement to an officer action.

Each count is one ``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` over a *source* of signed
rows: +1 for a row as it is now, −1 for a row as it was. The same statement, with the whole table as
source, is the backfill (:func:`rebuild`).

* PostgreSQL: INSERT and DELETE are statement-level triggers over transition tables, so a ``COPY`` of
  20,000 rows is one grouped upsert; UPDATE (an officer action changes one row at a time) is a
  row-level trigger that does not fire when no counted column changed — a statement trigger's
  transition tables cost ~1 ms per action, the row trigger a fraction of it. Groups are upserted in
  key order, so two transactions moving one row each never wait for each other's count rows in
  opposite orders.
* SQLite: row-level triggers (SQLite has no transition tables), the source being ``NEW``/``OLD``.

Officer actions (``by=officer``) are counted from ``audit_event`` rows about an application, by the
application's place. When an application moves to another place, service or submission day (nothing
does today, but a correction could), its SLA steps' and audit events' counts move with it; an audit
event is counted when it is written, so one written before its application exists would not be (the
application row always comes first).
"""
from sqlalchemy import inspect, text

IST_OFFSET_MINUTES = 330   # Asia/Kolkata has no daylight saving time
#: the tables whose writes are counted
TABLES = ("application", "sla_step", "audit_event")

#: the summary's groups of statuses (app/reports/summary.py)
PENDING = ("SUBMITTED", "IN_PROCESS", "SENT_BACK")
DELIVERED = ("APPROVED", "DELIVERED")
#: columns of a signed application source: the application's own figures
APP = ("location_id", "service_id", "submitted_at", "status", "decided_at", "sign")
#: audit actions on an application that are not an officer's work (``by=officer`` counts the rest)
NOT_OFFICER_ACTIONS = ("submitted", "resubmitted", "document_added", "complaint", "feedback")
#: columns of a signed step source: the application's place, service and day, then the step's
STEP = ("location_id", "service_id", "submitted_at", "office_id", "officer_id", "opened_at", "done_at",
        "late_seconds", "outcome", "sign")


class _Dialect:
    def __init__(self, name: str):
        self.pg = name == "postgresql"

    def day(self, column: str) -> str:
        if self.pg:
            return f"(({column}) AT TIME ZONE 'Asia/Kolkata')::date"
        # whole seconds first: SQLite's date arithmetic rounds to milliseconds, and 18:29:59.999999
        # UTC would become the next IST day
        return f"date(substr({column}, 1, 19), '+{IST_OFFSET_MINUTES} minutes')"

    def behalf(self, data: str) -> str:
        if self.pg:
            return f"{data} ->> 'on_behalf_of'"
        return f"json_extract({data}, '$.on_behalf_of')"

    def seconds(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"extract(epoch FROM {later} - {earlier})"
        return f"(julianday({later}) - julianday({earlier})) * 86400.0"


def _when(condition: str) -> str:
    return f"sum(CASE WHEN {condition} THEN src.sign ELSE 0 END)"


def _upsert(table: str, keys: list[tuple[str, str]], values: list[tuple[str, str]], source: str) -> str:
    """Add the signed ``source`` rows, grouped by ``keys``, to ``table``; groups summing to nothing
    are left alone (a row re-written with the same key costs no write)."""
    names = [k for k, _ in keys] + [v for v, _ in values]
    exprs = [f"{e} AS {k}" for k, e in keys] + [f"{e} AS {v}" for v, e in values]
    positions = ", ".join(str(i + 1) for i in range(len(keys)))
    changed = " OR ".join(f"{e} <> 0" for _, e in values)
    sets = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v, _ in values)
    return (f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(exprs)} FROM ({source}) AS src "
            f"WHERE true GROUP BY {positions} HAVING {changed} ORDER BY {positions} "
            f"ON CONFLICT ({', '.join(k for k, _ in keys)}) DO UPDATE SET {sets}")


def _status_in(statuses: tuple) -> str:
    return "src.status IN (" + ", ".join(f"'{x}'" for x in statuses) + ")"


def application_counts(d: _Dialect, source: str) -> str:
    decided = "src.decided_at IS NOT NULL"
    return _upsert("mis_application_count",
                   [("location_id", "src.location_id"), ("service_id", "src.service_id"),
                    ("day", d.day("src.submitted_at"))],
                   [("applications", "sum(src.sign)"), ("pending", _when(_status_in(PENDING))),
                    ("delivered", _when(_status_in(DELIVERED))), ("rejected", _when("src.status = 'REJECTED'")),
                    ("decided", _when(decided)),
                    ("decided_seconds", f"sum(CASE WHEN {decided} THEN src.sign * "
                                        f"{d.seconds('src.decided_at', 'src.submitted_at')} ELSE 0 END)")],
                   source)


def application_step_counts(d: _Dialect, source: str) -> str:
    """The SLA steps' part of an application's row: done, and done (or open) with no lateness."""
    return _upsert("mis_application_count",
                   [("location_id", "src.location_id"), ("service_id", "src.service_id"),
                    ("day", d.day("src.submitted_at"))],
                   [("steps_done", _when("src.done_at IS NOT NULL")), ("steps_on_time", _when("src.late_seconds = 0"))],
                   source)


def step_counts(d: _Dialect, source: str) -> str:
    done = "src.done_at IS NOT NULL"
    return _upsert("mis_step_count",
                   [("location_id", "src.location_id"), ("office_id", "coalesce(src.office_id, 0)"),
                    ("officer_id", "coalesce(src.officer_id, 0)"), ("day", d.day("src.opened_at"))],
                   [("steps", "sum(src.sign)"), ("open", _when("src.done_at IS NULL")), ("done", _when(done)),
                    ("rejected", _when("src.outcome = 'reject'")), ("late", _when("src.late_seconds > 0")),
                    ("done_late", _when(f"{done} AND src.late_seconds > 0")),
                    ("on_time", _when("src.late_seconds = 0")),
                    ("done_seconds", f"sum(CASE WHEN {done} THEN src.sign * "
                                     f"{d.seconds('src.done_at', 'src.opened_at')} ELSE 0 END)")],
                   source)


def officer_actions(d: _Dialect, source: str) -> str:
    return _upsert("mis_officer_action",
                   [("location_id", "src.location_id"), ("actor_id", "src.actor_id"), ("day", d.day("src.at"))],
                   [("actions", "sum(src.sign)"), ("delegated", _when("src.behalf IS NOT NULL"))], source)


def _audit_rows(d: _Dialect, event: str, app: str, sign: int, tail: str, where: str = "") -> str:
    """Officer actions (signed) of audit ``event`` on the application ``app``; ``tail``: FROM …"""
    excluded = ", ".join(f"'{a}'" for a in NOT_OFFICER_ACTIONS)
    return (f"SELECT {app}.location_id AS location_id, {event}.actor_id AS actor_id, {event}.at AS at, "
            f"{d.behalf(event + '.data')} AS behalf, {sign} AS sign {tail} WHERE {event}.object_type = "
            f"'application' AND {event}.actor_id IS NOT NULL AND {event}.action NOT IN ({excluded}){where}")


def _row(alias: str, columns: tuple, sign: int, tail: str = "") -> str:
    """``alias``'s columns as a signed source row (``tail``: its FROM/WHERE, if any)."""
    return "SELECT " + ", ".join(f"{alias}.{c} AS {c}" for c in columns[:-1]) + f", {sign} AS sign{tail}"


def _step_rows(steps: str, sign: int, join: str = "JOIN application a ON a.id = s.application_id",
               app_alias: str = "a", where: str = "") -> str:
    app_cols = ", ".join(f"{app_alias}.{c} AS {c}" for c in STEP[:3])
    step_cols = ", ".join(f"s.{c} AS {c}" for c in STEP[3:-1])
    return f"SELECT {app_cols}, {step_cols}, {sign} AS sign FROM {steps} s {join}{where}"


def _moved(d: _Dialect, old: str, new: str) -> str:
    return (f"({old}.location_id <> {new}.location_id OR {old}.service_id <> {new}.service_id "
            f"OR {d.day(old + '.submitted_at')} <> {d.day(new + '.submitted_at')})")


# ---- PostgreSQL ---------------------------------------------------------------------------------

def _pg_statements(carry_place: bool) -> list[str]:
    d = _Dialect("postgresql")
    bodies = {
        ("application", "INSERT"): [application_counts(d, _row("new_rows", APP, 1, " FROM new_rows"))],
        ("application", "DELETE"): [application_counts(d, _row("old_rows", APP, -1, " FROM old_rows")),
                                    officer_actions(d, _audit_rows(d, "e", "a", -1, "FROM audit_event e "
                                                                   "JOIN old_rows a ON a.ain = e.object_key"))],
        ("audit_event", "INSERT"): [officer_actions(d, _audit_rows(
            d, "e", "a", 1, "FROM new_rows e JOIN application a ON a.ain = e.object_key"))],
        ("audit_event", "DELETE"): [officer_actions(d, _audit_rows(
            d, "e", "a", -1, "FROM old_rows e JOIN application a ON a.ain = e.object_key"))],
    }
    for op, source in (("INSERT", _step_rows("new_rows", 1)), ("DELETE", _step_rows("old_rows", -1))):
        bodies["sla_step", op] = [application_step_counts(d, source), step_counts(d, source)]
    for table in TABLES:
        bodies[table, "UPDATE"] = []
    rows = _row_bodies(d, carry_place)
    out = []
    for (table, op), statements in bodies.items():
        name = f"mis_{table}_{op.lower()}"
        # an UPDATE is one row at a time (an officer action): a row trigger, not fired when no counted
        # column changed, costs far less than a statement trigger's transition tables
        row_level = op == "UPDATE"
        body = ";\n  ".join(rows[table, op] if row_level else statements)
        out.append(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                   f"BEGIN\n  {body};\n  RETURN NULL;\nEND $$")
        out.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        if row_level:
            when = _changed(d, table)
            out.append(f"CREATE TRIGGER {name} AFTER UPDATE ON {table} FOR EACH ROW"
                       f"{f' WHEN ({when})' if when else ''} EXECUTE FUNCTION {name}()")
        else:
            tables = {"INSERT": "NEW TABLE AS new_rows", "DELETE": "OLD TABLE AS old_rows"}[op]
            out.append(f"CREATE TRIGGER {name} AFTER {op} ON {table} REFERENCING {tables} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()")
    return out


# ---- SQLite -------------------------------------------------------------------------------------

def _row_step(alias: str, sign: int) -> str:
    app_cols = ", ".join(f"a.{c}" for c in STEP[:3])
    step_cols = ", ".join(f"{alias}.{c} AS {c}" for c in STEP[3:-1])
    return f"SELECT {app_cols}, {step_cols}, {sign} AS sign FROM application a WHERE a.id = {alias}.application_id"


#: an UPDATE that changes none of these columns changes no count (the row triggers' WHEN)
COUNTED_COLUMNS = {"application": ("status", "decided_at", "location_id", "service_id", "submitted_at", "ain"),
                   "sla_step": ("application_id", "office_id", "officer_id", "opened_at", "done_at", "late_seconds",
                                "outcome")}


def _changed(d: _Dialect, table: str) -> str | None:
    if table not in COUNTED_COLUMNS:
        return None
    op = "IS DISTINCT FROM" if d.pg else "IS NOT"
    return " OR ".join(f"OLD.{c} {op} NEW.{c}" for c in COUNTED_COLUMNS[table])


def _row_bodies(d: _Dialect, carry_place: bool = True) -> dict:
    """Row-level trigger bodies over ``NEW``/``OLD``: SQLite's, and PostgreSQL's for UPDATE."""
    moved = _moved(d, "OLD", "NEW")
    relabelled = "(OLD.location_id <> NEW.location_id OR OLD.ain <> NEW.ain)"
    move_steps = (_step_rows("sla_step", -1, join="", app_alias="OLD",
                             where=f" WHERE s.application_id = OLD.id AND {moved}")
                  + " UNION ALL "
                  + _step_rows("sla_step", 1, join="", app_alias="NEW",
                               where=f" WHERE s.application_id = NEW.id AND {moved}"))
    move_events = officer_actions(d, _audit_rows(
        d, "e", "OLD", -1, "FROM audit_event e", f" AND e.object_key = OLD.ain AND {relabelled}") + " UNION ALL "
        + _audit_rows(d, "e", "NEW", 1, "FROM audit_event e", f" AND e.object_key = NEW.ain AND {relabelled}"))
    moves = [application_step_counts(d, move_steps), step_counts(d, move_steps), move_events]
    if d.pg:   # plpgsql can skip the look-ups when nothing moved
        moves = [f"IF {moved} THEN\n    {moves[0]};\n    {moves[1]};\n  END IF",
                 f"IF {relabelled} THEN\n    {moves[2]};\n  END IF"]
    # open work items and SLA steps carry their application's place and service (app/reports/open_rows.py)
    carried = "(OLD.location_id <> NEW.location_id OR OLD.service_id <> NEW.service_id)"
    carry = [f"UPDATE {table} SET location_id = NEW.location_id, service_id = NEW.service_id "
             f"WHERE application_id = NEW.id AND {carried}" for table in ("work_item", "sla_step")]
    if d.pg:
        carry = [f"IF {carried} THEN\n    {carry[0]};\n    {carry[1]};\n  END IF"]
    if not carry_place:   # a database before migration place01
        carry = []
    bodies = {
        ("application", "INSERT"): [application_counts(d, _row("NEW", APP, 1))],
        ("application", "DELETE"): [application_counts(d, _row("OLD", APP, -1)), officer_actions(d, _audit_rows(
            d, "e", "OLD", -1, "FROM audit_event e", " AND e.object_key = OLD.ain"))],
        ("application", "UPDATE"): [
            application_counts(d, _row("OLD", APP, -1) + " UNION ALL " + _row("NEW", APP, 1)), *moves, *carry],
    }
    for op, source in (("INSERT", _row_step("NEW", 1)), ("DELETE", _row_step("OLD", -1)),
                       ("UPDATE", _row_step("OLD", -1) + " UNION ALL " + _row_step("NEW", 1))):
        bodies["sla_step", op] = [application_step_counts(d, source), step_counts(d, source)]
    events = {sign: _audit_rows(d, alias, "a", sign, "FROM application a", f" AND a.ain = {alias}.object_key")
              for sign, alias in ((1, "NEW"), (-1, "OLD"))}
    bodies["audit_event", "INSERT"] = [officer_actions(d, events[1])]
    bodies["audit_event", "DELETE"] = [officer_actions(d, events[-1])]
    bodies["audit_event", "UPDATE"] = [officer_actions(d, events[-1] + " UNION ALL " + events[1])]
    return bodies


def _sqlite_statements(carry_place: bool) -> list[str]:
    d = _Dialect("sqlite")
    out = []
    for (table, op), statements in _row_bodies(d, carry_place).items():
        name = f"mis_{table}_{op.lower()}"
        when = _changed(d, table) if op == "UPDATE" else None
        out.append(f"DROP TRIGGER IF EXISTS {name}")
        out.append(f"CREATE TRIGGER {name} AFTER {op} ON {table} FOR EACH ROW{f' WHEN {when}' if when else ''} "
                   "BEGIN\n  " + ";\n  ".join(statements) + ";\nEND")
    return out


def statements(dialect: str, carry_place: bool = True) -> list[str]:
    return _pg_statements(carry_place) if dialect == "postgresql" else _sqlite_statements(carry_place)


def create(connection) -> None:
    """Create (or replace) the triggers on ``connection``'s database (as its schema is: a migration
    before place01 has no place on the open rows to carry)."""
    carry = "location_id" in {c["name"] for c in inspect(connection).get_columns("sla_step")}
    for sql in statements(connection.dialect.name, carry):
        connection.exec_driver_sql(sql)


def drop(connection) -> None:
    for table in TABLES:
        for op in ("insert", "update", "delete"):
            name = f"mis_{table}_{op}"
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(connection) -> None:
    """Recount everything from the applications and SLA steps: one grouped INSERT per table."""
    d = _Dialect(connection.dialect.name)
    for table in ("mis_application_count", "mis_step_count", "mis_officer_action"):
        connection.execute(text(f"DELETE FROM {table}"))
    connection.execute(text(application_counts(d, _row("application", APP, 1, " FROM application"))))
    everything = _step_rows("sla_step", 1)
    connection.execute(text(application_step_counts(d, everything)))
    connection.execute(text(step_counts(d, everything)))
    connection.execute(text(officer_actions(d, _audit_rows(
        d, "e", "a", 1, "FROM audit_event e JOIN application a ON a.ain = e.object_key"))))
