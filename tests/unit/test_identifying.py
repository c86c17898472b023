"""bot.privacy.identifying: what could say who the person reporting is, in all 12 languages."""

from __future__ import annotations

import time

import pytest

from bot.privacy import Finding, find_identifying, has_content, without
from bot.privacy.patterns import ROLES, languages, load
from bot.texts import available_languages

# (language, text, kind, the part that must be found)
FOUND = [
    # Dutch
    ("nl", "Ik ben Jan de Vries en ik zie elke nacht mannen", "name", "Ik ben Jan de Vries"),
    ("nl", "mijn naam is jan jansen", "name", "mijn naam is jan jansen"),
    ("nl", "Bel me op 06-12345678 als het nodig is", "phone", "Bel me op 06-12345678"),
    ("nl", "Mijn nummer is +31 6 1234 5678.", "phone", "Mijn nummer is +31 6 1234 5678"),
    ("nl", "mail me op jan.jansen@example.nl", "email", "mail me op jan.jansen@example.nl"),
    ("nl", "Ik woon ernaast en hoor alles", "proximity", "Ik woon ernaast"),
    ("nl", "Mijn buurvrouw krijgt elke nacht bezoek", "proximity", "Mijn buurvrouw"),
    ("nl", "ik ben de overbuurman", "proximity", "ik ben de overbuurman"),
    # English
    ("en", "I'm Sarah and I saw it myself", "name", "I'm Sarah"),
    ("en", "my name is tom baker", "name", "my name is tom baker"),
    ("en", "call me on 0612345678", "phone", "call me on 0612345678"),
    ("en", "you can reach me on +44 20 7946 0958", "phone", "reach me on +44 20 7946 0958"),
    ("en", "my email is sarah@example.com", "email", "my email is sarah@example.com"),
    ("en", "I live next door to them", "proximity", "I live next door"),
    ("en", "my neighbour across the street told me", "proximity", "my neighbour"),
    # German
    ("de", "Ich heiße Jürgen Müller", "name", "Ich heiße Jürgen Müller"),
    ("de", "Rufen Sie mich an unter 0176 1234567", "phone", "Rufen Sie mich an unter 0176 1234567"),
    ("de", "Meine E-Mail ist jm@example.de", "email", "Meine E-Mail ist jm@example.de"),
    ("de", "Ich wohne direkt nebenan", "proximity", "Ich wohne direkt nebenan"),
    ("de", "meine Nachbarin hat es auch gesehen", "proximity", "meine Nachbarin"),
    # French
    ("fr", "Je m'appelle Marie Dupont", "name", "Je m'appelle Marie Dupont"),
    ("fr", "mon numéro est 06 12 34 56 78", "phone", "mon numéro est 06 12 34 56 78"),
    ("fr", "écrivez-moi à marie@example.fr", "email", "écrivez-moi à marie@example.fr"),
    ("fr", "Je suis le voisin", "proximity", "Je suis le voisin"),
    ("fr", "j'habite juste en face", "proximity", "j'habite juste en face"),
    # Spanish
    ("es", "Me llamo Ana García", "name", "Me llamo Ana García"),
    ("es", "mi número es 612 345 678", "phone", "mi número es 612 345 678"),
    ("es", "mi correo es ana@example.es", "email", "mi correo es ana@example.es"),
    ("es", "Vivo al lado", "proximity", "Vivo al lado"),
    ("es", "mi vecina lo vio", "proximity", "mi vecina"),
    # Portuguese
    ("pt", "O meu nome é João da Silva", "name", "O meu nome é João da Silva"),
    ("pt", "o meu número é 912 345 678", "phone", "o meu número é 912 345 678"),
    ("pt", "meu email é joao@example.pt", "email", "meu email é joao@example.pt"),
    ("pt", "Moro ao lado dessa casa", "proximity", "Moro ao lado"),
    # Polish
    ("pl", "Nazywam się Anna Kowalska", "name", "Nazywam się Anna Kowalska"),
    ("pl", "mój numer to 512 345 678", "phone", "mój numer to 512 345 678"),
    ("pl", "mój e-mail to anna@example.pl", "email", "mój e-mail to anna@example.pl"),
    ("pl", "Mieszkam obok", "proximity", "Mieszkam obok"),
    ("pl", "moja sąsiadka też to widziała", "proximity", "moja sąsiadka"),
    # Romanian
    ("ro", "Numele meu este Ioana Popescu", "name", "Numele meu este Ioana Popescu"),
    ("ro", "numărul meu este 0722 123 456", "phone", "numărul meu este 0722 123 456"),
    ("ro", "emailul meu este ioana@example.ro", "email", "emailul meu este ioana@example.ro"),
    ("ro", "Locuiesc alături", "proximity", "Locuiesc alături"),
    ("ro", "vecinul meu a văzut totul", "proximity", "vecinul meu"),
    # Bulgarian
    ("bg", "Казвам се Мария Иванова", "name", "Казвам се Мария Иванова"),
    ("bg", "номерът ми е 0888 123 456", "phone", "номерът ми е 0888 123 456"),
    ("bg", "имейлът ми е maria@example.bg", "email", "имейлът ми е maria@example.bg"),
    ("bg", "Живея в съседство", "proximity", "Живея в съседство"),
    ("bg", "съседът ми също ги вижда", "proximity", "съседът ми"),
    # Hungarian
    ("hu", "A nevem Kovács Anna", "name", "A nevem Kovács Anna"),
    ("hu", "Kovács Anna vagyok", "name", "Kovács Anna vagyok"),
    ("hu", "a számom +36 30 123 4567", "phone", "a számom +36 30 123 4567"),
    ("hu", "az e-mail címem anna@example.hu", "email", "az e-mail címem anna@example.hu"),
    ("hu", "A szomszédban lakom", "proximity", "A szomszédban lakom"),
    ("hu", "a szomszédom is látta", "proximity", "szomszédom"),
    # Ukrainian
    ("uk", "Мене звати Олена Коваль", "name", "Мене звати Олена Коваль"),
    ("uk", "мій номер +380 67 123 4567", "phone", "мій номер +380 67 123 4567"),
    ("uk", "моя пошта olena@example.ua", "email", "моя пошта olena@example.ua"),
    ("uk", "Я живу поруч", "proximity", "Я живу поруч"),
    ("uk", "моя сусідка теж бачила", "proximity", "моя сусідка"),
    # Russian
    ("ru", "Меня зовут Ирина Петрова", "name", "Меня зовут Ирина Петрова"),
    ("ru", "мой номер 8 912 345 67 89", "phone", "мой номер 8 912 345 67 89"),
    ("ru", "моя почта irina@example.ru", "email", "моя почта irina@example.ru"),
    ("ru", "Я живу по соседству", "proximity", "Я живу по соседству"),
    ("ru", "мой сосед тоже видел", "proximity", "мой сосед"),
]

# Ordinary report text: nothing here points at the writer.
ORDINARY = {
    "nl": [
        "er komen 's nachts veel mannen",
        "de buren zeggen niets",
        "Een grijze Opel Corsa met Duits kenteken staat naast het huis",
        "Ik ben bang dat de vrouwen daar niet weg kunnen",
        "Er staat vaak een busje tegenover het huis, de ramen zijn afgeplakt",
    ],
    "en": [
        "a white van parks next to the house",
        "the neighbours never see her",
        "I am worried about the women who live there",
        "Men arrive every night around 11 and leave after 20 minutes",
    ],
    "de": [
        "Die Nachbarn sehen sie nie",
        "Ein weißer Transporter parkt neben dem Haus",
        "Ich bin besorgt, nachts kommen viele Männer",
    ],
    "fr": [
        "Les voisins ne la voient jamais",
        "Une camionnette blanche se gare à côté de la maison",
        "Je suis inquiète, des hommes viennent la nuit",
    ],
    "es": [
        "Los vecinos nunca la ven",
        "Una furgoneta blanca aparca al lado de la casa",
        "Estoy preocupada, vienen hombres por la noche",
    ],
    "pt": [
        "Os vizinhos nunca a veem",
        "Uma carrinha branca estaciona ao lado da casa",
        "Estou preocupada, vêm homens à noite",
    ],
    "pl": [
        "Sąsiedzi nigdy jej nie widzą",
        "Biały bus parkuje obok domu",
        "Jestem zaniepokojona, w nocy przychodzą mężczyźni",
    ],
    "ro": [
        "Vecinii nu o văd niciodată",
        "O dubă albă parchează lângă casă",
        "Sunt îngrijorată, noaptea vin bărbați",
    ],
    "bg": [
        "Съседите никога не я виждат",
        "Бял бус паркира до къщата",
        "Притеснена съм, през нощта идват мъже",
    ],
    "hu": [
        "A szomszédok soha nem látják",
        "Egy fehér kisbusz parkol a ház mellett",
        "Aggódom, éjjel férfiak jönnek",
    ],
    "uk": [
        "Сусіди ніколи її не бачать",
        "Білий бус паркується біля будинку",
        "Я хвилююся, вночі приходять чоловіки",
    ],
    "ru": [
        "Соседи никогда её не видят",
        "Белый фургон паркуется рядом с домом",
        "Я волнуюсь, ночью приходят мужчины",
    ],
}


def kinds(text, language):
    return {(f.kind, f.text) for f in find_identifying(text, language)}


def test_every_language_of_the_texts_has_a_pattern_file_with_every_role():
    assert languages() == sorted(available_languages())
    for language in languages():
        patterns = load(language)
        assert set(patterns) == {f"{s}.{r}" for s, roles in ROLES.items() for r in roles}
        assert patterns["name.intro"] and patterns["proximity.neighbour"], language


@pytest.mark.parametrize(("language", "text", "kind", "part"), FOUND)
def test_found(language, text, kind, part):
    assert (kind, part) in kinds(text, language), kinds(text, language)


@pytest.mark.parametrize("language", sorted(ORDINARY))
def test_each_language_finds_a_name_a_phone_an_email_and_closeness(language):
    found = {kind for lang, text, kind, _ in FOUND if lang == language and kinds(text, lang)}
    assert found == {"name", "phone", "email", "proximity"}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in ORDINARY.items() for text in texts]
)
def test_ordinary_report_text_is_not_flagged(language, text):
    assert find_identifying(text, language) == []


def test_every_language_has_at_least_three_ordinary_sentences():
    assert set(ORDINARY) == set(languages())
    assert all(len(texts) >= 3 for texts in ORDINARY.values())


@pytest.mark.parametrize(
    "text",
    [
        "Rijksweg Zuid 12, 6161 AB Geleen",  # a postcode is no phone number
        "tussen 22.00 en 02.00 uur",
        "sinds 12-05-2024",
        "kenteken 12-ABC-3",
        "ik ben er zeker van",
        "ik ben Nederlander",
    ],
)
def test_numbers_dates_and_plain_phrases_are_not_flagged(text):
    assert find_identifying(text, "nl") == []


def test_findings_carry_their_kind_and_exact_offsets():
    text = "Ik ben Jan Jansen, bel me op 06-12345678. Er komen veel mannen."
    findings = find_identifying(text, "nl")
    assert [f.kind for f in findings] == ["name", "phone"]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        (
            "Ik ben Jan Jansen, bel me op 06-12345678. Er komen veel mannen.",
            "nl",
            "Er komen veel mannen.",
        ),
        ("Er komen veel mannen, mijn nummer is 0612345678.", "nl", "Er komen veel mannen."),
        ("Mijn buurvrouw krijgt elke nacht bezoek", "nl", "Krijgt elke nacht bezoek"),
        (
            "Men come at night (call me on 0612345678) and leave fast",
            "en",
            "Men come at night and leave fast",
        ),
        ("Je m'appelle Marie. Des hommes viennent la nuit.", "fr", "Des hommes viennent la nuit."),
    ],
)
def test_without_removes_exactly_the_found_parts(text, language, expected):
    assert without(text, find_identifying(text, language)) == expected


def test_without_nothing_found_keeps_the_text():
    assert without(" er komen veel mannen ", []) == "er komen veel mannen"


def test_without_overlapping_findings():
    text = "abc def ghi"
    parts = [Finding("name", 0, 7, "abc def"), Finding("phone", 4, 11, "def ghi")]
    assert without(text, parts) == ""


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [("en", "nl", False), ("and", "en", False), ("", "nl", False), ("mannen", "nl", True)],
)
def test_has_content(text, language, expected):
    assert has_content(text, language) is expected


def test_a_call_takes_milliseconds_once_the_pipeline_is_built():
    text = "Ik ben Jan Jansen, bel me op 06-12345678. Er komen elke nacht veel mannen. " * 5
    find_identifying(text, "nl")
    start = time.perf_counter()
    for _ in range(20):
        find_identifying(text, "nl")
    assert (time.perf_counter() - start) / 20 < 0.05
