"""Judging rounds, rubrics, conflicts, judge assignment, scores, rankings and results."""
