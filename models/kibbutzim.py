"""The movement's kibbutzim: each with its region and its stream, as the catalogue lists them."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText


class Stream(StrEnum):
    """The two circles of the movement since 2004 ("two circles in one movement"): kibbutzim
    that kept common ownership (COOPERATIVE, shitufi) and those that changed it (RENEWED).
    A kibbutz changes stream only when the catalogue says so."""

    COOPERATIVE = "cooperative"
    RENEWED = "renewed"


class Kibbutz(Base):
    __tablename__ = "kibbutzim"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict, doc="name per language")
    region: Mapped[str] = mapped_column(String(32), doc="a value of the questionnaire's region")
    stream: Mapped[Stream] = mapped_column(String(16))
