"""UIN: format, per-department/service/year counters, unique and gap-free across processes."""
import multiprocessing
import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from app.certificates.uin import UIN_RE, counter_name, next_uin
from app.database import install_sqlite_pragmas
from app.models.application import Counter
from tests.certificates.conftest import SERVICES


def _engine(url):
    engine = create_engine(url, connect_args={"timeout": 30})
    install_sqlite_pragmas(engine)
    Counter.__table__.create(engine, checkfirst=True)
    return engine


@pytest.fixture()
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'uin.db'}"


def test_format_and_codes_for_every_service(db_url):
    engine = _engine(db_url)
    with Session(engine) as session:
        for key, _name, _bn, dept, code, _bi in SERVICES:
            uin = next_uin(session, dept, code, 2026)
            assert re.fullmatch(r"^[A-Z]{3}\d{3}\d{4}\d{6}$", uin) and UIN_RE.fullmatch(uin)
            assert uin == f"{dept}{code}2026000001", key
        session.commit()


def test_serial_per_department_service_year(db_url):
    engine = _engine(db_url)
    with Session(engine) as session:
        assert [next_uin(session, "PRD", "001", 2026) for _ in range(3)] == [
            "PRD0012026000001", "PRD0012026000002", "PRD0012026000003"]
        assert next_uin(session, "PRD", "002", 2026) == "PRD0022026000001"
        assert next_uin(session, "PRD", "001", 2027) == "PRD0012027000001"
        session.commit()
        value = session.scalar(select(Counter.value).where(Counter.name == counter_name("PRD", "001", 2026)))
        assert value == 3


def test_rollback_returns_the_serial(db_url):
    engine = _engine(db_url)
    with Session(engine) as session:
        assert next_uin(session, "HHA", "012", 2026) == "HHA0122026000001"
        session.rollback()
        assert next_uin(session, "HHA", "012", 2026) == "HHA0122026000001"


@pytest.mark.parametrize("bad", [("PR", "001"), ("prd", "001"), ("PRD", "1"), ("PRD", "01a")])
def test_malformed_codes_refused(db_url, bad):
    with Session(_engine(db_url)) as session, pytest.raises(ValueError):
        next_uin(session, bad[0], bad[1], 2026)


def _worker(url, count, queue):
    engine = _engine(url)
    got = []
    for _ in range(count):
        with Session(engine) as session:  # one transaction per UIN, as per approval
            got.append(next_uin(session, "PRD", "001", 2026))
            session.commit()
    queue.put(got)


def test_unique_and_gap_free_across_processes(db_url):
    _engine(db_url).dispose()  # create the table before the race
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(db_url, 25, queue)) for _ in range(4)]
    for p in procs:
        p.start()
    results = [uin for _ in procs for uin in queue.get(timeout=60)]
    for p in procs:
        p.join(timeout=60)
    serials = sorted(int(u[-6:]) for u in results)
    assert serials == list(range(1, 101))


def test_claim_takes_the_peeked_serial_and_refuses_a_taken_one(db_url):
    from app.certificates.uin import UinTaken, claim_uin, peek_uin
    engine = _engine(db_url)
    with Session(engine) as session:
        assert peek_uin(session, "PRD", "001", 2026) == (0, "PRD0012026000001")
        assert claim_uin(session, "PRD", "001", 2026, 0) == "PRD0012026000001"   # creates the row
        seen, uin = peek_uin(session, "PRD", "001", 2026)
        assert (seen, uin) == (1, "PRD0012026000002")
        assert next_uin(session, "PRD", "001", 2026) == "PRD0012026000002"      # another approval took it
        with pytest.raises(UinTaken):
            claim_uin(session, "PRD", "001", 2026, seen)
        assert session.scalar(select(Counter.value).where(Counter.name == counter_name("PRD", "001", 2026))) == 2
        assert claim_uin(session, "PRD", "001", 2026, 2) == "PRD0012026000003"
