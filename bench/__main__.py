"""Every benchmark, one after the other: `python -m bench` (or `make bench`)."""

import subprocess
import sys

BENCHMARKS = (
    "bench.telegram_throughput",
    "bench.webhook_ack",
    "bench.public_pages",
    "bench.scale",
    "bench.broadcast",
    "bench.startup",
    "bench.faq_match",
    "bench.role_import",
)

if __name__ == "__main__":
    failed = [name for name in BENCHMARKS if subprocess.call([sys.executable, "-m", name])]
    sys.exit(1 if failed else 0)
