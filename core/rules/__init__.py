"""Pure business rules of the kernel (no framework, no database, no clock).


Messages meant for people are marked with `N_` so `make messages` extracts them; they are
translated where they are shown (core.web), in the reader's language.
"""


def N_(message: str) -> str:
    return message


# The one answer to a text over its field's limit, wherever the field is.
TOO_LONG = N_("This is too long; please shorten it.")
