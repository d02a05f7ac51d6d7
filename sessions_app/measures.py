"""A client's questionnaire scores over time: change since the first, labels, chart geometry."""

import dataclasses
import datetime as dt

from . import instruments

# The chart's drawing area, in SVG user units (the SVG scales to its container).
WIDTH, HEIGHT = 640, 240
# The severity bands' names are written in the right margin.
LEFT, RIGHT, TOP, BOTTOM = 36, 118, 10, 26


@dataclasses.dataclass(frozen=True)
class Point:
    total: int
    band: str
    submitted_at: dt.datetime
    session_uuid: object
    session_number: int
    x: float = 0.0
    y: float = 0.0


@dataclasses.dataclass(frozen=True)
class BandArea:
    band: instruments.Band
    y: float
    height: float


@dataclasses.dataclass(frozen=True)
class Trend:
    """One instrument's scores, oldest first, with what the change since the first means."""

    instrument: instruments.Instrument
    # Tuples: a trend is alike by value, so that its rendered chart can be kept (jinja2.kept).
    points: tuple
    bands: tuple
    ticks: tuple  # (value, y) of the vertical axis

    @property
    def first(self):
        return self.points[0]

    @property
    def latest(self):
        return self.points[-1]

    @property
    def change(self):
        return self.latest.total - self.first.total

    @property
    def reliable_improvement(self):
        return -self.change >= self.instrument.reliable_change

    @property
    def reliable_deterioration(self):
        return self.change >= self.instrument.reliable_change

    @property
    def response(self):
        """At least 50 % down from a first score above 0."""
        return (
            len(self.points) > 1
            and self.first.total > 0
            and (2 * self.latest.total <= self.first.total)
        )

    @property
    def remission(self):
        """Below 5 now, having started at 5 or above."""
        return (
            len(self.points) > 1
            and self.first.total >= instruments.REMISSION_BELOW
            and self.latest.total < instruments.REMISSION_BELOW
        )

    # The drawing area, for the template.
    width, height, left, right, top, bottom = WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM

    @property
    def plot_width(self):
        return WIDTH - LEFT - RIGHT

    @property
    def axis_y(self):
        return HEIGHT - BOTTOM

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    def band_label(self, code):
        band = self.instrument.band_named(code)
        return band.label if band else code


def _y(value, top):
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top)


def _x(moment, first, span):
    inner = WIDTH - LEFT - RIGHT
    if not span:
        return LEFT + inner / 2
    return LEFT + inner * (moment - first).total_seconds() / span


def trend(instrument, rows):
    """The Trend of `rows` (total, band, submitted_at, session uuid, number), oldest first."""
    top = instrument.max_total
    first, last = rows[0][2], rows[-1][2]
    span = (last - first).total_seconds()
    points = tuple(
        Point(total, band, at, session, number, x=_x(at, first, span), y=_y(total, top))
        for total, band, at, session, number in rows
    )
    bands = [
        BandArea(band, y=_y(min(band.high + 1, top), top), height=0.0) for band in instrument.bands
    ]
    bands = tuple(
        dataclasses.replace(area, height=_y(area.band.low, top) - area.y) for area in bands
    )
    ticks = tuple((value, _y(value, top)) for value in range(0, top + 1, 5))
    return Trend(instrument=instrument, points=points, bands=bands, ticks=ticks)


def trends(rows):
    """A Trend per instrument with scores, in the order of instruments.INSTRUMENTS, from rows
    (instrument code, total, band, submitted_at, session uuid, session number) by time."""
    by_code = {}
    for code, *row in rows:
        by_code.setdefault(code, []).append(row)
    return [
        trend(instrument, by_code[code])
        for code, instrument in instruments.INSTRUMENTS.items()
        if code in by_code
    ]
