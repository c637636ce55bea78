"""An event's public page against a static file, both served by `hagshama run` (the same
Starlette app as the webhooks), on SQLite with the demo catalogue.

    .venv/bin/python -m bench.public_pages [--rounds 3] [--requests 2000]

Every server is a child process: the stand-in Bot API (our bot polls it, idle) and `hagshama
run`. 32 clients GET at once; each round measures both paths, the order alternating from one
round to the next. Twice: as configured, where a rendered page is served again for two
seconds (PUBLIC_PAGE_CACHE_SECONDS), and with every request read from the database and
rendered (0). The static file (/static/public.css) is Starlette's StaticFiles. Goal: the page
at ≥ 0.5× the static file's requests a second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

import aiohttp

from bench.webhook_ack import STANDINS, TOKEN, child, free_port, p99_ms, spread, stop, until_up

CLIENTS = 32
PAGE = "/e/forum-north-january"
STATIC = "/static/public.css"
GOAL = 0.5

Runs = dict[str, list[tuple[float, list[float]]]]


async def load(base_url: str, path: str, count: int) -> tuple[float, list[float]]:
    """GET `path` `count` times over CLIENTS connections; requests/s and each latency."""
    left = count
    latencies: list[float] = []
    connector = aiohttp.TCPConnector(limit=CLIENTS)
    async with aiohttp.ClientSession(base_url, connector=connector) as session:

        async def client() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                started = time.perf_counter()
                async with session.get(path) as response:
                    await response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{path}: {response.status}")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CLIENTS)))
        elapsed = time.perf_counter() - started
    return count / elapsed, latencies


async def measure(telegram_api: str, rounds: int, count: int, cache: str) -> Runs:
    """Both paths on one `hagshama run`, PUBLIC_PAGE_CACHE_SECONDS=`cache`, alternated."""
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": telegram_api,
            "TELEGRAM_BOT_USERNAME": "hagshama_bot",
            "HTTP_PORT": str(port),
            "PUBLIC_PAGE_CACHE_SECONDS": cache,
        }
        ours = await child(sys.executable, "-m", "bot.cli", "run", env=env)
        try:
            await until_up(url)
            for path in (PAGE, STATIC):
                await load(url, path, 200)  # warm up: templates compiled, pool filled
            runs: Runs = {PAGE: [], STATIC: []}
            for number in range(rounds):
                order = (PAGE, STATIC) if number % 2 == 0 else (STATIC, PAGE)
                for path in order:
                    runs[path].append(await load(url, path, count))
        finally:
            await stop(ours)
    return runs


def report(title: str, runs: Runs) -> None:
    print(title)
    for path, measured in runs.items():
        rates = [rate for rate, _ in measured]
        p99 = p99_ms([x for _, latencies in measured for x in latencies])
        print(f"  {path:28} req/s min/median/max: {spread(rates)}   p99 {p99:6.1f} ms")
    ratios = [p[0] / s[0] for p, s in zip(runs[PAGE], runs[STATIC], strict=True)]
    low, middle, high = min(ratios), statistics.median(ratios), max(ratios)
    verdict = "met" if middle >= GOAL else "NOT met"
    print(f"  page ÷ static per round min/median/max: {low:.2f} {middle:.2f} {high:.2f}", end="")
    print(f"  (goal >= {GOAL}: {verdict} at the median)")


async def main(rounds: int, count: int) -> None:
    standins = await child(sys.executable, "-c", STANDINS)
    try:
        assert standins.stdout is not None
        telegram_api, _ = (await standins.stdout.readline()).decode().split()
        print(f"{CLIENTS} clients, {count} requests per round, {rounds} rounds, alternated")
        report("as configured (pages kept 2 s)", await measure(telegram_api, rounds, count, "2"))
        report("every request rendered (0 s)", await measure(telegram_api, rounds, count, "0"))
    finally:
        await stop(standins)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(main(max(3, args.rounds), args.requests))
