import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract.document import blank_markup
from extract.quantities import find_quantities, parse_number


def values(text):
    return [(q.value, q.unit, q.role, q.approx) for q in find_quantities(blank_markup(text))]


@pytest.mark.parametrize("text,expected", [
    ("39 975 appels", (39975, "appels", "value", False)),
    ("12 072,33 €", (12072.33, "EUR", "value", False)),
    ("4,8M€", (4800000, "EUR", "value", False)),
    ("15 M€", (15000000, "EUR", "value", False)),
    ("2 k€", (2000, "EUR", "value", False)),
    ("9.500 habitants", (9500, "habitants", "value", False)),
    ("76.42%", (76.42, "%", "value", False)),
    ("189.57 ETP", (189.57, "ETP", "value", False)),
    ("un million d’euros", (1000000, "EUR", "value", False)),
    ("cinquante places", (50, "places", "value", False)),
    ("les dix-sept postes", (17, "postes", "value", False)),
    ("plus d'une tonne", (1000, "kg", "value", True)),
    ("près de 28 500 repas", (28500, "repas", "value", True)),
    ("+ 624\n\n*personnes accueillies*", (624, "personnes", "value", False)),
    ("**63 037** journées", (63037, "journées", "value", False)),
])
def test_values_are_normalised_as_gold_format_says(text, expected):
    assert values(text)[0] == expected


@pytest.mark.parametrize("text,role", [
    ("en 2023", "year"),
    ("au 1^{er} janvier", "ordinal"),
    ("le 12 juin", "date"),
    ("tél : 02 43 09 09 65", "phone"),
    ("53400 Craon", "postcode"),
    ("article 12 du code", "legal"),
    ("plus de 60 ans", "age"),
    ("(+8,08 %)", "change"),
    ("31 de plus qu'en 2018", "change"),
    ("2022/2023", "year"),
    ("enfants (3-11 ans)", "age"),
    ("de 3 à 12 ans", "age"),
])
def test_numbers_that_are_never_values(text, role):
    assert values(text)[0][2] == role


def test_spans_point_at_the_number():
    text = "En 2022, 4 731 personnes"
    quantity = [q for q in find_quantities(text) if q.role == "value"][0]
    assert text[quantity.start:quantity.end] == "4 731"


@given(st.integers(min_value=1000, max_value=999_999_999),
       st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_grouped_thousands_round_trip(number, space):
    written = f"{number:,}".replace(",", space)
    assert parse_number(written) == number
    found = [q for q in find_quantities(f"soit {written} repas") if q.role == "value"]
    assert found[0].value == number and found[0].unit == "repas"


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=99))
def test_decimal_comma(units, cents):
    written = f"{units},{cents:02d}"
    assert parse_number(written) == pytest.approx(units + cents / 100)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_point_before_three_digits_groups_thousands(thousands, units):
    assert parse_number(f"{thousands}.{units:03d}") == thousands * 1000 + units


def test_only_consecutive_years_make_a_season():
    # "2022 / 14 893,40 €" is a year then an amount, "2022 - 2023" a season
    found = values("¤ 9 234,30€ en 2022 / 14 893,40€ en 2023")
    assert [value for value, _, role, _ in found if role == "value"] == [9234.3, 14893.4]
    assert values("2022 - 2023")[0][2] == "year"


def test_counted_noun_and_units_after_adjectives():
    from extract.quantities import find_quantities

    coordinators, = find_quantities("6 coordonnateurs de secteur")
    assert coordinators.unit is None and coordinators.noun == "coordonnateurs"
    files, = find_quantities("23 nouveaux dossiers")
    assert files.unit == "dossiers"
    hours, = find_quantities("86 612 nombre d'heures d'accueil")
    assert hours.unit == "heures"


def test_a_year_ending_its_line_takes_no_unit_from_the_next():
    from extract.quantities import find_quantities

    year = find_quantities("1 984 COURRIERS EN 2023\nATTESTATION D'ACCUEIL\n")[1]
    assert (year.value, year.unit, year.role) == (2023, None, "year")
