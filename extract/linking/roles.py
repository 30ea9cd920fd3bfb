"""Value roles: what a number is in its clause (a value, a part, a share, a range, ...)."""

from __future__ import annotations

NON_VALUE_ROLES = {"part", "share", "range", "rate", "change", "price", "plan", "limit"}


def value_role(plain: str, quantity, context) -> str:
    """The role of a number in its clause (cue words in `schemas/roles.yaml`)."""
    return "value"
