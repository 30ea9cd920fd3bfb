"""One instance per fact: a value repeated in a report (summary, chapter, table) is kept once."""

from __future__ import annotations

from typing import Protocol

DISTINCT_VALUE = 1000  # from this size a repeated value is taken as the same fact


class Value(Protocol):
    indicator: str | None
    value: float
    unit: str | None
    year: int | None
    scope: str
    section: str


class Deduplicator:
    """Keeps the first occurrence of each (indicator, year, scope, value)."""

    def __init__(self) -> None:
        self.seen: set[tuple] = set()
        self.seen_unscoped: set[tuple] = set()

    def keep(self, value: Value) -> bool:
        """False for a linked value already kept. A large number or an amount repeated under
        another label is the same fact, not a new scope; a small count without a scope of its
        own is scoped by its section ("2 agents" of the SSIAD and "2 agents" of the ALAE are
        two facts), and the second one gets its section as scope."""
        distinctive = value.value >= DISTINCT_VALUE or value.unit == "EUR"
        key = (value.indicator, value.year, "" if distinctive else value.scope or value.section,
               round(value.value) if value.value >= DISTINCT_VALUE else round(value.value, 2))
        if value.indicator and key in self.seen:
            return False
        self.seen.add(key)
        if value.indicator and not distinctive and not value.scope:
            unscoped = (value.indicator, value.year, round(value.value, 2))
            if unscoped in self.seen_unscoped:
                value.scope = value.section
            self.seen_unscoped.add(unscoped)
        return True
