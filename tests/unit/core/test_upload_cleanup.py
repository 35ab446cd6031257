"""An aborted form cleans up every upload, even when one clean-up call fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.sessions import Session
from core.storage import LocalStorage
from core.uploads import ReceivedFile, _StreamingForm


class _BrokenWriter:
    key = "0" * 32

    def write(self, chunk: bytes) -> None: ...
    def commit(self) -> None: ...
    def abort(self) -> None:
        raise ConnectionError("the bucket is unreachable")


def test_one_failing_clean_up_does_not_leave_the_others_behind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    storage = LocalStorage(tmp_path)
    form = _StreamingForm(rules={}, storage=storage, csrf_header=None, session=Session.__new__(Session))
    half_written, stored = storage.writer(), storage.writer()
    half_written.write(b"%PDF-1.7 half")
    stored.write(b"%PDF-1.7 whole")
    stored.commit()
    form.open_writers = [_BrokenWriter(), half_written]  # type: ignore[list-item]
    form.result.files["deck"] = ReceivedFile("deck", stored.key, "deck.pdf", "application/pdf", 14, "")

    form.abort()

    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert "an aborted upload could not be cleaned up" in caplog.text
