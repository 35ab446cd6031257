"""Vocabulary shared by every domain."""

from enum import StrEnum


class Role(StrEnum):
    ORGANISER = "organiser"
    MUNICIPALITY = "municipality"
    STARTUP = "startup"
    MENTOR = "mentor"
    JUDGE = "judge"


INVITABLE_ROLES = (Role.ORGANISER, Role.MUNICIPALITY, Role.MENTOR, Role.JUDGE)


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    INVITE = "invite"
    SIGN_IN = "sign_in"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class JobRunStatus(StrEnum):
    RUNNING = "running"
    OK = "ok"
    ERROR = "error"
