"""Editions and phases, municipalities and their problems, residents' voice, startups and applications."""
