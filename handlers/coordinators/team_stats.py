"""The response team's lines in /stats."""

from __future__ import annotations

from handlers.core.context import Ctx
from models.localized import localized
from models.team_stats import TeamStats


def team_lines(ctx: Ctx, numbers: TeamStats) -> list[str]:
    """Questions asked and answered, the median wait for a first answer, leads that registered."""
    lines = [ctx.t("stats.team.questions", asked=numbers.asked, answered=numbers.answered)]
    if numbers.median_first_answer is not None:
        hours = numbers.median_first_answer.total_seconds() / 3600
        lines.append(ctx.t("stats.team.median", hours=f"{hours:.1f}"))
    lines.append(ctx.t("stats.team.leads"))
    lines += [
        ctx.t(
            "stats.team.lead_line",
            name=localized(track.content, "title", ctx.locale),
            leads=leads,
            registered=registered,
        )
        for track, leads, registered in numbers.leads
    ]
    return lines
