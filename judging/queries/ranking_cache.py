"""A round's ranking and charts, computed once per change and kept in the database per round.

Ranking 2,000 entries x 3 sheets takes ~100 ms and drawing its charts far more, while the round
page is read far more often than a score changes. So the result is stored in `RoundRanking`:

* every audited write that changes what the ranking shows calls `ranking_changed()` inside its own
  transaction, which raises the row's `version` and clears `fresh` (rolled back with the write);
* a reader that finds the row fresh decodes it; otherwise it recomputes under a lock (one worker
  at a time on PostgreSQL, one task at a time per process) and stores the result only where the
  row still has the `version` it read before computing, so a write committed meanwhile leaves the
  row stale for the next reader. No worker serves a ranking older than a committed write.

The charts are drawn per language on first need and kept in the same row; they also carry the
names they were drawn with (startups and judges may be renamed outside judging) and are drawn
again when the names shown differ.
"""

from __future__ import annotations

import asyncio
import weakref
from datetime import datetime

import msgspec

from core import db
from core.i18n import current_locale
from judging.queries import charts
from judging.queries.rankings import compute_ranking, submitted_totals
from judging.rules import scoring
from judging.tables import RoundRanking

# pg_advisory_xact_lock(key, round): the first half of the key, so rounds lock independently.
_ADVISORY_KEY = 19_001


class DrawnCharts(msgspec.Struct, frozen=True, kw_only=True):
    """One language's charts, with the names they show."""

    entry_names: dict[int, str]
    judge_names: dict[int, str]
    svg: dict[str, str]


class Snapshot(msgspec.Struct, frozen=True, kw_only=True):
    """What is stored per round: the ranking (None before the first submitted sheet), and charts by locale."""

    ranking: scoring.Ranking | None
    charts: dict[str, DrawnCharts] = msgspec.field(default_factory=dict)


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(Snapshot)
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = weakref.WeakKeyDictionary()


def _lock(round_id: int) -> asyncio.Lock:
    return _locks.setdefault(asyncio.get_running_loop(), {}).setdefault(round_id, asyncio.Lock())


async def ranking_changed(round_id: int) -> None:
    """The round's ranking must be computed again: call inside the audited write's transaction."""
    await RoundRanking.insert(RoundRanking(round=round_id)).on_conflict(target=RoundRanking.round, action="DO NOTHING")
    await RoundRanking.update(
        {RoundRanking.version: RoundRanking.version + 1, RoundRanking.fresh: False, RoundRanking.payload: ""}
    ).where(RoundRanking.round == round_id)


# The snapshots this process decoded last, by round, with the (version, updated_at) they were stored
# under: the database row is checked on every read, only its decoding (a few ms for 2,000
# standings) and transfer are saved.
_decoded: dict[int, tuple[tuple[int, datetime], Snapshot]] = {}
_DECODED_ROUNDS = 32


async def _row(round_id: int) -> tuple[int, Snapshot | None]:
    row = (
        await RoundRanking.select(RoundRanking.version, RoundRanking.fresh, RoundRanking.updated_at)
        .where(RoundRanking.round == round_id)
        .first()
    )
    if row is None:
        return -1, None
    if not row["fresh"]:
        return row["version"], None
    stamp = (row["version"], row["updated_at"])
    known = _decoded.get(round_id)
    if known is not None and known[0] == stamp:
        return row["version"], known[1]
    stored = (
        await RoundRanking.select(RoundRanking.payload)
        .where(RoundRanking.round == round_id, RoundRanking.version == row["version"], RoundRanking.fresh == True)  # noqa: E712
        .first()
    )
    if stored is None or not stored["payload"]:  # changed between the two reads
        return row["version"], None
    snapshot = _decoder.decode(stored["payload"])
    _decoded.pop(round_id, None)
    while len(_decoded) >= _DECODED_ROUNDS:
        _decoded.pop(next(iter(_decoded)))
    _decoded[round_id] = (stamp, snapshot)
    return row["version"], snapshot


async def _store(round_id: int, version: int, snapshot: Snapshot) -> None:
    """Keep `snapshot` if nothing changed the round since `version` was read."""
    async with db.transaction():
        if version < 0:
            await RoundRanking.insert(RoundRanking(round=round_id)).on_conflict(
                target=RoundRanking.round, action="DO NOTHING"
            )
            version = 0
        await RoundRanking.update(
            {
                RoundRanking.payload: _encoder.encode(snapshot).decode(),
                RoundRanking.fresh: True,
                RoundRanking.updated_at: RoundRanking.updated_at.default.python(),
            }
        ).where(RoundRanking.round == round_id, RoundRanking.version == version)


async def _computed(round_id: int) -> tuple[int, Snapshot]:
    async with _lock(round_id):
        version, snapshot = await _row(round_id)
        if snapshot is not None:
            return version, snapshot
        if db.is_sqlite():
            snapshot = Snapshot(ranking=await compute_ranking(round_id))
            await _store(round_id, version, snapshot)
            return max(version, 0), snapshot  # as on PostgreSQL below: the row _store made is version 0
        async with db.transaction():
            # Other workers wait here for this one's result rather than computing it too.
            await RoundRanking.raw("SELECT pg_advisory_xact_lock({}, {})", _ADVISORY_KEY, round_id)
            version, snapshot = await _row(round_id)
            if snapshot is None:
                snapshot = Snapshot(ranking=await compute_ranking(round_id))
                await _store(round_id, version, snapshot)
        # The stored version, if it was none before (the row is made by _store).
        return max(version, 0), snapshot


async def current_ranking(round_id: int) -> tuple[int, Snapshot]:
    """The round's snapshot and the version it belongs to, computed now only if a write made it stale."""
    version, snapshot = await _row(round_id)
    if snapshot is not None:
        return version, snapshot
    return await _computed(round_id)


async def round_charts(
    round_id: int, version: int, snapshot: Snapshot, entry_names: dict[int, str], judge_names: dict[int, str]
) -> dict[str, str]:
    """The ranking's charts in the reader's language with these names, drawn only when not yet kept."""
    ranking = snapshot.ranking
    if ranking is None:
        return {}
    locale = current_locale()
    top = {s.application_id: entry_names.get(s.application_id, "") for s in ranking.standings[: charts.TOP]}
    drawn = snapshot.charts.get(locale)
    if drawn is not None and drawn.entry_names == top and drawn.judge_names == judge_names:
        return drawn.svg
    totals = await submitted_totals(round_id)
    svg = {
        "judges": charts.judge_distributions(totals, judge_names),
        "ranking": charts.ranking_spread(ranking, top),
    }
    kept = DrawnCharts(entry_names=top, judge_names=judge_names, svg=svg)
    await _store(round_id, version, Snapshot(ranking=ranking, charts={**snapshot.charts, locale: kept}))
    return svg
