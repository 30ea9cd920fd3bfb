"""Value roles: what a number is in its clause, read from cue words (`schemas/roles.yaml`).

A number is a ``value`` unless its clause makes it something else: a part of a total by sex,
novelty or age ("dont 14 femmes", "22 nouveaux patients"), a share ("soit 88 %"), a bound of a
range ("entre 5 et 32 nuits"), an average or rate ("en moyenne", "par mois"), a change ("+8 %",
"31 de plus qu'en 2018"), a price ("12 € le repas"), a plan ("objectif de 50"), or a limit
("plus de 60 ans"). Only values are linked; the others are kept with their role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ..catalogue import fold
from ..paths import SCHEMAS_DIR

ROLES_PATH = SCHEMAS_DIR / "roles.yaml"
WINDOW = 60  # characters read on each side of a number


@dataclass(frozen=True)
class RoleCues:
    name: str
    before: tuple[re.Pattern[str], ...]
    after: tuple[re.Pattern[str], ...]
    label: tuple[re.Pattern[str], ...]
    units: tuple[str, ...]  # when given, only numbers with one of these units take the role
    around: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()


def role_cues(path: str | Path | None = None) -> tuple[RoleCues, ...]:
    """The cues of `path` (default: the packaged file; a catalogue names its own in
    `catalogue.linker.roles`), compiled once per content."""
    if path is None:
        return _default_cues()
    return _compile(Path(path).read_text(encoding="utf-8"))


@cache
def _default_cues() -> tuple[RoleCues, ...]:  # asked for every number: no file read each time
    return _compile(ROLES_PATH.read_text(encoding="utf-8"))


@cache  # keyed by the text: two files never share cues, an edited file is compiled anew
def _compile(text: str) -> tuple[RoleCues, ...]:
    data = yaml.safe_load(text)
    return tuple(  # one alternation per side: one search instead of one per pattern
        RoleCues(name, *(tuple(re.compile("|".join(f"(?:{p})" for p in cues[side])) for _ in (1,)
                               if cues.get(side)) for side in ("before", "after", "label")),
                 tuple(cues.get("units", [])),
                 tuple((re.compile(b), re.compile(a)) for b, a in cues.get("around", [])))
        for name, cues in data["roles"].items()
    )


NON_VALUE_ROLES = frozenset(cues.name for cues in role_cues())


def role_of(before: str, after: str, unit: str | None = None, label: str = "",
            cues_list: tuple[RoleCues, ...] | None = None) -> str:
    """The role of a number from the words `before` it, the words `after` it (unit included) and,
    in a table, its row label and column header (`label`); `cues_list`: a catalogue's own cues
    (default: the packaged ones)."""
    before, after, label = fold(before)[-WINDOW:], fold(after)[:WINDOW], fold(label)
    cues_list = cues_list or role_cues()
    any_before, any_after, any_label = _screen(cues_list)
    if not (any_before.search(before) or any_after.search(after)
            or label and any_label.search(label)):
        return "value"  # no cue of any role (most numbers): one search per side, not one per role
    for cues in cues_list:
        if cues.units and unit not in cues.units:
            continue
        if (any(p.search(before) for p in cues.before) or any(p.search(after) for p in cues.after)
                or label and any(p.search(label) for p in cues.label)
                or any(b.search(before) and a.search(after) for b, a in cues.around)):
            return cues.name
    return "value"


_SCREENS: dict[int, tuple[tuple[RoleCues, ...], tuple[re.Pattern[str], ...]]] = {}


def _screen(cues_list: tuple[RoleCues, ...]) -> tuple[re.Pattern[str], ...]:
    """One alternation per side of every role's cues (an `around` pair's first part with those
    before): no match on any side, and no role can hold. Built once per cues object."""
    found = _SCREENS.get(id(cues_list))
    if found is None or found[0] is not cues_list:  # (an id may be reused)
        def joined(patterns) -> re.Pattern[str]:
            return re.compile("|".join(f"(?:{p.pattern})" for p in patterns) or r"(?!)")
        found = _SCREENS[id(cues_list)] = (cues_list, (
            joined([p for c in cues_list for p in (*c.before, *(b for b, _ in c.around))]),
            joined([p for c in cues_list for p in c.after]),
            joined([p for c in cues_list for p in c.label])))
    return found[1]


def value_role(plain: str, quantity, context,
               cues_list: tuple[RoleCues, ...] | None = None) -> str:
    """The role of `quantity` in its clause (`context`: see `linking.context`)."""
    line_start = plain.rfind("\n", 0, quantity.start) + 1
    line_end = plain.find("\n", quantity.end)
    line_end = len(plain) if line_end < 0 else line_end
    before = plain[max(line_start, quantity.start - WINDOW) : quantity.start]
    after = plain[quantity.end : min(line_end, quantity.end + WINDOW)]
    if context.table:  # a cell's neighbours are other cells
        before = plain[context.before_range[0] : quantity.start]
        after = plain[quantity.end : context.label_range[1]]
    table = context.table
    label = f"{table.row[:WINDOW]} {table.header[:WINDOW]}" if table else ""
    return role_of(before[-WINDOW:], after[:WINDOW], quantity.unit, label, cues_list)
