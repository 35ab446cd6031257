"""Pilots: after the challenge, the winner's solution runs in the municipality under an agreement
every side signs, monitored by KPIs with evidence, milestones signed off and residents' feedback,
in public and as open data."""
