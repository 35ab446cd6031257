"""Use-cases of the judging domain: rounds, assignment, scoring, results."""
