"""How a restore is judged against its manifest, and which migrations separate a backup from the code."""

from __future__ import annotations

from core.rules.backups import FileEntry, file_path, pending_migrations, restore_differences, unknown_migrations

KEY = "ab" + "0" * 30


def test_a_faithful_restore_has_no_differences() -> None:
    assert (
        restore_differences(
            expected_rows={"user": 3, "stored_file": 1},
            restored_rows={"user": 3, "stored_file": 1},
            expected_files=[FileEntry(KEY, 10, "f" * 64)],
            restored_hashes={KEY: "f" * 64},
        )
        == []
    )


def test_every_table_and_file_that_differs_is_named() -> None:
    differences = restore_differences(
        expected_rows={"user": 3, "audit_event": 9, "token": 1},
        restored_rows={"user": 2, "audit_event": 9, "extra": 0},
        expected_files=[FileEntry(KEY, 10, "f" * 64), FileEntry("cd" + "1" * 30, 5, "e" * 64)],
        restored_hashes={KEY: "0" * 64},
        backup_problems=["file x: missing from storage"],
    )

    assert differences == [
        "the backup itself was incomplete: file x: missing from storage",
        "table extra: not in the backup, restored with 0 rows",
        "table token: 1 rows in the backup, missing after restore",
        "table user: 3 rows in the backup, 2 after restore",
        f"file {KEY}: sha256 {'0' * 64}, the backup recorded {'f' * 64}",
        f"file cd{'1' * 30}: missing after restore",
    ]


def test_migrations_pending_and_unknown_are_told_apart() -> None:
    applied = [("core", "1"), ("core", "2"), ("pilots", "9")]
    known = [("core", "1"), ("core", "2"), ("core", "3")]

    assert pending_migrations(applied=applied, known=known) == ["core:3"]
    assert unknown_migrations(applied=applied, known=known) == ["pilots:9"]


def test_a_file_sits_in_the_backup_under_its_key_fanned_out() -> None:
    assert file_path(KEY) == f"files/ab/{KEY}"


def test_a_database_password_is_never_shown_nor_put_on_a_command_line() -> None:
    from core.backups import _libpq_target, without_password

    url = "postgres://challenge:s%40cret@db.example.org:5432/challenge"

    assert without_password(url) == "postgres://challenge:***@db.example.org:5432/challenge"
    assert _libpq_target(url) == ("postgres://challenge@db.example.org:5432/challenge", {"PGPASSWORD": "s@cret"})
    assert _libpq_target("postgres://postgres@127.0.0.1/test") == ("postgres://postgres@127.0.0.1/test", {})
