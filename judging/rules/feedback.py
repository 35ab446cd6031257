"""What a team is told of its judging once a round's results are published.

The organiser chooses per round (`FeedbackSettings`): the team's own mean per criterion, raw or
normalised (the ranking's normalisation applied to that criterion's scores alone, see
`judging.rules.scoring`), shown against the field, every team's mean on the same criterion; and
the judges' comments. Only submitted sheets count, as in the ranking.

Judges are never named: each team's judges are "A", "B", "C"… in the order of their assignment
to that team (the assignment ids), which says nothing of who they are and stays the same on
every reading. A judge keeps their letter even where they left no comment to share, so a
team's letters do not shift when a judge marks a comment "for organisers only" later.

The field's distribution is the lowest mean, the quartiles (linear interpolation between the
sorted means, as spreadsheets' QUARTILE does), the highest, and the team's place: 1 plus the
number of teams with a strictly higher mean, so equal means share a place.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from judging.enums import FeedbackScores, Normalisation
from judging.rules.rubrics import Criterion
from judging.rules.scoring import JudgeScore, ScoringOptions, rank_applications


@dataclass(frozen=True, slots=True)
class FeedbackSettings:
    scores: FeedbackScores = FeedbackScores.NONE
    comments: bool = False
    normalisation: Normalisation = Normalisation.JUDGE_OFFSET

    @property
    def shares_anything(self) -> bool:
        return self.scores is not FeedbackScores.NONE or self.comments


@dataclass(frozen=True, slots=True)
class Sheet:
    """One judge's sheet for one application, as the feedback reads it.

    Attributes:
        assignment_id: Orders the team's judges for their letters.
        values: Scores by criterion id.
        comments: Comments by criterion id.
        private: Criterion ids whose comment is for the organisers only.
    """

    assignment_id: int
    judge_id: int
    application_id: int
    submitted: bool
    values: Mapping[int, float]
    comments: Mapping[int, str]
    private: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Distribution:
    """Every team's mean on one criterion: how many, lowest, quartiles, highest."""

    teams: int
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


@dataclass(frozen=True, slots=True)
class CriterionScore:
    criterion_id: int
    name: str
    scale_min: int
    scale_max: int
    mean: float
    judges: int
    field: Distribution
    # 1 is the highest mean; teams with equal means share a place.
    place: int


@dataclass(frozen=True, slots=True)
class Comment:
    criterion_id: int
    criterion: str
    text: str


@dataclass(frozen=True, slots=True)
class JudgeComments:
    letter: str
    comments: tuple[Comment, ...]


@dataclass(frozen=True, slots=True)
class TeamFeedback:
    application_id: int
    scores: tuple[CriterionScore, ...]
    comments: tuple[JudgeComments, ...]

    @property
    def empty(self) -> bool:
        return not self.scores and not self.comments


def judge_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA": spreadsheet columns, so any number of judges has a letter."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quantile(ordered: Sequence[float], p: float) -> float:
    """The p-quantile of sorted values by linear interpolation between neighbours."""
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def distribution(means: Sequence[float]) -> Distribution:
    ordered = sorted(means)
    return Distribution(
        teams=len(ordered),
        minimum=ordered[0],
        lower_quartile=quantile(ordered, 0.25),
        median=quantile(ordered, 0.5),
        upper_quartile=quantile(ordered, 0.75),
        maximum=ordered[-1],
    )


def _criterion_means(
    criterion: Criterion, sheets: Sequence[Sheet], settings: FeedbackSettings
) -> dict[int, tuple[float, int]]:
    """Each application's (mean, judges) on one criterion, raw or normalised."""
    scores = [
        JudgeScore(s.judge_id, s.application_id, float(s.values[criterion.id]))
        for s in sheets
        if criterion.id in s.values
    ]
    if not scores:
        return {}
    ranking = rank_applications(scores, ScoringOptions(normalisation=settings.normalisation))
    normalised = settings.scores is FeedbackScores.NORMALISED_MEAN
    return {s.application_id: (s.normalised_mean if normalised else s.raw_mean, s.judges) for s in ranking.standings}


def _scores(
    criteria: Sequence[Criterion], sheets: Sequence[Sheet], settings: FeedbackSettings
) -> dict[int, list[CriterionScore]]:
    by_team: dict[int, list[CriterionScore]] = defaultdict(list)
    if settings.scores is FeedbackScores.NONE:
        return by_team
    for criterion in criteria:
        means = _criterion_means(criterion, sheets, settings)
        if not means:
            continue
        field = distribution([mean for mean, _ in means.values()])
        for application_id, (mean, judges) in means.items():
            place = 1 + sum(1 for other, _ in means.values() if other > mean)
            by_team[application_id].append(
                CriterionScore(
                    criterion.id, criterion.name, criterion.scale_min, criterion.scale_max, mean, judges, field, place
                )
            )
    return by_team


def _comments(criteria: Sequence[Criterion], sheets: Sequence[Sheet]) -> dict[int, list[JudgeComments]]:
    by_team: dict[int, list[JudgeComments]] = defaultdict(list)
    per_team: dict[int, list[Sheet]] = defaultdict(list)
    for sheet in sheets:
        per_team[sheet.application_id].append(sheet)
    for application_id, team_sheets in per_team.items():
        for index, sheet in enumerate(sorted(team_sheets, key=lambda s: s.assignment_id)):
            shared = tuple(
                Comment(c.id, c.name, text)
                for c in criteria
                if (text := sheet.comments.get(c.id, "").strip()) and c.id not in sheet.private
            )
            if shared:
                by_team[application_id].append(JudgeComments(judge_letter(index), shared))
    return by_team


def round_feedback(
    criteria: Sequence[Criterion], sheets: Sequence[Sheet], settings: FeedbackSettings
) -> dict[int, TeamFeedback]:
    """Every scored team's feedback in a round, by application id (criteria in rubric order)."""
    submitted = [s for s in sheets if s.submitted]
    scores = _scores(criteria, submitted, settings)
    comments = _comments(criteria, submitted) if settings.comments else {}
    teams = sorted({s.application_id for s in submitted})
    return {
        a: TeamFeedback(a, tuple(scores.get(a, ())), tuple(comments.get(a, ())))
        for a in teams
        if settings.shares_anything
    }


def team_feedback(
    application_id: int, criteria: Sequence[Criterion], sheets: Sequence[Sheet], settings: FeedbackSettings
) -> TeamFeedback:
    """One team's feedback (empty when the round shares nothing or the team was not scored)."""
    found = round_feedback(criteria, sheets, settings).get(application_id)
    return found or TeamFeedback(application_id, (), ())
