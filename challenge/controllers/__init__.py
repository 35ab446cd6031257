"""HTTP for the challenge domain; `ROUTES` is what the composition root mounts."""

from challenge.controllers.public import EditionApi, PublicPages, RoleHomes

ROUTES = [PublicPages, RoleHomes, EditionApi]
