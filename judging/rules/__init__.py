"""Pure rules of the judging domain: no web framework, no ORM, no clock reads."""
