"""The audit log's before/after comparison."""

from __future__ import annotations

from core.rules.audit import MAX_SHOWN, FieldChange, field_changes, shown


def test_only_changed_fields_are_listed_old_to_new() -> None:
    changes = field_changes({"status": "submitted", "name": "Vodovod"}, {"status": "shortlisted", "name": "Vodovod"})

    assert changes == [FieldChange("status", "submitted", "shortlisted")]


def test_fields_only_before_or_only_after_are_removed_or_added() -> None:
    changes = field_changes({"status": "draft", "note": "old"}, {"status": "draft", "message": "Welcome"})

    assert changes == [FieldChange("note", "old", None), FieldChange("message", None, "Welcome")]


def test_nested_records_compare_field_by_field() -> None:
    before = {"timeline": {"applications": "2026-03-01T09:00", "screening": "2026-04-01T09:00"}}
    after = {"timeline": {"applications": "2026-03-01T09:00", "screening": "2026-04-05T09:00"}}

    assert field_changes(before, after) == [FieldChange("timeline.screening", "2026-04-01T09:00", "2026-04-05T09:00")]


def test_a_creation_lists_every_field_as_new() -> None:
    assert field_changes(None, {"name": "Ana", "roles": ["judge", "mentor"]}) == [
        FieldChange("name", None, "Ana"),
        FieldChange("roles", None, "judge, mentor"),
    ]


def test_values_read_as_text_and_long_ones_are_cut() -> None:
    assert shown(None) == "" and shown(True) == "yes" and shown([1, 2]) == "1, 2"
    assert shown("x" * 500) == "x" * (MAX_SHOWN - 1) + "…"
