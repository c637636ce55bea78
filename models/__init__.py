"""Data model: SQLAlchemy 2 async tables and the queries on them."""

from models.audit import AuditEntry
from models.base import Base
from models.broadcasts import Broadcast, BroadcastStatus
from models.bulletins import Bulletin, BulletinStatus
from models.calendar_links import CalendarLink
from models.catalog import Event, EventKind, EventStatus, Question, Topic, TopicKind, Track
from models.conversation import ConversationState
from models.event_questions import Answer, EventQuestion, QuestionKind
from models.faq import FaqEntry
from models.inbox import InboxEntry, InboxStatus
from models.kibbutz_contacts import KibbutzContact
from models.kibbutzim import Kibbutz, Stream
from models.movement import MovementRole
from models.outbox import OutboxMessage, OutboxStatus
from models.people import Channel, ChannelIdentity, IdentityStatus, Person
from models.questions import Thread, ThreadMessage
from models.registrations import Lead, Registration, RegistrationStatus
from models.reports import EarlyReport
from models.roles import CoordinatorRole, RoleScope
from models.send_budget import SendBudget
from models.sessions import Attendance, EventSession, SessionStatus
from models.shared_files import SharedFile
from models.subscriptions import ConsentAction, ConsentRecord, Subscription, SubscriptionStatus
from models.whatsapp_reach import WhatsAppReach

__all__ = [
    "Answer",
    "Attendance",
    "AuditEntry",
    "Base",
    "Broadcast",
    "BroadcastStatus",
    "Bulletin",
    "BulletinStatus",
    "CalendarLink",
    "Channel",
    "ChannelIdentity",
    "ConsentAction",
    "ConsentRecord",
    "ConversationState",
    "CoordinatorRole",
    "EarlyReport",
    "Event",
    "EventKind",
    "EventQuestion",
    "EventSession",
    "EventStatus",
    "FaqEntry",
    "IdentityStatus",
    "InboxEntry",
    "InboxStatus",
    "Kibbutz",
    "KibbutzContact",
    "Lead",
    "MovementRole",
    "OutboxMessage",
    "OutboxStatus",
    "Person",
    "Question",
    "QuestionKind",
    "Registration",
    "RegistrationStatus",
    "RoleScope",
    "SendBudget",
    "SessionStatus",
    "SharedFile",
    "Stream",
    "Subscription",
    "SubscriptionStatus",
    "Thread",
    "ThreadMessage",
    "Topic",
    "TopicKind",
    "Track",
    "WhatsAppReach",
]
