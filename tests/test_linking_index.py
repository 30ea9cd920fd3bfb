"""The catalogue index (units, aliases, near misses → candidate indicators) changes nothing:
every corpus number gets the same candidates, with the same features, as when every indicator
of the catalogue is scored."""

from pathlib import Path

import pytest

from extract.indicators import collect_numbers
from extract.linking.candidates import candidates_for
from extract.metadata import guess_metadata
from extract.reader import read_document
from extract.sections import find_sections

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_indexed_candidates_are_the_exhaustive_ones(path):
    document = read_document(path)
    collected = collect_numbers(document, find_sections(document),
                                report_year=guess_metadata(document).report_year)
    assert collected.numbers
    for number in collected.numbers:
        indexed = candidates_for(number.evidence, collected.index)
        exhaustive = candidates_for(number.evidence, collected.index, exhaustive=True)
        assert [(c.indicator, c.features, c.method) for c in indexed] == \
               [(c.indicator, c.features, c.method) for c in exhaustive]
