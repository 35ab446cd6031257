"""The shared vocabulary of expertise: what startups ask mentors for and what mentors offer."""

from __future__ import annotations

from core.rules import N_

# Slug -> name. Organisers curate this list; slugs are stable because matches refer to them.
EXPERTISE_TAGS: dict[str, str] = {
    "go_to_market": N_("Go-to-market"),
    "public_procurement": N_("Public procurement"),
    "iot": N_("IoT"),
    "mobility": N_("Mobility"),
    "e_health": N_("e-Health"),
    "agritech": N_("Agritech"),
    "energy": N_("Energy"),
    "data": N_("Data"),
    "ux": N_("UX"),
    "legal": N_("Legal"),
    "fundraising": N_("Fundraising"),
}


def unknown_tags(tags: list[str] | tuple[str, ...], vocabulary: dict[str, str] = EXPERTISE_TAGS) -> list[str]:
    return sorted(set(tags) - set(vocabulary))
