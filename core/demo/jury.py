"""Judging this year: the jury's profiles, the scored rounds and the live pairwise final."""

from __future__ import annotations

import functools
import random
from typing import Any

from challenge.services import applications as application_services
from core.demo.people import JUDGES, LENIENCY, ORGANISER
from core.demo.startups import (
    ACCEPTED,
    DECLARED_CONFLICT,
    FINALIST,
    FIT_NOTE,
    INTERVIEW_REJECTED,
    REJECTED,
    SHORTLISTED,
    STARTUPS,
)
from core.demo.world import World
from judging import forms as judging_forms
from judging.enums import FeedbackScores, Normalisation, RoundEntry, RoundMethod
from judging.schemas import AdvanceIn, JudgeProfileIn, RoundIn
from judging.services import assignments, pairwise, results, rounds, scoring
from judging.services import profiles as judge_profiles
from judging.tables import Criterion, JudgeAssignment

# Judging: the rubric (shared by the scored rounds) and the rounds.
RUBRIC = [
    ("Impact", "How much of the problem goes away, for how many people.", 3, 1, 10, False),
    ("Feasibility", "Can the team pilot it in the municipality within the budget and in three months?", 2, 1, 10,
     False),
    ("Team strength", "Skills, commitment and track record.", 1, 1, 10, False),
    ("Municipality fit", "Shown only: how well it fits the municipality's way of working.", 0, 1, 5, True),
]  # fmt: skip
# name, method, entry, judges per application, cap per judge, how many advance, normalisation.
SCREENING = ("Written screening", "weighted_rubric", "all_submitted", 3, 15, 16, "judge_offset")
INTERVIEWS = ("Interviews", "weighted_rubric", "advanced", 2, 6, 12, "judge_offset")
SEMI_FINAL = ("Semi-final", "weighted_rubric", "advanced", 3, 6, 6, "z_score")
FINAL = ("Final", "pairwise", "advanced", 1, 50, 3, "judge_offset")
# What the teams see of a published round: the interviews share normalised scores and comments.
FEEDBACK = {"Interviews": (FeedbackScores.NORMALISED_MEAN, True)}
# What judges write: each pool is drawn from per application and judge (seeded), so the judges
# of one panel rarely write the same words and a rebuilt demo reads the same.
IMPACT_PRAISE = (
    "Clear plan for the pilot; the municipality is on board.",
    "Solves the problem for most residents affected, not just the easy cases.",
    "The pilot would show results within one season; the data to measure it already exists.",
    "Residents asked for exactly this at the town hall meetings.",
)
# The interview panels' comments on Feasibility and Team strength; every third judge keeps one for the organisers.
FEASIBLE = (
    "The budget is realistic; three months is tight for the installation.",
    "The hardware is off the shelf and the municipality already owns the poles: doable.",
    "A sensible plan: start with one district, then widen once the numbers hold.",
    "Costs are itemised and the procurement path is clear.",
)
NOT_YET_FEASIBLE = (
    "The pilot plan needs a budget per month and a named contact in the municipality.",
    "Three months will not cover the permits; plan for six or cut the scope.",
    "Who maintains the devices after the pilot is not answered.",
    "The data-sharing agreement with the utility is assumed, not agreed.",
)
TEAM_NOTES = (
    "Strong technical founders; add someone who has sold to municipalities.",
    "A small team with a good track record of shipping; stretched if the pilot grows.",
    "The founders answered every question directly, with numbers.",
    "Experienced in the sector; the product lead is new and will need support.",
)
PRIVATE_NOTES = (
    "Knows the mayor's office well: ask the team about any conflict before the final.",
    "Their reference from the last pilot was lukewarm; worth a phone call.",
    "One founder also advises a competing applicant: check before the final.",
)
PAIRWISE_JUDGES = 6
VOTES_PER_JUDGE = 5

MESSAGES = {
    "shortlisted": "Congratulations: you are on the shortlist. We will invite you to an interview.",
    "rejected": "Thank you for applying. The jury did not shortlist your application this year.",
    "accepted": "Welcome to the programme: your mentor will contact you this week.",
    "interview_rejected": "Thank you for the interview. The jury chose other teams for the programme.",
    "finalist": "You are in the final: pitch at the hackathon.",
}


async def judges(world: World) -> None:
    for email, _name, organisation, expertise in JUDGES:
        await judge_profiles.save_profile(
            user=await world.as_user(email),
            edition_id=world.edition,
            command=JudgeProfileIn(organisation=organisation, expertise=list(expertise)),
        )
    email, startup, note = DECLARED_CONFLICT
    await assignments.declare_conflict(
        user=await world.as_user(email), application_id=world.applications[startup], note=note
    )


def _by_outcome(*outcomes: str) -> list[str]:
    return [s.name for s in STARTUPS if s.outcome in outcomes]


async def _create_round(world: World, spec: tuple[str, str, str, int, int, int, str]) -> int:
    name, method, entry, per_application, per_judge, advance, normalisation = spec
    organiser = await world.as_user(ORGANISER)
    feedback_scores, feedback_comments = FEEDBACK.get(name, (FeedbackScores.NONE, False))
    round_id = await rounds.create_round(
        user=organiser,
        edition_id=world.edition,
        command=RoundIn(
            name=name,
            method=RoundMethod(method),
            entry=RoundEntry(entry),
            judges_per_application=per_application,
            max_per_judge=per_judge,
            advance_count=advance,
            normalisation=Normalisation(normalisation),
            feedback_scores=feedback_scores,
            feedback_comments=feedback_comments,
            # The written screening is judged blind: on paper, the team's name should not count.
            blind=name == SCREENING[0],
        ),
    )
    if method == "weighted_rubric":
        form: dict[str, str] = {}
        for index, (criterion, guidance, weight, low, high, shown_only) in enumerate(RUBRIC):
            form.update(
                {
                    f"criteria-{index}-name": criterion,
                    f"criteria-{index}-guidance": guidance,
                    f"criteria-{index}-weight": str(weight),
                    f"criteria-{index}-scale_min": str(low),
                    f"criteria-{index}-scale_max": str(high),
                }
            )
            if shown_only:
                form[f"criteria-{index}-independent"] = "on"
        await rounds.save_rubric(user=organiser, round_id=round_id, command=judging_forms.rubric_command(form))
    await results.open_round(user=organiser, round_id=round_id)
    world.rounds[name] = round_id
    return round_id


def judge_comment(pool: tuple[str, ...], *, seed: int, application_id: int, judge_number: int) -> str:
    """One comment from the pool, the same on every run; neighbouring judges on one application get different ones."""
    start = random.Random(f"{seed}:{application_id}").randrange(len(pool))
    return pool[(start + judge_number) % len(pool)]


async def _score_round(
    world: World, round_id: int, *, share: float = 1.0, seed: int = 1, comments: bool = False
) -> None:
    """Every judge scores their queue (the first `share` of it submitted, one more sheet kept as a draft)."""
    if not await JudgeAssignment.exists().where(JudgeAssignment.round == round_id):
        await assignments.assign_round(user=await world.as_user(ORGANISER), round_id=round_id)
    criteria = await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position)
    rng = random.Random(seed)
    for number, (email, *_rest) in enumerate(JUDGES):
        judge = await world.as_user(email)
        queue = (
            await JudgeAssignment.select()
            .where(JudgeAssignment.round == round_id, JudgeAssignment.judge == judge.id)
            .order_by(JudgeAssignment.id)
        )
        submitted = round(len(queue) * share)
        for position, assignment in enumerate(queue[: submitted + (1 if share < 1 else 0)]):
            quality = world.quality[assignment["application"]]
            values: dict[str, Any] = {}
            for criterion in criteria:
                low, high = criterion["scale_min"], criterion["scale_max"]
                raw = quality * high / 10 + LENIENCY[number] * high / 10 + rng.uniform(-0.4, 0.4)
                values[f"c{criterion['id']}"] = str(max(low, min(high, round(raw))))
            said = functools.partial(
                judge_comment, seed=seed, application_id=assignment["application"], judge_number=number
            )
            if quality > 8:
                values[f"c{criteria[0]['id']}_comment"] = said(IMPACT_PRAISE)
            if comments:
                feasibility, team = f"c{criteria[1]['id']}", f"c{criteria[2]['id']}"
                values[f"{feasibility}_comment"] = said(FEASIBLE if quality >= 7 else NOT_YET_FEASIBLE)
                if number % 3 == 0:
                    values[f"{team}_comment"], values[f"{team}_private"] = said(PRIVATE_NOTES), "on"
                else:
                    values[f"{team}_comment"] = said(TEAM_NOTES)
            await scoring.save_sheet(
                user=judge,
                assignment_id=assignment["id"],
                command=judging_forms.scores_command(values, submit=position < submitted),
            )


async def _close_and_advance(world: World, round_id: int, intended: list[str], *, min_rural: int = 0) -> None:
    """Close, advance the top N (with a rural quota); by hand only if the scores did not reach the story."""
    organiser = await world.as_user(ORGANISER)
    await results.close_round(user=organiser, round_id=round_id)
    chosen = await results.advance(user=organiser, round_id=round_id, command=AdvanceIn(min_rural=min_rural))
    wanted = {world.applications[name] for name in intended}
    if set(chosen.chosen) != wanted:
        print(f"demo: round {round_id} advanced {sorted(chosen.chosen)}, not {sorted(wanted)}; advancing by hand")
        await results.advance(user=organiser, round_id=round_id, command=AdvanceIn(application_ids=sorted(wanted)))


async def _change(world: World, names: list[str], status: str, message: str) -> None:
    await application_services.change_status(
        user=await world.as_user(ORGANISER),
        application_ids=[world.applications[n] for n in names],
        status=status,
        message=message,
    )


async def screening(world: World) -> None:
    """All submitted applications scored by three judges each; the top 16 shortlisted, most others rejected."""
    round_id = await _create_round(world, SCREENING)
    await _score_round(world, round_id, seed=1)
    await _close_and_advance(
        world, round_id, _by_outcome(FINALIST, ACCEPTED, SHORTLISTED, INTERVIEW_REJECTED), min_rural=6
    )
    organiser = await world.as_user(ORGANISER)
    await results.publish_results(
        user=organiser, round_id=round_id, outcome="shortlisted", message=MESSAGES["shortlisted"]
    )
    await _change(world, _by_outcome(REJECTED), "rejected", MESSAGES["rejected"])


async def interviews(world: World) -> None:
    round_id = await _create_round(world, INTERVIEWS)
    await _score_round(world, round_id, seed=2, comments=True)
    await _close_and_advance(world, round_id, _by_outcome(FINALIST, ACCEPTED))
    await results.publish_results(
        user=await world.as_user(ORGANISER), round_id=round_id, outcome="accepted", message=MESSAGES["accepted"]
    )
    await _change(world, _by_outcome(INTERVIEW_REJECTED), "rejected", MESSAGES["interview_rejected"])
    application_id, municipality = world.applications[FIT_NOTE[0]], world.municipalities[FIT_NOTE[1]]
    await application_services.add_fit_note(
        user=await world.as_user(world.staff[FIT_NOTE[1]]),
        application_id=application_id,
        municipality_id=municipality,
        note=FIT_NOTE[2],
    )


async def semi_final(world: World) -> None:
    """Scored and closed; its six advance to the final (the round's own results page is not published)."""
    round_id = await _create_round(world, SEMI_FINAL)
    await _score_round(world, round_id, seed=3)
    await _close_and_advance(world, round_id, _by_outcome(FINALIST), min_rural=2)
    await _change(world, _by_outcome(FINALIST), "finalist", MESSAGES["finalist"])


async def pairwise_final(world: World) -> None:
    """Open at the hackathon: six judges have compared the finalists' pitches a few times each,
    and the live ranking is released to the room's projector."""
    round_id = await _create_round(world, FINAL)
    for email, *_rest in JUDGES[:PAIRWISE_JUDGES]:
        judge = await world.as_user(email)
        seat = await pairwise.seat(user=judge, round_id=round_id)
        for _vote in range(VOTES_PER_JUDGE + 1):
            previous, current = seat.previous, seat.current
            if current is None:
                break
            if previous is None:
                choice = "next"
            else:
                choice = "current" if world.quality[current] > world.quality[previous] else "previous"
            seat = await pairwise.answer(user=judge, round_id=round_id, token=seat.token, choice=choice)
    # The room's screen shows the live ranking: /rounds/<id>/projector, from the round's page.
    await pairwise.release_projector(user=await world.as_user(ORGANISER), round_id=round_id, released=True)
