"""Wiring: settings → database (upgraded) → conversation engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.settings import Settings
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from handlers.people.waitlist import OfferNotices
from models.catalog import Track
from models.catalog_entries import ImportReport
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from scheduler.shared_budget import BudgetStore, DatabaseBudgets


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    engine: Engine
    budgets: BudgetStore | None = None
    """Where the send budgets every instance shares are kept: Redis (REDIS_URL), else
    PostgreSQL; None on SQLite, which serves one instance (each process paces itself)."""


def engine_config(settings: Settings) -> EngineConfig:
    admins = {str(i) for i in settings.admin_telegram_ids} | set(settings.admin_phones)
    return EngineConfig(
        default_locale=settings.default_locale,
        timezone=settings.timezone,
        bot_username=(settings.telegram_bot_username or "").removeprefix("@") or None,
        whatsapp_number=settings.twilio_whatsapp_from,
        public_base_url=settings.public_base_url,
        whatsapp_tier=settings.whatsapp_tier if settings.twilio_whatsapp_from else None,
        admin_addresses=frozenset(admins),
        broadcast_approval_threshold=settings.broadcast_approval_threshold,
        checkin_opens_before=timedelta(hours=settings.checkin_opens_before),
    )


@asynccontextmanager
async def open_app(settings: Settings) -> AsyncIterator[App]:
    """Connect, bring the schema up to date, and close the pool on the way out."""
    db = create_engine(settings.database_url)
    budgets = shared_budgets(settings, db)
    try:
        await upgrade(db)
        sessions = sessionmaker(db)
        yield App(
            settings,
            db,
            sessions,
            Engine(sessions, engine_config(settings), features=FEATURES),
            budgets,
        )
    finally:
        if budgets is not None:
            await budgets.close()
        await db.dispose()


def shared_budgets(settings: Settings, db: AsyncEngine) -> BudgetStore | None:
    if settings.redis_url:
        from scheduler.redis_budget import RedisBudgets  # only where configured

        return RedisBudgets(settings.redis_url.get_secret_value())
    return DatabaseBudgets(db) if db.dialect.name != "sqlite" else None


async def ensure_demo_catalog(app: App) -> ImportReport | None:
    """Load the demo catalogue into an empty database, so a fresh clone has something to show."""
    try:
        async with app.sessions() as session, session.begin():
            if await session.scalar(select(func.count()).select_from(Track)):
                return None
            return await import_catalog(session, DEMO_CATALOG, OfferNotices(app.engine.config))
    except IntegrityError:
        return None  # another instance, starting at the same moment, loaded it first
