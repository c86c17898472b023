import pytest

from bot.reports.places import (
    DISTRICTS,
    INSIDE_PLACES,
    OUTSIDE_PLACES,
    PLACES,
    PlaceMatch,
    extract_place_from_address,
    is_inside_postcode,
    resolve_place,
)

# From /work/shared/FACTS.md: 6121–6125, 6127, 6131–6137, 6141–6143, 6151, 6153, 6161–6167.
INSIDE_CODES = [
    *range(6121, 6126),
    6127,
    *range(6131, 6138),
    *range(6141, 6144),
    6151,
    6153,
    *range(6161, 6168),
]


def test_area_lists_match_the_facts():
    assert set(PLACES) == {
        "Sittard",
        "Geleen",
        "Born",
        "Buchten",
        "Holtum",
        "Papenhoven",
        "Graetheide",
        "Windraak",
        "Limbricht",
        "Einighausen",
        "Guttecoven",
        "Munstergeleen",
        "Obbicht",
        "Grevenbicht",
    }
    assert DISTRICTS == {
        "Broeksittard": "Sittard",
        "Lindenheuvel": "Geleen",
        "Lutterade": "Geleen",
        "Krawinkel": "Geleen",
        "Kluis": "Geleen",
        "Oud-Geleen": "Geleen",
        "Haesselderveld": "Geleen",
    }
    assert not set(INSIDE_PLACES) & set(OUTSIDE_PLACES)


def test_every_four_digit_postcode_is_classified_by_the_ranges():
    inside = set(INSIDE_CODES)
    for number in range(1000, 10000):
        assert is_inside_postcode(number) == (number in inside), number


@pytest.mark.parametrize("code", INSIDE_CODES)
def test_inside_postcodes(code):
    assert resolve_place(str(code)) == PlaceMatch("inside", None, str(code))


@pytest.mark.parametrize(
    "code", [6120, 6126, 6128, 6130, 6138, 6140, 6144, 6150, 6152, 6154, 6160, 6168, 6200, 1012]
)
def test_range_edges_outside(code):
    assert resolve_place(str(code)) == PlaceMatch("outside", None, str(code))


@pytest.mark.parametrize(
    ("typed", "postcode"),
    [
        ("6131 AB", "6131AB"),
        ("6131ab", "6131AB"),
        ("6131AB", "6131AB"),
        ("postcode 6131 ab, near the church", "6131AB"),
        ("mijn postcode is 6161", "6161"),
    ],
)
def test_postcode_forms(typed, postcode):
    match = resolve_place(typed)
    assert match.status == "inside"
    assert match.postcode == postcode


def test_postcode_with_place_names_the_place():
    assert resolve_place("6131 AB Geleen") == PlaceMatch("inside", "Geleen", "6131AB")
    assert resolve_place("6151 Munstergeleen") == PlaceMatch("inside", "Munstergeleen", "6151")


def test_postcode_decides_over_a_contradicting_place():
    assert resolve_place("6131 Maastricht") == PlaceMatch("inside", None, "6131")
    assert resolve_place("6211 AB Geleen") == PlaceMatch("outside", None, "6211AB")
    assert resolve_place("6211 AB Maastricht") == PlaceMatch("outside", "Maastricht", "6211AB")


def test_numbers_that_are_not_postcodes_are_ignored():
    # a reference-code group, a phone number and a house number are no postcodes
    assert resolve_place("04811-93020 Geleen").postcode is None
    assert resolve_place("bel 046 477 77 77").status == "unknown"
    assert resolve_place("Kerkstraat 12 Born") == PlaceMatch("inside", "Born", None)


@pytest.mark.parametrize("name", PLACES + tuple(DISTRICTS))
def test_every_place_and_district_is_inside(name):
    assert resolve_place(name) == PlaceMatch("inside", name, None)
    assert resolve_place(name.upper()) == PlaceMatch("inside", name, None)
    assert resolve_place(f"in {name.lower()}") == PlaceMatch("inside", name, None)


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("sitard", "Sittard"),
        ("Sittart", "Sittard"),
        ("Muntergeleen", "Munstergeleen"),
        ("munster geleen", "Munstergeleen"),
        ("munster gelen", "Munstergeleen"),
        ("gelen", "Geleen"),
        ("geleen centrum", "Geleen"),
        ("Sittard-Centrum", "Sittard"),
        ("Einighuizen", "Einighausen"),
        ("Greatheide", "Graetheide"),
        ("obicht", "Obbicht"),
        ("grevebicht", "Grevenbicht"),
        ("Lindeheuvel", "Lindenheuvel"),
        ("Hasselderveld", "Haesselderveld"),
        ("Hässelderveld", "Haesselderveld"),
        ("GRÉVENBICHT", "Grevenbicht"),
        ("Oud Geleen", "Oud-Geleen"),
        ("oudgeleen", "Oud-Geleen"),
        ("Broek Sittard", "Broeksittard"),
        ("Lindenheuvel, Geleen", "Lindenheuvel"),  # the district is more precise
        ("ik woon in Limbricht bij de kerk", "Limbricht"),
        ("Born centrum", "Born"),
        ("ich wohne in born", "Born"),
    ],
)
def test_typos_districts_and_sentences(typed, place):
    assert resolve_place(typed) == PlaceMatch("inside", place, None)


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("Maastricht", "Maastricht"),
        ("heerlen", "Heerlen"),
        ("Roermond", "Roermond"),
        ("Venlo", "Venlo"),
        ("Amsterdam", "Amsterdam"),
        ("Amsterdm", "Amsterdam"),
        ("Stein", "Stein"),
        ("Beek", "Beek"),
        ("Echt", "Echt"),
        ("Susteren", "Susteren"),
        ("Echt-Susteren", "Echt-Susteren"),
        ("Schinnen", "Schinnen"),
        ("den haag", "Den Haag"),
        ("Ich wohne in Stein", "Stein"),
        ("I was born in Maastricht", "Maastricht"),
    ],
)
def test_outside_places(typed, place):
    assert resolve_place(typed) == PlaceMatch("outside", place, None)


def test_every_outside_place_is_outside():
    for name in OUTSIDE_PLACES:
        assert resolve_place(name) == PlaceMatch("outside", name, None), name


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "near the station",
        "weet ik echt niet",  # "echt" = really, not the town Echt
        "bij de beek achter de kerk",  # "beek" = brook
        "de kluis van de bank",  # "kluis" = safe
        "twee weken geleden",  # close to "Geleen" but a common word
        "het huis is gelegen aan een plein",
        "Geleenstraat 4",  # a street named after a place is no place
        "Sittarderweg 12",
        "somewhere",
    ],
)
def test_unknown(typed):
    assert resolve_place(typed) == PlaceMatch("unknown", None, None)


def test_the_municipality_name_alone_is_inside_without_a_place():
    assert resolve_place("Sittard-Geleen") == PlaceMatch("inside", None, None)
    assert resolve_place("gemeente Sittard Geleen") == PlaceMatch("inside", None, None)
    assert resolve_place("Lutterade, Sittard-Geleen") == PlaceMatch("inside", "Lutterade", None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Rijksweg Zuid 12, 6131 AB Geleen", PlaceMatch("inside", "Geleen", "6131AB")),
        ("Rijksweg Zuid 12, 6131AB, Geleen", PlaceMatch("inside", "Geleen", "6131AB")),
        ("Markt 1, 6131 EK Sittard", PlaceMatch("inside", "Sittard", "6131EK")),
        ("Geleenstraat 4, Heerlen", PlaceMatch("outside", "Heerlen", None)),
        ("Geleenstraat 4, 6411 HR Heerlen", PlaceMatch("outside", "Heerlen", "6411HR")),
        ("Maastrichterweg 3, Geleen", PlaceMatch("inside", "Geleen", None)),
        ("Sittardse weg 4, Born", PlaceMatch("inside", "Born", None)),
        ("Kerkstraat 3, Echt", PlaceMatch("outside", "Echt", None)),
        ("Kerkstraat 3 Born", PlaceMatch("inside", "Born", None)),
        ("Geleen, Rijksweg Zuid 12", PlaceMatch("inside", "Geleen", None)),
        ("Geleenstraat 4", PlaceMatch("unknown", None, None)),
        ("Stationsstraat 2\n6161 AA Geleen", PlaceMatch("inside", "Geleen", "6161AA")),
    ],
)
def test_address_lines(line, expected):
    assert extract_place_from_address(line) == expected
    assert resolve_place(line) == expected
