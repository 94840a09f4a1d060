"""Charts drawn on the server as SVG: a real time axis, a y axis with ticks, labels and a legend.

No script and nothing fetched: the SVG is inline markup, styled by presentation attributes, so it
shows under a strict Content-Security-Policy. Each chart is drawn twice, wide and narrow, and the
stylesheet shows the one that fits the window, so that its text stays legible from 390 to 1280
pixels. Every chart carries a title and a description, and the page shows the table behind it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from markupsafe import Markup, escape

# Colour-blind-safe colours (Okabe-Ito), with a dash pattern each so that print and greyscale tell them apart.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
DAY_STEPS = (1, 2, 7, 14, 28, 91, 182, 364)


@dataclass(frozen=True)
class Series:
    """One line of a chart: its legend label and a value per period of the chart."""

    label: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class TimeChart:
    """What a chart shows: periods (dates, oldest first), its series, and how to name and format values."""

    title: str
    description: str
    periods: tuple[date, ...]
    series: tuple[Series, ...]
    y_label: str
    percent: bool = False
    period_days: int = 1


@dataclass(frozen=True)
class Layout:
    """The geometry of one drawing: total size, plot margins, font size and how many x ticks fit."""

    name: str
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    font: int
    max_ticks: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


WIDE = Layout("wide", 960, 320, 72, 20, 16, 52, 15, 9)
NARROW = Layout("narrow", 360, 280, 52, 14, 12, 48, 13, 3)


def nice_step(top: float, ticks: int = 4) -> float:
    """Give a round step (1, 2 or 5 times a power of ten) that covers `top` in about `ticks` steps."""
    raw = max(top, 1e-9) / ticks
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def y_ticks(top: float, percent: bool) -> tuple[float, ...]:
    """Give the y axis tick values from 0 to just above `top` (whole numbers for counts)."""
    step = nice_step(top or (0.01 if percent else 1))
    if not percent:
        step = max(1.0, round(step))
    count = max(1, math.ceil((top or step) / step))
    return tuple(i * step for i in range(count + 1))


def x_ticks(start: date, end: date, max_ticks: int) -> tuple[date, ...]:
    """Give dates for x axis labels: a step of days that fits `max_ticks` labels, starting at `start`."""
    span = (end - start).days
    step = next((s for s in DAY_STEPS if span // s + 1 <= max_ticks), max(1, span // max(1, max_ticks - 1)))
    return tuple(start + timedelta(days=d) for d in range(0, span + 1, step))


def day_label(day: date, with_year: bool) -> str:
    """Give a short date label: '5 Jan', or '5 Jan 2026' where the year must be said."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if with_year else "")


def value_label(value: float, percent: bool) -> str:
    """Give a value as the axis and tooltips show it."""
    if percent:
        return f"{100 * value:.0f}%" if value >= 0.1 or value == 0 else f"{100 * value:.1f}%"
    return f"{value:,.0f}"


class Scale:
    """Maps dates and values of a chart to SVG coordinates in a layout."""

    def __init__(self, chart: TimeChart, layout: Layout, top: float):
        self.layout = layout
        self.start = chart.periods[0]
        self.days = max(1, (chart.periods[-1] - self.start).days)
        self.top = top or 1

    def x(self, day: date) -> float:
        """Give the x coordinate of a date."""
        return self.layout.left + self.layout.plot_width * (day - self.start).days / self.days

    def y(self, value: float) -> float:
        """Give the y coordinate of a value."""
        return self.layout.top + self.layout.plot_height * (1 - value / self.top)


def y_axis(chart: TimeChart, scale: Scale, ticks: tuple[float, ...]) -> Markup:
    """Give the y axis: grid lines, tick labels and the axis name."""
    lay, parts = scale.layout, []
    for value in ticks:
        y = scale.y(value)
        parts.append(
            Markup(
                '<line x1="{l}" x2="{r}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
                '<text x="{tx}" y="{ty:.1f}" text-anchor="end" font-size="{f}" fill="#333">{v}</text>'
            ).format(
                l=lay.left,
                r=lay.width - lay.right,
                y=y,
                tx=lay.left - 6,
                ty=y + lay.font / 3,
                f=lay.font,
                v=value_label(value, chart.percent),
            )
        )
    parts.append(
        Markup(
            '<text class="axis-name" x="{x}" y="{y}" font-size="{f}" fill="#333" text-anchor="middle"'
            ' transform="rotate(-90 {x} {y})">{name}</text>'
        ).format(x=lay.font, y=lay.top + lay.plot_height / 2, f=lay.font, name=chart.y_label)
    )
    return Markup("").join(parts)


def x_axis(chart: TimeChart, scale: Scale) -> Markup:
    """Give the x axis: the baseline, date ticks with labels and the axis name."""
    lay = scale.layout
    base = lay.top + lay.plot_height
    parts = [
        Markup('<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="#333"/>').format(
            lay.left, lay.width - lay.right, base, base
        )
    ]
    ticks = x_ticks(chart.periods[0], chart.periods[-1], lay.max_ticks)
    for i, day in enumerate(ticks):
        x = scale.x(day)
        anchor = "start" if i == 0 and len(ticks) > 1 else "end" if i == len(ticks) - 1 and i else "middle"
        parts.append(
            Markup(
                '<line x1="{x:.1f}" x2="{x:.1f}" y1="{b}" y2="{b2}" stroke="#333"/>'
                '<text class="x-tick" x="{x:.1f}" y="{ty}" font-size="{f}" fill="#333" text-anchor="{a}">{t}</text>'
            ).format(
                x=x,
                b=base,
                b2=base + 4,
                ty=base + lay.font + 4,
                f=lay.font,
                a=anchor,
                t=day_label(day, i == 0 or day.year != ticks[i - 1].year),
            )
        )
    unit = "day" if chart.period_days == 1 else "week (starting Monday)"
    parts.append(
        Markup(
            '<text class="axis-name" x="{x}" y="{y}" font-size="{f}" fill="#333" text-anchor="middle">{t}</text>'
        ).format(x=lay.left + lay.plot_width / 2, y=lay.height - 4, f=lay.font, t=f"date, per {unit}")
    )
    return Markup("").join(parts)


def series_marks(chart: TimeChart, scale: Scale, index: int) -> Markup:
    """Give one series as a line with a marker on every period (zero periods sit on the baseline)."""
    series, colour, dash = chart.series[index], COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)]
    points = [(scale.x(day), scale.y(v), day, v) for day, v in zip(chart.periods, series.values)]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
    # One mark per period, a thousand on a source's page: the label is escaped once, the rest are numbers
    # and dates (Markup.format escaping each piece of each mark cost a tenth of a second a page).
    label = escape(series.label)
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"><title>{label}: {day.isoformat()} '
        f"{escape(value_label(v, chart.percent))}</title></circle>"
        for x, y, day, v in points
    )
    return Markup(
        '<g class="series" data-series="{i}"><polyline points="{p}" fill="none" stroke="{c}" stroke-width="2"'
        ' stroke-dasharray="{d}"/>{m}</g>'
    ).format(i=index, p=line, c=colour, d=dash, m=Markup(marks))


def draw(chart: TimeChart, layout: Layout, uid: str) -> Markup:
    """Give the chart drawn in one layout as an <svg> with its title and description."""
    top_value = max((v for s in chart.series for v in s.values), default=0)
    ticks = y_ticks(top_value, chart.percent)
    scale = Scale(chart, layout, ticks[-1])
    body = Markup("").join(series_marks(chart, scale, i) for i in range(len(chart.series)))
    ident = f"{uid}-{layout.name}"
    return Markup(
        '<svg class="time-chart chart-{n}" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t {id}-d"'
        ' xmlns="http://www.w3.org/2000/svg"><title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        "{y}{x}{body}</svg>"
    ).format(
        n=layout.name,
        w=layout.width,
        h=layout.height,
        id=ident,
        title=chart.title,
        desc=chart.description,
        y=y_axis(chart, scale, ticks),
        x=x_axis(chart, scale),
        body=body,
    )


def legend(chart: TimeChart) -> Markup:
    """Give the legend as an HTML list: each series' colour and dash next to its label."""
    items = [
        Markup(
            '<li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="{c}"'
            ' stroke-width="3" stroke-dasharray="{d}"/></svg> {label}</li>'
        ).format(c=COLOURS[i % len(COLOURS)], d=DASHES[i % len(DASHES)], label=s.label)
        for i, s in enumerate(chart.series)
    ]
    return Markup('<ul class="chart-legend">{}</ul>').format(Markup("").join(items))


def figure(chart: TimeChart, uid: str = "chart") -> Markup:
    """Give the chart as a <figure>: wide and narrow drawings, legend and caption; empty without periods."""
    if not chart.periods:
        return Markup('<p class="chart-empty">Nothing archived in this range.</p>')
    return Markup(
        '<figure class="archive-figure" id="{id}">{wide}{narrow}{legend}<figcaption>{cap}</figcaption></figure>'
    ).format(
        id=uid,
        wide=draw(chart, WIDE, uid),
        narrow=draw(chart, NARROW, uid),
        legend=legend(chart),
        cap=chart.description,
    )


def every_day(first: date, last: date, step: int = 1) -> tuple[date, ...]:
    """Give the dates from `first` to `last`, every `step` days."""
    return tuple(first + timedelta(days=d) for d in range(0, (last - first).days + 1, step))


def week_start(day: date) -> date:
    """Give the Monday of the week of `day`."""
    return day - timedelta(days=day.weekday())


CSS = """
.archive-figure { margin: 1em 0; max-width: 960px; }
.archive-figure svg.time-chart { width: 100%; height: auto; display: block; }
.archive-figure svg.chart-narrow { display: none; }
@media (max-width: 700px) {
  .archive-figure svg.chart-wide { display: none; }
  .archive-figure svg.chart-narrow { display: block; }
}
.chart-legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1.5em; margin: 0.4em 0; }
.chart-legend li { display: flex; align-items: center; gap: 0.4em; }
.archive-figure figcaption { font-size: 0.9em; color: #444; }
.archive-capture-view iframe.archived-page { width: 100%; height: 75vh; border: 2px solid #888; background: #fff; }
.archive-meta dd, .archive-capture-view .archived-label, .article-links { overflow-wrap: anywhere; }
.table-scroll { max-width: 100%; overflow-x: auto; }
/* Datasette turns tables into unlabelled cards on small screens; ours keep their columns and scroll instead. */
@media only screen and (max-width: 576px) {
  .table-scroll table.rows-and-columns { display: table; }
  .table-scroll .rows-and-columns thead { display: table-header-group; }
  .table-scroll .rows-and-columns tbody { display: table-row-group; }
  .table-scroll .rows-and-columns tr { display: table-row; border: none; margin: 0; padding: 0; }
  .table-scroll .rows-and-columns thead tr { position: static; }
  .table-scroll .rows-and-columns th, .table-scroll .rows-and-columns td { display: table-cell; padding: 0.3em 0.5em; border-bottom: 1px solid #eee; }
}
.archive-compare-form fieldset { border: 1px solid #ccc; margin: 0.5em 0; }
.archive-compare-form input[type=text], .archive-compare-form input[type=search] { max-width: 100%; }
.archive-compare-form label { display: inline-block; width: auto; margin: 0.2em 1.2em 0.2em 0; white-space: nowrap; }
.archive-compare-form select, .archive-compare-form input[type=date] { max-width: 100%; width: auto; }
"""


def daily_chart(points: list[dict], key: str, value: str, title: str, y_label: str) -> TimeChart:
    """Give the chart of per-day counts, every day from the first to the last drawn (zero where none)."""
    counts = {}
    for p in points:
        try:
            counts[date.fromisoformat(p[key])] = p[value]
        except (TypeError, ValueError):
            continue  # a malformed stored date cannot be placed on a time axis
    days = every_day(min(counts), max(counts)) if counts else ()
    empty = sum(1 for d in days if d not in counts)
    span = f"from {days[0]} to {days[-1]}, {empty} of {len(days)} days without any" if days else "no dated records"
    return TimeChart(
        title=title,
        description=f"{title}, {span} (drawn as zero).",
        periods=days,
        series=(Series(y_label, tuple(counts.get(d, 0) for d in days)),),
        y_label=y_label,
    )
