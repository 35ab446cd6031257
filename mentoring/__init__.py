"""Mentor profiles, matching, matches, mentoring sessions and feedback."""
