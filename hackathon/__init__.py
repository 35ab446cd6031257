"""Hackathon events, rooms, schedule building and checking, publishing (downstream of the other domains)."""
