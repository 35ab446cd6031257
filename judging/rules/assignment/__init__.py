"""Which judges score which application: k per application, even loads, no conflicts.

The plan is an optimal capacitated assignment (`core.rules.flow.assign`), chosen in this order:

1. As many judge places filled as there can be: exactly k judges per application whenever the
   judges' limits and conflicts allow it. A pair with a conflict has no edge, so it is never
   chosen; at most one judge of an organisation sits on a panel (unless switched off).
2. Then the best expertise less the load cost. A pair earns `expertise_weight` times the share
   of the application's tags (requested expertise and sector) the judge offers; the n-th
   application of a judge costs `balance_weight * (n - 1)`. Without expertise the loads differ by
   at most one; moving an application to a judge already d above another costs
   `balance_weight * d`, so with the defaults (100 and 50) loads differ by at most three.
3. Then chance, reproducibly: every pair's cost carries a jitter from a hash of (seed, judge,
   application), worth less than one point, which decides between plans equal in points. Equal
   plans are common (no tags, or many judges with the same ones), and drawing among them rather
   than always taking the lowest ids mixes panels, which links judges through shared
   applications. The same seed gives the same plan, in any input order; another seed may give
   another plan, never a worse one by more than the jitter.

Normalising scores compares judges on the applications they share, so the plan reports the
judge co-assignment graph (judges linked when they sit on one panel) and warns when it falls
apart into more than one group: leniency cannot be told from batch quality across groups.

The organiser's locked pairs are kept as they are, even over a limit or against a conflict,
and each rule a lock breaks is reported. An application left short of judges gets a
`Shortfall` naming the first thing that stands in the way. Every message meant for people is a
`Message`, translated where it is shown.

The package: `model` (judges, applications, the plan), `costs` (what each pair costs: expertise
and jitter), `plan` (`assign_judges`), `linking` (joining panels that share no judge) and
`shortfalls` (why an application is short) and `top_up` (filling the places of a judge who
dropped out around everything that stays). This module is its public face: import from
`judging.rules.assignment`.
"""

from judging.rules.assignment.costs import shared_tags
from judging.rules.assignment.model import ApplicationToJudge, AssignmentResult, Judge, JudgeAssignment, Shortfall
from judging.rules.assignment.plan import assign_judges
from judging.rules.assignment.top_up import TopUp, plan_top_up, released_conflicts

__all__ = [
    "ApplicationToJudge",
    "AssignmentResult",
    "Judge",
    "JudgeAssignment",
    "Shortfall",
    "TopUp",
    "assign_judges",
    "plan_top_up",
    "released_conflicts",
    "shared_tags",
]
