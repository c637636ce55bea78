"""Start-up: the CPU time of `hagshama --help` against `python -c pass`, and how soon
`hagshama chat` gives its first answer, in alternated rounds of fresh processes.

    .venv/bin/python -m bench.startup [--rounds 5]

CPU time (user + system of the child) rather than wall time: on a machine shared with other
work the wall time swings with its load, the CPU time much less. The chat figure is wall time
from starting the process to the first answer to "/menu" on a database already set up.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.figures import Series

HAGSHAMA = str(Path(sys.executable).with_name("hagshama"))


def cpu_seconds(command: list[str]) -> float:
    """User + system CPU time of running `command` to the end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def first_answer(database: Path) -> float:
    """Seconds from starting `hagshama chat` to the first line of its answer to /menu."""
    # Unbuffered, as on a terminal: the answer shows when it is written, not at exit.
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUNBUFFERED": "1",
    }
    started = time.perf_counter()
    chat = subprocess.Popen(
        [HAGSHAMA, "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    assert chat.stdin is not None and chat.stdout is not None
    chat.stdin.write("/menu\n")
    chat.stdin.flush()
    for line in chat.stdout:
        if "1." in line:  # the menu's first numbered option
            break
    elapsed = time.perf_counter() - started
    chat.stdin.close()
    chat.wait()
    return elapsed


def main(rounds: int) -> None:
    bare, helped, answered = Series(), Series(), Series()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "startup.db"
        first_answer(database)  # schema and demo catalogue made once, not timed
        for round_ in range(rounds):
            steps = [
                lambda: bare.add(cpu_seconds([sys.executable, "-c", "pass"])),
                lambda: helped.add(cpu_seconds([HAGSHAMA, "--help"])),
                lambda: answered.add(first_answer(database)),
            ]
            for step in steps[round_ % 3 :] + steps[: round_ % 3]:
                step()
    ratio = helped.median / bare.median
    print(f"start-up, {rounds} rounds (CPU time of the process)")
    print(f"  python -c pass      {Series([v * 1000 for v in bare.values]).spread('ms')}")
    print(f"  hagshama --help     {Series([v * 1000 for v in helped.values]).spread('ms')}")
    print(f"  ratio (medians): {ratio:.1f}  (goal ≤ 10: {'met' if ratio <= 10 else 'MISSED'})")
    verdict = "met" if answered.median <= 1.5 else "MISSED"
    print(
        f"  hagshama chat, first answer {answered.spread('s', '.2f')} after start"
        f"  (goal ≤ 1.5 s: {verdict})"
    )


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=5)
    main(arguments.parse_args().rounds)
