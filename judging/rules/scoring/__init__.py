"""From judges' weighted totals to a ranking, and from a ranking to who advances.

Input is one total per (judge, application) for submitted sheets only; a recusal or a missing
sheet is simply absent, so it neither adds nor costs anything: every mean is over the judges who
scored.

**Raw mean** is the plain mean of those totals.

**Normalised mean** takes judges' habits out, in one of two ways (`Normalisation`):

- `Z_SCORE`, the classic: each total becomes ``mu + sigma * z`` with ``z = (x - judge mean) /
  judge sd`` and mu, sigma the mean and standard deviation (population) of every total in the
  round, so it stays on the raw scale. A judge with a single total, or whose totals are all
  equal, gets z = 0 for all of them: there is no spread to read their scale from. Its flaw: it
  assumes every judge saw a batch of the same average quality. A judge who happened to get the
  strongest applications has a high mean for a good reason, yet z-scores pull those applications
  down towards the round's average (9 and 8 become +1 and -1, so the 8 lands below every
  application another judge ranked above their own average).
- `JUDGE_OFFSET` (the default) uses the overlap of panels instead: it fits ``total = quality of
  the application + leniency of the judge`` by least squares, so a judge's leniency is how much
  they score above or below the *other judges on the same applications*, never above the round.
  A judge with a strong batch whom the co-judges agree with gets no offset, and their
  applications keep their scores. The normalised total is ``total - leniency``, and the
  normalised mean of an application is its fitted quality. Leniencies are solved exactly from the
  normal equations (a judges x judges system) and sum to zero weighted by each judge's number of
  totals, separately within each group of judges linked by shared applications, so the round's
  level is unchanged. Where panels do not overlap at all there is no evidence to tell leniency from
  batch quality, and the raw totals stand. It corrects leniency, not how widely a judge spreads
  their scores; a judge's scale is not estimated (too few totals per judge to do it reliably
  without, again, leaning on the batch).

**Spread** per application is max - min and the sample standard deviation of its totals (0 for a
single judge). Flags for discussion are on the raw totals, as judges gave them, so a panel talks
about the sheets it can see; a judge's general leniency is shown apart, in `Ranking.judges`. Both
flags measure against s, the round's pooled within-application standard deviation (how far the
judges of one application differ, over the whole round), because two or three co-judges are too
few to estimate their own: two who agree would make any third total an outlier.

- A judge is an *outlier* on an application with at least three judges when their total is
  further from the mean of the k others than ``outlier_sd * s * sqrt(1 + 1/k)``: the distance
  between one total and the mean of k others has that standard deviation when judges agree up to
  noise, so the default 2 flags about one total in twenty by chance, whatever the panel size.
- An application has a *wide spread* when its own standard deviation exceeds ``spread_sd * s``
  (default 2: chance alone does that to about 5% of two-judge panels, 2% of three-judge ones and
  fewer of larger ones), or, when `max_spread` is set, when max - min exceeds it.

**Advancement** (`select_advancing`) takes the ranking and quotas and explains every swap.

**Order**: normalised mean, then raw mean, then the number of judges (more judges, more
evidence), then the median, all highest first, then the application id, lowest first, so the
order is total and the same on every run. Means equal to nine decimal places count as tied. Each
standing whose place was decided by a key after the first says which (`TieBreak`).

The package: `model` (totals in, the ranking out), `normalisation` (judges' habits taken out),
`ranking` (`rank_applications`: spread, flags and order) and `advancement` (`select_advancing`
under quotas). This module is its public face: import from `judging.rules.scoring`.
"""

from judging.rules.scoring.advancement import (
    Advancement,
    AtLeast,
    AtMost,
    Candidate,
    Quota,
    QuotasInfeasible,
    Swap,
    select_advancing,
)
from judging.rules.scoring.model import (
    TIE_DECIMALS,
    Flag,
    JudgeCalibration,
    JudgeScore,
    Ranking,
    ScoringOptions,
    Standing,
    TieBreak,
)
from judging.rules.scoring.ranking import rank_applications

__all__ = [
    "TIE_DECIMALS",
    "Advancement",
    "AtLeast",
    "AtMost",
    "Candidate",
    "Flag",
    "JudgeCalibration",
    "JudgeScore",
    "Quota",
    "QuotasInfeasible",
    "Ranking",
    "ScoringOptions",
    "Standing",
    "Swap",
    "TieBreak",
    "rank_applications",
    "select_advancing",
]
