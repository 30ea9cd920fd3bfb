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
    # issue 16: units and multipliers as a French reader reads them
    ("un budget de 2,05 millions d'euros", (2050000, "EUR", "value", False)),
    ("soit 12 500h d'aide à domicile", (12500, "heures", "value", False)),
    ("1 500h", (1500, "heures", "value", False)),
    ("un budget de 4,8 M € voté", (4800000, "EUR", "value", False)),
    ("350 K € de dons", (350000, "EUR", "value", False)),
    ("1,2 Mds € de dépenses", (1200000000, "EUR", "value", False)),
    ("3 500kg de denrées", (3500, "kg", "value", False)),
    ("3,5 t de denrées", (3500, "kg", "value", False)),
    ("12 pour cent des ménages", (12, "%", "value", False)),
    ("12\u2007500 repas", (12500, "repas", "value", False)),
    ("12\u202f500 repas", (12500, "repas", "value", False)),
    ("12’500 repas", (12500, "repas", "value", False)),
    ("12'500 repas", (12500, "repas", "value", False)),
    ("1 234.56 €", (1234.56, "EUR", "value", False)),
    ("1,234,567 €", (1234567, "EUR", "value", False)),
    ("soit 1 234. Puis", (1234, None, "value", False)),
    ("Résultat de l'exercice : -12 345 €", (-12345, "EUR", "value", False)),
    ("Résultat de l'exercice (12 345) €", (-12345, "EUR", "value", False)),
    ("Solde\t-3 210,50 €", (-3210.5, "EUR", "value", False)),
    ("la commune couvre 12 km²", (12, "km²", "value", False)),
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
    ("des patients ont entre 85 et 94 ans", "age"),
    # issue 12: numbers that structure gives a role
    ("1.3.2 Les aides sociales légales … 14", "outline"),
    ("au 31.12.2023", "date"),
    ("orientées par le 115 (urgence sociale)", "reference"),
    ("composer le 17", "phone"),
    ("numéro vert 0 800 123 456", "phone"),
    ("SIRET 261 300 123 00017", "identifier"),
    ("N° SIREN : 261 300 123", "identifier"),
    ("voir la partie 2", "ordinal"),
    ("voir page 12", "page"),
    ("ouvert de 9h à 12h", "time"),
    ("version 2.1.3", "reference"),
])
def test_numbers_that_are_never_values(text, role):
    assert values(text)[0][2] == role


def test_spans_point_at_the_number():
    text = "En 2022, 4 731 personnes"
    quantity = [q for q in find_quantities(text) if q.role == "value"][0]
    assert text[quantity.start:quantity.end] == "4 731"


@given(st.integers(min_value=1000, max_value=999_999_999),
       st.sampled_from([" ", "\u00a0", "\u202f", "\u2007", "'", "’"]))
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


def test_a_sign_before_a_number_elsewhere_is_no_part_of_it():
    # gold-format.md: "+ 624" → 624; "N-1" is the year before, "- 12 agents" a bullet
    found = values("Report résultat N-1\t2 469 074 €\n- 12 agents\nen baisse -5 €")
    assert [value for value, _, role, _ in found if role == "value"] == [1, 2469074, 12, 5]


def test_a_multiplier_word_after_digits_is_no_number_of_its_own():
    found = values("un budget de 2,05 millions d'euros et un million d'euros de dons")
    assert [(value, unit) for value, unit, role, _ in found if role == "value"] == [
        (2050000, "EUR"), (1000000, "EUR")]


def test_dotted_date_and_the_count_before_it():
    found = values("164 agents au 31.12.2023")
    assert [(value, unit, role) for value, unit, role, _ in found] == [
        (164, "agents", "value"), (31, None, "date")]


def test_exponent_is_no_number():
    found = values("42 studios de 30m² et une cuve de 12 m³")
    assert [(value, unit) for value, unit, _, _ in found] == [(42, "studios"), (30, "m²"), (12, "m³")]


def test_clock_times_and_hours_of_work():
    found = values("permanence de 14h à 16h, 20h de formation et 1 500h d'aide")
    assert [(value, role) for value, _, role, _ in found] == [
        (14, "time"), (16, "time"), (20, "value"), (1500, "value")]
