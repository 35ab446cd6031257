"""What the demo's loaders share: the world they build up, by the names the content tables use."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.auth import CurrentUser, load_current_user

DEMO_PASSWORD = "smart-challenge-demo"
EDITION_SLUG = "2026"
ZONE = "Europe/Belgrade"


@dataclass
class World:
    """What the loaders have made so far, by the names the content tables use."""

    edition: int = 0
    users: dict[str, int] = field(default_factory=dict)  # email -> user id
    municipalities: dict[str, int] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)  # municipality -> staff email
    problems: dict[str, int] = field(default_factory=dict)
    founders: dict[str, str] = field(default_factory=dict)  # startup -> founder email
    startups: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)  # startup -> this year's application
    quality: dict[int, float] = field(default_factory=dict)  # application -> how good it is
    rounds: dict[str, int] = field(default_factory=dict)
    stages: list[tuple[str, datetime]] = field(default_factory=list)  # the stage and when it began (real time)
    hackathon: int = 0
    password_hash: str = ""  # every demo login's, hashed once: argon2 is slow on purpose

    async def as_user(self, email: str) -> CurrentUser:
        user = await load_current_user(self.users[email])
        assert user is not None
        return user


def slug(name: str) -> str:
    import unicodedata

    latin = name.translate(str.maketrans("РедНула", "RedNula"))
    ascii_name = unicodedata.normalize("NFKD", latin.replace("đ", "dj").replace("Đ", "Dj")).encode("ascii", "ignore")
    return "".join(ch for ch in ascii_name.decode().lower() if ch.isalnum())
