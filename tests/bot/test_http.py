"""GET /healthz and GET /metrics, as a load balancer and Prometheus see them."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.http import create_app
from bot.metrics import Metrics
from models.db import create_engine, sessionmaker


def client(sessions: async_sessionmaker[AsyncSession], metrics: Metrics) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(sessions, metrics))
    return httpx.AsyncClient(transport=transport, base_url="http://hagshama")


async def test_health_is_ok_while_the_database_answers(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with client(sessions, Metrics()) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "up"


async def test_health_fails_when_the_database_is_gone(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/missing/dir/hagshama.db")
    async with client(sessionmaker(engine), Metrics()) as http:
        response = await http.get("/healthz")
    await engine.dispose()
    assert response.status_code == 503 and response.json()["database"] == "down"


async def test_metrics_count_updates_and_errors_per_channel(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    metrics = Metrics()
    for _ in range(3):
        metrics.handled("telegram")
    metrics.failed("telegram")
    metrics.handled("whatsapp")
    async with client(sessions, metrics) as http:
        response = await http.get("/metrics")
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    lines = response.text.splitlines()
    assert "# TYPE hagshama_updates_total counter" in lines
    assert 'hagshama_updates_total{channel="telegram"} 3' in lines
    assert 'hagshama_updates_total{channel="whatsapp"} 1' in lines
    assert 'hagshama_errors_total{channel="telegram"} 1' in lines
