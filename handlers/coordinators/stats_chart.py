"""The /stats chart: registrations per week and by region, one PNG in the reader's language."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime

from handlers.core.types import Attachment
from locales import Translator

WIDTH, HEIGHT, DPI = 8, 7, 100
"""800 × 700 pixels: readable on a phone, a few tens of kilobytes."""
COLOUR = "#2e7d4f"


def stats_chart(
    t: Translator, weeks: Sequence[tuple[datetime, int]], regions: Sequence[tuple[str, int]]
) -> Attachment:
    """Two bar charts: registrations made per week, and active registrations by region."""
    # Imported here, not at the top: matplotlib takes seconds to import, and every process
    # that loads the handlers (each CLI command, each webhook worker) would pay for it.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    # Labels go in logical order: matplotlib ≥ 3.11 lays text out with libraqm (the Unicode bidi
    # algorithm), so Hebrew reads right to left; reordering it here would reverse it again.
    # A bare Figure draws with Agg and touches no global pyplot state, so requests may overlap.
    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
    per_week, per_region = figure.subplots(2, 1)

    positions = range(len(weeks))
    per_week.bar(positions, [count for _, count in weeks], color=COLOUR)
    per_week.set_xticks(positions, [f"{start:%d.%m}" for start, _ in weeks])
    per_week.set_title(t("stats.chart.weeks"))
    per_week.set_xlabel(t("stats.chart.week_of"))
    per_week.yaxis.set_major_locator(MaxNLocator(integer=True))
    # Counts start at zero; an empty week would otherwise get an axis from -0.05 to 0.05.
    per_week.set_ylim(0, max([count for _, count in weeks] + [1]))

    # Busiest region on top: barh draws the first row at the bottom.
    shown = list(reversed(regions)) or [(t("stats.chart.none"), 0)]
    rows = range(len(shown))
    per_region.barh(rows, [count for _, count in shown], color=COLOUR)
    per_region.set_yticks(rows, [name for name, _ in shown])
    per_region.set_title(t("stats.chart.regions"))
    per_region.xaxis.set_major_locator(MaxNLocator(integer=True))
    per_region.set_xlim(0, max([count for _, count in shown] + [1]))
    if t.rtl:
        per_region.yaxis.tick_right()
        per_region.invert_xaxis()

    png = io.BytesIO()
    figure.savefig(png, format="png")
    return Attachment("stats.png", "image/png", png.getvalue())
