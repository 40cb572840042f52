"""Report periods: a quarter (1–4) or a whole year (quarter 0), in the organization's time zone."""

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

LABEL = re.compile(r"^(?P<year>20\d\d)(?:-Q(?P<quarter>[1-4]))?$")


@dataclass(frozen=True, kw_only=True)
class ReportPeriod:
    year: int
    quarter: int  # 0: the whole year

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def last_day(self) -> dt.date:
        if not self.quarter or self.quarter == 4:
            return dt.date(self.year, 12, 31)
        return dt.date(self.year, 3 * self.quarter + 1, 1) - dt.timedelta(days=1)

    def bounds(self, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
        """[start, end) as aware datetimes at midnight in the organization's time zone."""
        tz = zoneinfo.ZoneInfo(tz_name)
        start = dt.datetime.combine(self.first_day, dt.time(), tzinfo=tz)
        end = dt.datetime.combine(self.last_day + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return start, end

    def previous(self) -> "ReportPeriod":
        if not self.quarter:
            return ReportPeriod(year=self.year - 1, quarter=0)
        if self.quarter == 1:
            return ReportPeriod(year=self.year - 1, quarter=4)
        return ReportPeriod(year=self.year, quarter=self.quarter - 1)


def parse_label(label: str) -> ReportPeriod | None:
    m = LABEL.match(label)
    if m is None:
        return None
    return ReportPeriod(year=int(m["year"]), quarter=int(m["quarter"] or 0))


def quarter_of(day: dt.date) -> ReportPeriod:
    return ReportPeriod(year=day.year, quarter=(day.month - 1) // 3 + 1)
