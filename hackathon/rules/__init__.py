"""Pure rules of the hackathon domain: no web framework, no ORM, no clock reads."""
