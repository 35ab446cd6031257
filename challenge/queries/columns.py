"""Column selections that several reads of the challenge make, named once so that the rows they
fill always carry the same keys (the `Row` structs of the queries read them by these aliases)."""

from __future__ import annotations

from challenge.tables import Problem, ProblemAttachment

# Who owns a problem, by name (staff lists, the review queue and the catalogue).
MUNICIPALITY_NAME = Problem.municipality.name.as_alias("municipality_name")

# A problem's municipality as the catalogue shows it and filters on it.
MUNICIPALITY_OF_PROBLEM = (
    MUNICIPALITY_NAME,
    Problem.municipality.region.as_alias("region"),
    Problem.municipality.kind.as_alias("kind"),
)

# What a link to an attached upload says of it besides its name.
ATTACHED_FILE_TYPE_AND_SIZE = (
    ProblemAttachment.file.content_type.as_alias("content_type"),
    ProblemAttachment.file.size.as_alias("size"),
)
