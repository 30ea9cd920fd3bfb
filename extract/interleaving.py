"""Interleaved columns: text converted from a multi-column page line by line across the columns.

A converter that reads a two-column page straight across writes the left column's line, then the
right column's, then the left's again. A reader sees it at once: a line breaks off mid-sentence,
the next line starts another sentence, and the line after that goes on with the first one. This
module counts those broken-off lines per page; a page where they are frequent is flagged, and
what is read there is less sure (the caller lowers its confidence).
"""

from __future__ import annotations

import re

from .document import Document, Line

_BREAKS_OFF = re.compile(r"[a-zà-ÿ]\s*$")  # ends inside a sentence, on a word
_STARTS_SENTENCE = re.compile(r"^\s*[A-ZÀ-Ý«\"0-9]")
_GOES_ON = re.compile(r"^\s*[a-zà-ÿ(]")  # goes on with a sentence: lower-case first letter
MIN_WORDS = 4  # shorter lines are labels and list items, not running text
MIN_CROSSINGS = 3  # a page needs this many crossings ...
MIN_SHARE = 0.15  # ... making this share of its running-text lines


def _running(line: Line) -> bool:
    return len(line.text.split()) >= MIN_WORDS and "\t" not in line.text


def crossings(lines: list[Line]) -> tuple[int, int]:
    """(crossings, running lines): how many running-text lines break off mid-sentence, are
    followed by a line starting a sentence, and go on two lines down."""
    shown = [line for line in lines if not line.is_blank]
    running = [_running(line) for line in shown]  # each line is tested once, not three times
    count = 0
    for index, (first, second, third) in enumerate(zip(shown, shown[1:], shown[2:],
                                                        strict=False)):
        if (running[index] and running[index + 1] and running[index + 2]
                and _BREAKS_OFF.search(first.text) and _STARTS_SENTENCE.match(second.text)
                and _GOES_ON.match(third.text)):
            count += 1
    return count, sum(running)


def interleaved_pages(document: Document) -> list[int]:
    """The numbers of the pages whose text looks read across two columns."""
    flagged = []
    for page in document.pages:
        count, running = crossings(page.lines)
        if count >= MIN_CROSSINGS and count >= MIN_SHARE * running:
            flagged.append(page.number)
    return flagged
