"""Pure rules of the mentoring domain: no web framework, no ORM, no clock reads."""
