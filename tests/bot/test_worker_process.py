"""`hagshama run` answers in a process of its own: what it answers is counted on /metrics, when
it dies another is started, which answers what was acknowledged meanwhile, and a flood of
webhooks is answered in full once it is over."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

from tests.bot.running import Run
from tests.bot.telegram.standin import PATIENCE, StandIn

FIRST, SECOND = 81_001, 81_002
COUNTED = 'hagshama_updates_total{channel="telegram"} 1'


def children(pid: int) -> list[int]:
    """The processes `pid` started (read from /proc: no ps needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # pid (comm) state ppid ...: comm may hold spaces, so read after its closing bracket
        if int(stat.rpartition(")")[2].split()[1]) == pid:
            found.append(int(entry.name))
    return found


async def test_the_answering_process_is_counted_and_replaced_when_it_dies(
    database_url: str, catalog: None, standin: StandIn, tmp_path: Path
) -> None:
    run = Run(database_url, standin, None, tmp_path / "run.log", ANSWERING_PROCESS="true")
    await run.start()
    try:
        assert run.process is not None
        assert (await run.telegram(standin.message(FIRST, "/start"))).status_code == 200
        await standin.wait_for(lambda: standin.sent(FIRST))
        async with asyncio.timeout(PATIENCE):
            # The count comes from the other process through a pipe: a moment after the answer.
            while COUNTED not in (await run.client.get("/metrics")).text:  # noqa: ASYNC110
                await asyncio.sleep(0.1)

        [worker] = children(run.process.pid)
        os.kill(worker, signal.SIGKILL)
        # Acknowledged while nobody answers: stored, and answered by the next answering process.
        assert (await run.telegram(standin.message(SECOND, "/start"))).status_code == 200
        await standin.wait_for(lambda: standin.sent(SECOND), PATIENCE * 2)
        assert run.running
        assert children(run.process.pid) != [worker]
    finally:
        assert await run.stop() == 0
    assert "answering process exited" in run.log_text()


async def test_the_answering_process_stops_when_the_serving_one_is_killed(
    database_url: str, catalog: None, standin: StandIn, tmp_path: Path
) -> None:
    run = Run(database_url, standin, None, tmp_path / "run.log", ANSWERING_PROCESS="true")
    await run.start()
    assert run.process is not None
    [worker] = children(run.process.pid)
    await run.kill()  # SIGKILL: it cannot tell the other process anything
    async with asyncio.timeout(PATIENCE):
        # Its stdin closes with the killed process: it finishes what it holds and exits.
        while _state(worker) != "Z":  # noqa: ASYNC110
            await asyncio.sleep(0.1)
    await run.client.aclose()


async def test_a_flood_of_updates_is_acknowledged_and_then_every_one_answered(
    database_url: str, catalog: None, standin: StandIn, tmp_path: Path
) -> None:
    # Many webhooks open at once: the answering process is told so and answers sparingly
    # meanwhile, but nobody is left unanswered once the flood is over.
    run = Run(database_url, standin, None, tmp_path / "run.log", ANSWERING_PROCESS="true")
    await run.start()
    try:
        chats = range(82_001, 82_065)
        posted = [run.telegram(standin.message(chat, "/start")) for chat in chats]
        assert {response.status_code for response in await asyncio.gather(*posted)} == {200}
        await standin.wait_for(lambda: all(standin.sent(chat) for chat in chats), PATIENCE * 2)
    finally:
        assert await run.stop() == 0


def _state(pid: int) -> str:
    """The process's state letter; Z (a zombie, or gone) once it has exited."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return "Z"
