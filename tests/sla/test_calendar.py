"""Working-day arithmetic and the holiday CSV import."""
from datetime import date, datetime, timedelta, timezone

import pytest

from app.errors import Invalid
from app.sla.calendar import WorkingCalendar
from app.sla.holidays import parse_csv
from tests.sla.sla_helpers import ist

CAL = WorkingCalendar(holidays=frozenset({date(2026, 1, 26)}))   # Republic Day
DAY = 86400


def test_weekly_days_off():
    assert not CAL.is_working(date(2026, 1, 4))      # Sunday
    assert not CAL.is_working(date(2026, 1, 10))     # second Saturday
    assert CAL.is_working(date(2026, 1, 17))         # third Saturday
    assert not CAL.is_working(date(2026, 1, 24))     # fourth Saturday
    assert CAL.is_working(date(2026, 1, 31))         # fifth Saturday
    assert not CAL.is_working(date(2026, 1, 26))     # holiday


@pytest.mark.parametrize("start, days, due", [
    (ist(2026, 1, 5, 10), 1, ist(2026, 1, 6, 10)),
    (ist(2026, 1, 9, 15), 1, ist(2026, 1, 12, 15)),       # Friday → Monday over 2nd Saturday + Sunday
    (ist(2026, 1, 11, 15), 1, ist(2026, 1, 13, 0)),       # submitted on a Sunday: counts from Monday 00:00
    (ist(2026, 1, 23, 12), 1, ist(2026, 1, 27, 12)),      # Friday, 4th Saturday, Sunday, Republic Day
    (ist(2026, 1, 5, 10), 0, ist(2026, 1, 5, 10)),
])
def test_deadlines(start, days, due):
    assert CAL.add(start, days * DAY) == due
    assert CAL.between(start, due) == days * DAY


def test_between_skips_days_off_and_is_zero_backwards():
    assert CAL.between(ist(2026, 1, 9, 12), ist(2026, 1, 12, 12)) == DAY     # Fri noon → Mon noon
    assert CAL.between(ist(2026, 1, 12), ist(2026, 1, 9)) == 0


def test_compressed_days_are_all_working_and_short():
    fast = WorkingCalendar(holidays=frozenset({date(2026, 1, 6)}), day_seconds=2)
    start = datetime(2026, 1, 4, 12, tzinfo=timezone.utc)     # a Sunday
    assert fast.add(start, fast.days(3)) == start + timedelta(seconds=6)
    assert fast.between(start, start + timedelta(seconds=5)) == 5


def test_holiday_csv_is_checked_whole():
    rows = parse_csv("date,name,name_bn,state_lgd,district_lgd\n2026-01-26,Republic Day,,,\n"
                     "2026-10-20,Durga Puja,দুর্গাপূজা,19,\n2026-03-01,Local fair,,19,315\n")
    assert [(r["on_date"], r["state_lgd"], r["district_lgd"]) for r in rows] == [
        (date(2026, 1, 26), "", ""), (date(2026, 10, 20), "19", ""), (date(2026, 3, 1), "19", "315")]
    with pytest.raises(Invalid) as bad:
        parse_csv("date,name,district_lgd\n2026-13-01,x,\n2026-01-02,,\n2026-01-03,y,315\n")
    assert set(bad.value.fields) == {"line 2", "line 3", "line 4"}
    with pytest.raises(Invalid):
        parse_csv("day,name\n2026-01-01,x\n")


def test_cli_import_is_idempotent_and_refuses_bad_files(app, tmp_path):
    good = tmp_path / "h.csv"
    good.write_text("date,name,state_lgd\n2026-01-26,Republic Day,\n2026-10-20,Durga Puja,19\n", encoding="utf-8")
    runner = app.test_cli_runner()
    first = runner.invoke(args=["holidays", "import", str(good)]).output
    assert "2 added, 0 updated" in first and "Loading holidays" in first
    assert "0 added, 0 updated" in runner.invoke(args=["holidays", "import", str(good)]).output
    bad = tmp_path / "bad.csv"
    bad.write_text("date,name\n2026-02-30,Nonsense\n", encoding="utf-8")
    result = runner.invoke(args=["holidays", "import", str(bad)])
    assert result.exit_code == 1 and "line 2" in result.output
