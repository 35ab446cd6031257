"""Shared kernel and composition root of the challenge platform."""
