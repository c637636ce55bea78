"""/stats: registrations, subscribers and leads the coordinator may see, as text and a chart."""

from __future__ import annotations

from handlers.coordinators.answer_stats import answer_lines
from handlers.coordinators.coordinator import CoordinatorRouter
from handlers.coordinators.stats_chart import stats_chart
from handlers.coordinators.team_stats import team_lines
from handlers.core.context import Ctx
from handlers.core.types import Reply
from models.audit import audit
from models.discovery import REGION, option_label, questionnaire
from models.kibbutz_contacts import reach as kibbutz_reach
from models.localized import localized
from models.roles import Authority
from models.stats import gather
from models.team_stats import team_stats

coordinator = CoordinatorRouter("stats")


@coordinator.command("stats")
async def stats(ctx: Ctx, authority: Authority) -> list[Reply]:
    """Summarise the numbers within the coordinator's reach and attach the chart."""
    ctx.end()
    numbers = await gather(ctx.session, authority, ctx.now, ctx.config.timezone)
    questions = await questionnaire(ctx.session)

    def region_name(region: str | None) -> str:
        if region is None:
            return ctx.t("stats.no_region")
        return option_label(questions, REGION, region, ctx.locale)

    regions = [(region_name(region), count) for region, count in numbers.by_region]
    scope = "stats.scope.national" if authority.national else "stats.scope.regional"
    lines = [ctx.t("stats.title"), ctx.t(scope), ""]
    lines.append(ctx.t("stats.registrations", count=numbers.registrations))
    lines += [ctx.t("stats.line", name=name, count=count) for name, count in regions]
    lines += ["", ctx.t("stats.subscribers", count=numbers.subscribers)]
    lines += [
        ctx.t("stats.line", name=localized(topic.content, "title", ctx.locale), count=count)
        for topic, count in numbers.topics
    ]
    lines += ["", ctx.t("stats.leads", count=numbers.lead_total)]
    lines += [
        ctx.t("stats.line", name=localized(track.content, "title", ctx.locale), count=count)
        for track, count in numbers.leads
    ]
    lines += await answer_lines(ctx, authority)
    lines += ["", *team_lines(ctx, await team_stats(ctx.session, authority))]
    covered, kibbutzim, copies = await kibbutz_reach(ctx.session, authority)
    lines += ["", ctx.t("public.stats.kibbutzim", covered=covered, total=kibbutzim)]
    lines.append(ctx.t.n("public.stats.copies", copies))
    lines += ["", ctx.t("stats.this_week", count=numbers.weeks[-1][1])]
    lines.append(ctx.t("stats.chart_caption", weeks=len(numbers.weeks)))
    chart = stats_chart(ctx.t, numbers.weeks, regions)
    await audit(
        ctx.session,
        authority.person_id,
        "stats.view",
        None,
        scope=authority.scope.value,
        regions=sorted(authority.regions),
        tracks=sorted(authority.tracks),
    )
    return [Reply("\n".join(lines), attachments=[chart])]
