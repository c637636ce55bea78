"""In-process counters served as Prometheus text on GET /metrics."""

from __future__ import annotations

from collections import Counter

COUNTERS = {
    "updates": "Inbound updates answered, per channel.",
    "errors": "Inbound updates that failed with an error, per channel.",
}


class Metrics:
    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {name: Counter() for name in COUNTERS}

    def handled(self, channel: str) -> None:
        self.counts["updates"][channel] += 1

    def failed(self, channel: str) -> None:
        self.counts["errors"][channel] += 1

    def render(self) -> str:
        """The Prometheus text exposition format (version 0.0.4)."""
        lines: list[str] = []
        for name, help_text in COUNTERS.items():
            metric = f"hagshama_{name}_total"
            lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} counter"]
            lines += [
                f'{metric}{{channel="{channel}"}} {count}'
                for channel, count in sorted(self.counts[name].items())
            ]
        return "\n".join(lines) + "\n"
