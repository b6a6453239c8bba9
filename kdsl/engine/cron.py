"""robfig/cron/v3's standard parser, as the CronJob controller and the API server's validation read a schedule."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import attrs

from kdsl.core.values import digits

# Simulated time 0 is this moment: schedules are read in UTC from the Unix epoch.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
MINUTE_MS = 60_000

# robfig/cron/v3, as ParseStandard reads a spec: (min, max, names) per field.
FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}),
          ("month", 1, 12, {m: i + 1 for i, m in enumerate(("jan feb mar apr may jun jul aug sep oct nov "
                                                             "dec").split())}),
          ("day of week", 0, 6, {d: i for i, d in enumerate("sun mon tue wed thu fri sat".split())}))
DESCRIPTORS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
               "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}


class CronError(ValueError):
    """A schedule robfig/cron would not parse; the text is its message."""


@attrs.frozen
class Schedule:
    """A parsed five-field schedule. `dom_star`/`dow_star`: a field written `*` or `?` (robfig's star
    bit): when either day field is a star both must match, otherwise either may."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    dom_star: bool
    dow_star: bool

    @classmethod
    def parse(cls, spec: str) -> Schedule:
        spec = spec.strip()
        if not spec:
            raise CronError("empty spec string")
        if spec.startswith(("TZ=", "CRON_TZ=")) and " " in spec:  # a time zone first: robfig reads it, kdsl runs UTC
            zone, spec = spec.split(" ", 1)
            zone = zone.split("=", 1)[1]
            if not _known_zone(zone):
                raise CronError(f"provided bad location {zone}: unknown time zone {zone}")
            spec = spec.strip()
        if spec.startswith("@"):
            if spec not in DESCRIPTORS:
                raise CronError(f"unrecognized descriptor: {spec}")
            spec = DESCRIPTORS[spec]
        fields = spec.split()
        if len(fields) != 5:
            raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")  # Go's %s of a slice
        parsed = [_field(text, lo, hi, names) for text, (_, lo, hi, names) in zip(fields, FIELDS)]
        return cls(*(values for values, _ in parsed), dom_star=parsed[2][1], dow_star=parsed[4][1])

    def next_after(self, ms: int) -> int | None:
        """The first scheduled minute strictly after `ms`, or None within five years (robfig gives up)."""
        t = EPOCH + dt.timedelta(minutes=ms // MINUTE_MS + 1)
        limit = t.year + 5
        while t.year <= limit:
            if t.month not in self.months:
                t = dt.datetime(t.year + (t.month == 12), t.month % 12 + 1, 1, tzinfo=dt.timezone.utc)
                continue
            if not self._day(t):
                t = dt.datetime(t.year, t.month, t.day, tzinfo=dt.timezone.utc) + dt.timedelta(days=1)
                continue
            if t.hour not in self.hours:
                t = t.replace(minute=0) + dt.timedelta(hours=1)
                continue
            if t.minute not in self.minutes:
                t += dt.timedelta(minutes=1)
                continue
            return int((t - EPOCH).total_seconds()) * 1000
        return None

    def _day(self, t: dt.datetime) -> bool:
        dom = t.day in self.days
        dow = (t.isoweekday() % 7) in self.weekdays
        if self.dom_star or self.dow_star:
            return dom and dow
        return dom or dow


def _field(text: str, lo: int, hi: int, names: dict[str, int]) -> tuple[frozenset[int], bool]:
    values: set[int] = set()
    star = False
    for part in text.split(","):
        rng, *step = part.split("/")
        if len(step) > 1:
            raise CronError(f"too many slashes: {part}")
        if rng in ("*", "?"):
            start, end, star = lo, hi, True
        else:
            bounds = rng.split("-")
            if len(bounds) > 2:
                raise CronError(f"too many hyphens: {part}")
            start = _number(bounds[0], names)
            end = _number(bounds[1], names) if len(bounds) == 2 else (hi if step else start)
        every = _number(step[0], {}) if step else 1
        if start < lo:
            raise CronError(f"beginning of range ({start}) below minimum ({lo}): {part}")
        if end > hi:
            raise CronError(f"end of range ({end}) above maximum ({hi}): {part}")
        if start > end:
            raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {part}")
        if every <= 0:
            raise CronError(f"step of range should be a positive number: {part}")
        values.update(range(start, end + 1, every))
    return frozenset(values), star


def _number(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    if not digits(text):
        raise CronError(f"failed to parse int from {text}: strconv.Atoi: parsing {text!r}: invalid syntax")
    return int(text)


def timestamp(ms: int) -> dt.datetime:
    return EPOCH + dt.timedelta(milliseconds=ms)


def _known_zone(name: str) -> bool:
    """time.LoadLocation's answer, from the IANA database Python has (UTC and Local are Go's own names)."""
    if name in ("", "UTC", "Local"):
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
