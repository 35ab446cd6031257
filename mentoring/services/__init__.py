"""Use-cases of the mentoring domain: profiles, matching, sessions."""
