"""Working-day arithmetic: the SLA clock runs only on working days in the office's time zone.

A deadline "T+n" is the instant at which n whole days of working time have passed since T (an
application submitted on Friday 15:00 with Saturday and Sunday off is due T+1 on Monday 15:00; one
submitted on a Sunday starts counting at Monday 00:00). Days off are the weekly ones (Sundays and
the second/fourth Saturdays by default, ``working_week.json`` or the ``SLA_WORKING_WEEK`` setting)
plus the holidays of the applicant's state and district (``holiday`` rows).

With ``SLA_DAY_SECONDS`` below 86400 (demos, black-box tests) a day is that many seconds and every
day is a working day.
"""
import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Holiday

WORKING_WEEK_FILE = Path(__file__).with_name("working_week.json")
DAY = 86400
_WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
#: A deadline further than this many calendar days away means the calendar has no working days.
_MAX_DAYS = 3660


@dataclass
class WorkingCalendar:
    timezone: str = "Asia/Kolkata"
    #: weekday numbers (Monday = 0) that are always off
    weekly_off: frozenset = frozenset({6})
    #: which Saturdays of a month are off (2 = the second Saturday)
    saturdays_off: frozenset = frozenset({2, 4})
    holidays: frozenset = field(default_factory=frozenset)
    #: length of one SLA day; below 86400 every day is a working day
    day_seconds: int = DAY

    @property
    def compressed(self) -> bool:
        return self.day_seconds < DAY

    def days(self, n: float) -> float:
        """Working seconds in ``n`` SLA days."""
        return float(n) * self.day_seconds

    def is_working(self, day: date) -> bool:
        if self.compressed:
            return True
        if day.weekday() in self.weekly_off or day in self.holidays:
            return False
        return not (day.weekday() == 5 and (day.day - 1) // 7 + 1 in self.saturdays_off)

    def _day_bounds(self, day: date) -> tuple[datetime, datetime]:
        tz = ZoneInfo(self.timezone)
        return datetime.combine(day, time(0), tz), datetime.combine(day + timedelta(days=1), time(0), tz)

    def add(self, start: datetime, seconds: float) -> datetime:
        """The instant when ``seconds`` of working time have passed since ``start``."""
        if self.compressed:
            return start + timedelta(seconds=seconds)
        remaining = timedelta(seconds=seconds)
        day = start.astimezone(ZoneInfo(self.timezone)).date()
        for _ in range(_MAX_DAYS):
            day_start, day_end = self._day_bounds(day)
            if self.is_working(day):
                begin = max(start, day_start)
                if begin + remaining <= day_end:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= day_end - begin
            day += timedelta(days=1)
        raise ValueError("the working calendar has no working days in the next ten years")

    def between(self, a: datetime, b: datetime) -> float:
        """Working seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
        if b <= a:
            return 0.0
        if self.compressed:
            return (b - a).total_seconds()
        total = 0.0
        tz = ZoneInfo(self.timezone)
        day, last = a.astimezone(tz).date(), b.astimezone(tz).date()
        while day <= last:
            if self.is_working(day):
                day_start, day_end = self._day_bounds(day)
                total += max(0.0, (min(b, day_end) - max(a, day_start)).total_seconds())
            day += timedelta(days=1)
        return total


def working_week(settings, state_lgd: str | None) -> dict:
    table = (settings or {}).get("SLA_WORKING_WEEK") or json.loads(WORKING_WEEK_FILE.read_text(encoding="utf-8"))
    return table.get(state_lgd or "", table["default"])


def calendar_for(location, settings, since: date | None = None) -> WorkingCalendar:
    """The calendar of the state and district ``location`` lies in, holidays from ``since`` on."""
    state = location.ancestor_at("STATE") if location is not None else None
    district = location.ancestor_at("DISTRICT") if location is not None else None
    state_lgd = state.lgd_code if state else ""
    district_lgd = district.lgd_code if district else ""
    week = working_week(settings, state_lgd)
    day_seconds = int((settings or {}).get("SLA_DAY_SECONDS") or DAY)
    holidays: frozenset = frozenset()
    if day_seconds >= DAY:
        scope = or_(Holiday.state_lgd == "",
                    (Holiday.state_lgd == state_lgd) & Holiday.district_lgd.in_(("", district_lgd)))
        query = select(Holiday.on_date).where(scope)
        if since is not None:
            query = query.where(Holiday.on_date >= since - timedelta(days=1))
        holidays = frozenset(db.session.scalars(query))
    return WorkingCalendar(
        timezone=week.get("timezone", "Asia/Kolkata"),
        weekly_off=frozenset(_WEEKDAYS.index(d.upper()) for d in week.get("weekly_off", ["SUN"])),
        saturdays_off=frozenset(int(n) for n in week.get("saturdays_off", [])),
        holidays=holidays, day_seconds=day_seconds)
