"""The scope of a value: a short name of the site, service or budget it is for."""

from __future__ import annotations

import re

from ..quantities import Quantity
from .text import line_bounds

_SCOPE_PREFIX = re.compile(
    r"^\s*(?:sur|pour|à|au|aux|dont|de la|du|le|la|les)\s+(?P<scope>[A-ZÉ][\w'’ -]{1,40})"
)


def find_scope(plain: str, quantity: Quantity, table_label: str) -> str:
    """A short name of the site, service or budget a value is for, when the text gives one."""
    if table_label:
        return table_label.split("  ")[0][:60]
    line_start, line_end = line_bounds(plain, quantity.start)
    after = plain[quantity.unit_end or quantity.end : line_end]
    found = re.search(r"\b(?:sur|pour)\s+(?P<scope>(?:St |Saint )?[A-ZÉ][\w'’-]+(?: [A-ZÉ][\w'’-]+)*)",
                      after)
    if found:
        return found.group("scope")
    # "Sur Sézanne" on a line of its own above an infographic block
    cursor = line_start - 1
    for _ in range(4):
        if cursor <= 0:
            break
        previous_start, _ = line_bounds(plain, cursor - 1)
        previous = plain[previous_start:cursor].strip()
        scope = _SCOPE_PREFIX.match(previous)
        if scope and len(previous.split()) <= 5 and previous.split()[0].lower() == "sur":
            return scope.group("scope").strip()
        if previous and re.search(r"\d", previous):
            break
        cursor = previous_start - 1
    return ""


def scope_of_link(scope: str, table_row: str, places: set[str]) -> str:
    """The scope of a linked value: a table's row label is its scope unless the indicator's
    alias was found in that row ("Taux d'occupation réel en %  82 %  81 %"): a row naming the
    measure names no site or service, and the same rate said again in a sentence below is
    the same fact."""
    if table_row and "row" in places and scope == table_row.split("  ")[0][:60]:
        return ""
    return scope

