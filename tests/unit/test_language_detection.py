"""The language detector used by the Rasa pipeline (bot.nlu), tested on its own."""

from __future__ import annotations

import zlib

import pytest

from bot.nlu.langid_chars import CharModel, word_grams
from bot.nlu.langid_data import held_out
from bot.nlu.langid_letters import LetterRules, candidates, dominant_script
from bot.nlu.langid_lexicon import fold, words_of
from bot.nlu.langid_ngrams import LangdetectModel
from bot.nlu.language_detection import FIXED_NAMES, HINT_PRIOR, LANGUAGES, LanguageDetector

# Written for these tests (not taken from any benchmark or training data).
SENTENCES = {
    "nl": [
        "Ik wil iets melden over het huis van de buren",
        "er komen steeds mannen bij het huis op de hoek",
        "ik word gedwongen om te werken en ik wil stoppen",
    ],
    "en": [
        "I want to report something about a house in my street",
        "they took my passport and I cannot leave",
        "cars keep coming to the same house at night",
    ],
    "de": [
        "Ich möchte etwas über das Haus meiner Nachbarn melden",
        "sie haben meinen Pass genommen und ich kann nicht weg",
        "jede Nacht kommen fremde Männer in die Wohnung neben uns",
    ],
    "fr": [
        "Je voudrais signaler quelque chose sur la maison de mes voisins",
        "ils ont pris mon passeport et je ne peux pas partir",
        "des hommes viennent chaque nuit dans cet appartement",
    ],
    "es": [
        "Quiero denunciar algo sobre la casa de mis vecinos",
        "me quitaron el pasaporte y no puedo irme",
        "cada noche vienen hombres desconocidos a ese piso",
    ],
    "pt": [
        "Quero denunciar uma coisa sobre a casa dos meus vizinhos",
        "tiraram o meu passaporte e não consigo sair",
        "todas as noites chegam homens estranhos àquela casa",
    ],
    "pl": [
        "Chcę zgłosić coś w sprawie domu moich sąsiadów",
        "zabrali mi paszport i nie mogę odejść",
        "każdej nocy do tego mieszkania przychodzą obcy mężczyźni",
    ],
    "ro": [
        "Vreau să raportez ceva despre casa vecinilor mei",
        "mi-au luat pașaportul și nu pot să plec",
        "în fiecare noapte vin bărbați străini în apartamentul acela",
    ],
    "bg": [
        "Искам да съобщя нещо за къщата на съседите ми",
        "взеха ми паспорта и не мога да си тръгна",
        "всяка нощ в този апартамент идват непознати мъже",
    ],
    "hu": [
        "Szeretnék bejelenteni valamit a szomszédok házáról",
        "elvették az útlevelemet és nem tudok elmenni",
        "minden éjjel idegen férfiak jönnek abba a lakásba",
    ],
    "uk": [
        "Я хочу повідомити про будинок моїх сусідів",
        "вони забрали мій паспорт і я не можу піти",
        "щоночі до цієї квартири приходять незнайомі чоловіки",
    ],
    "ru": [
        "Я хочу сообщить о доме моих соседей",
        "они забрали мой паспорт и я не могу уйти",
        "каждую ночь в эту квартиру приходят незнакомые мужчины",
    ],
}
CASES = [(text, language) for language, texts in SENTENCES.items() for text in texts]


@pytest.fixture(scope="module")
def detector() -> LanguageDetector:
    return LanguageDetector(LANGUAGES)


@pytest.fixture(scope="module")
def nl_en() -> LanguageDetector:
    return LanguageDetector(["nl", "en"])


def test_all_twelve_languages_are_configured_by_default():
    assert set(LANGUAGES) == set(SENTENCES)


@pytest.mark.parametrize(("text", "language"), CASES)
def test_each_language_is_recognised(detector: LanguageDetector, text: str, language: str):
    assert detector.classify(text) == language
    assert detector.detect(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("nao consigo sair de casa, preciso de ajuda", "pt"),
        ("necesito ayuda, no puedo salir de la casa", "es"),
        ("potrzebuje pomocy, nie moge wyjsc z domu", "pl"),
        ("am nevoie de ajutor, nu pot sa plec de acolo", "ro"),
        ("segitsegre van szuksegem, nem tudok elmenni", "hu"),
    ],
)
def test_text_typed_without_diacritics(detector: LanguageDetector, text: str, language: str):
    assert detector.classify(text) == language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Їжак їсть яблука", "uk"),  # ї only in Ukrainian
        ("Є питання щодо ґанку", "uk"),  # є, ґ only in Ukrainian
        ("Это был мой выбор", "ru"),  # э, ы only in Russian
        ("Всё ещё жду ответа", "ru"),  # ё only in Russian
        ("Във вторник съм в къщи", "bg"),  # ъ as a vowel only in Bulgarian
        ("Той каза, че ще дойде утре", "bg"),
        ("Він сказав, що прийде завтра", "uk"),
        ("Он сказал, что придёт завтра", "ru"),
    ],
)
def test_the_cyrillic_languages_are_told_apart(
    detector: LanguageDetector, text: str, language: str
):
    assert detector.classify(text) == language


def test_letter_rules_follow_the_alphabets():
    rules = LetterRules(["bg", "ru", "uk"])
    assert rules.penalties("їжак", ["bg", "ru", "uk"])["uk"] == 0
    assert rules.penalties("їжак", ["bg", "ru", "uk"])["ru"] < 0
    assert rules.penalties("мы", ["bg", "ru", "uk"]) == {
        "bg": pytest.approx(rules.penalties("мы", ["bg"])["bg"]),
        "ru": 0.0,
        "uk": pytest.approx(rules.penalties("мы", ["uk"])["uk"]),
    }
    assert rules.penalties("съм", ["bg", "ru"])["ru"] < 0  # ъ before м: not Russian
    assert rules.penalties("объявление", ["bg", "ru"])["ru"] == 0  # ъ before я: Russian
    assert rules.penalties("шофьор", ["bg"])["bg"] == 0  # ь before о: Bulgarian
    assert rules.penalties("письмо", ["bg"])["bg"] < 0  # ь before м: not Bulgarian


def test_only_languages_of_the_script_compete():
    assert candidates(LANGUAGES, "привет") == ["bg", "uk", "ru"]
    assert "ru" not in candidates(LANGUAGES, "hallo daar")
    assert dominant_script("12345 !!") is None


@pytest.mark.parametrize(
    "text",
    [
        *("ok", "ja", "nee", "tak", "da", "yes", "no", "112", "😀😀", "", "   ", "hola", "hallo"),
        *("gracias", "merci", "так", "да", "нет", "привет", "Здрасти"),
    ],
)
def test_too_short_to_tell_gives_no_language(detector: LanguageDetector, text: str):
    """Words several languages share keep the conversation's language."""
    assert detector.detect(text) is None
    assert detector.detect(text, hint="pl") is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("Привіт", "uk"),  # і: only Ukrainian writes it
        ("ні", "uk"),
        ("дякую", "uk"),  # only the Ukrainian list has it
        ("помощь", "ru"),  # the Ukrainian list has it too, but rarely
        ("спасибо", "ru"),
        ("cześć", "pl"),
        ("bună", "ro"),
        ("não", "pt"),
        ("szia", "hu"),
        ("danke", "de"),
        ("oui", "fr"),
        ("ayuda", "es"),
        ("hoi", "nl"),
    ],
)
def test_a_short_text_only_one_language_can_have_written_gives_it(
    detector: LanguageDetector, text: str, language: str
):
    assert detector.detect(text) == language
    assert detector.detect(text, hint="nl") == language  # the browser's language plays no part


@pytest.mark.parametrize("text", ["Buchten", "Geleen", "Sittard", "Born", "Holtum", "Stein"])
def test_short_place_names_do_not_switch_the_language(detector: LanguageDetector, text: str):
    """Only a common word counts ("Buchten" is a rare German word, a place here)."""
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    "text", ["Leger des Heils", "Meld Misdaad Anoniem", "Zicht", "Sittard-Geleen", "CoMensha?"]
)
def test_the_fixed_names_alone_say_nothing(detector: LanguageDetector, text: str):
    assert detector.detect(text) is None
    assert detector.detect(text, hint="uk") is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("где Leger des Heils?", "ru"),
        ("що таке thuisprostitutie?", "uk"),
        ("мені потрібен Leger des Heils", "uk"),
        ("Gdzie jest Leger des Heils?", "pl"),
        ("¿Dónde está el Leger des Heils?", "es"),
        ("Ik wil de politie bellen", "nl"),
    ],
)
def test_a_message_with_the_fixed_names_is_read_by_its_own_words(
    detector: LanguageDetector, text: str, language: str
):
    assert detector.detect(text, hint="nl") == language


def test_markup_is_no_evidence(detector: LanguageDetector):
    assert detector.detect("<script>alert(1)</script>", hint="nl") is None
    assert detector.detect("<b>Ik wil iets melden over het huis</b>") == "nl"


def test_a_cyrillic_word_makes_the_text_cyrillic():
    assert dominant_script("где Leger des Heils?") == "cyrillic"
    assert dominant_script("h\u0435llo daar") == "latin"  # one look-alike letter is no word


def test_the_fixed_names_are_the_ones_the_texts_keep():
    """Every fixed name but the Dutch words is in the texts of all twelve languages."""
    from bot.texts import TEXTS_DIR

    texts = {
        path.stem: path.read_text(encoding="utf-8").lower() for path in TEXTS_DIR.glob("*.yml")
    }
    assert sorted(texts) == sorted(LANGUAGES)
    for name in FIXED_NAMES:
        if name not in ("politie", "thuisprostitutie"):
            assert all(name in text for text in texts.values()), name


@pytest.mark.parametrize("text", ["Heerlenerweg 44", "Graetheide", "Markt 3, 6131 EK"])
def test_names_and_addresses_do_not_switch_the_language(detector: LanguageDetector, text: str):
    assert detector.detect(text) is None


@pytest.mark.parametrize(
    "text",
    ['/inform{"choice": "yes"}', "/greet", "/need_help", '/set_language{"language": "pl"}'],
)
def test_button_payloads_are_never_classified(detector: LanguageDetector, text: str):
    assert detector.detect(text) is None
    assert detector.detect(text, hint="ru") is None


def test_classify_always_answers(detector: LanguageDetector):
    assert detector.classify("ok") in LANGUAGES
    assert detector.classify("") == "nl"
    assert detector.classify("12345", hint="pl") == "pl"
    assert detector.classify("😀", hint="xx") == "nl"


@pytest.mark.parametrize("text", ["casa", "idea", "знали"])  # es/pt, en/es, ru/uk
def test_hint_breaks_a_tie(detector: LanguageDetector, text: str):
    ranked = detector.probabilities(text)
    first, second = ranked[0], ranked[1]
    assert first.probability / second.probability < HINT_PRIOR  # close enough to be a tie
    assert detector.classify(text, hint=second.language) == second.language
    assert detector.classify(text, hint=first.language) == first.language


def test_hint_does_not_override_a_clear_case(detector: LanguageDetector):
    text = "Ich möchte etwas über das Haus meiner Nachbarn melden"
    assert detector.detect(text, hint="nl") == "de"
    assert detector.classify(text, hint="nl") == "de"
    assert detector.detect("они забрали мой паспорт и я не могу уйти", hint="uk") == "ru"


def test_a_browser_hint_outside_the_languages_is_ignored(detector: LanguageDetector):
    text = "they took my passport and I cannot leave"
    assert detector.detect(text, hint="it") == "en"
    assert detector.detect(text, hint=None) == "en"


def test_only_the_configured_languages_are_answered(nl_en: LanguageDetector):
    # German is not configured: the answer is one of the configured languages or nothing.
    text = "Ich möchte etwas über das Haus meiner Nachbarn melden"
    assert nl_en.detect(text) in {"nl", "en", None}
    assert nl_en.classify(text) in {"nl", "en"}


def test_two_language_detector_still_works(nl_en: LanguageDetector):
    assert nl_en.detect("Ik wil iets melden over het huis van de buren") == "nl"
    assert nl_en.detect("they took my passport and I cannot leave") == "en"


def test_detection_is_deterministic(detector: LanguageDetector):
    text = "the windows are covered with foil"
    assert len({detector.detect(text) for _ in range(20)}) == 1
    again = LanguageDetector(LANGUAGES)
    for text, _ in [*CASES[::5], ("casa", ""), ("sabor", ""), ("знали", "")]:
        ranked, ranked_again = detector.probabilities(text), again.probabilities(text)
        assert [d.language for d in ranked_again] == [d.language for d in ranked]
        assert [d.probability for d in ranked_again] == pytest.approx(
            [d.probability for d in ranked], rel=1e-6, abs=1e-12
        )


def test_lenient_threshold_falls_back_to_the_hint_among_the_top_two():
    lenient = LanguageDetector(["nl", "en"], min_probability=1.1)
    ranked = [d.language for d in lenient.probabilities("hotel restaurant")]
    assert len(ranked) == 2
    assert lenient.detect("hotel restaurant", hint=ranked[1]) == ranked[1]
    assert lenient.detect("hotel restaurant", hint="de") is None
    assert lenient.detect("hotel restaurant") is None


def test_deterministic_langdetect_reads_the_same_features_as_langdetect():
    from importlib import resources

    from langdetect.detector_factory import DetectorFactory

    languages = ["nl", "en", "de"]
    profiles = resources.files("langdetect") / "profiles"
    factory = DetectorFactory()
    factory.load_json_profile([(profiles / code).read_text(encoding="utf-8") for code in languages])
    model = LangdetectModel(languages)
    for text in ["Ik wil iets melden over het huis", "NATO and the USA", "Straße café 12 €"]:
        detector = factory.create()
        detector.append(text)
        detector.cleaning_text()
        assert model.ngrams(text) == detector._extract_ngrams()


def test_hint_is_normalised(detector: LanguageDetector):
    assert detector.classify("casa", hint="es-ES") == "es"
    assert detector.classify("casa", hint="PT_br") == "pt"


def test_words_and_folding():
    assert words_of("L’homme n'est pas là, 12 ţară!") == ["l'homme", "n'est", "pas", "là", "țară"]
    assert fold("educación łódź straße") == "educacion łodz straße"


def test_the_shipped_detector_needs_no_lingua(detector: LanguageDetector):
    # lingua's high-accuracy models cost ~450 MB and seconds of CPU: the own n-gram model and word
    # tables replace them (see benchmarks/langid_dev.py).
    assert detector.voters == ["langdetect", "letters", "wordfreq", "words", "chars"]


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("woonwagenbewoners", "nl"),
        ("überwachungskameras", "de"),
        ("przeprowadzilibyśmy", "pl"),
        ("megszentségteleníthetetlenség", "hu"),
        ("întâmplările", "ro"),
        ("придобиването", "bg"),
        ("найрозумніший", "uk"),
        ("достопримечательностями", "ru"),
    ],
)
def test_the_character_model_knows_how_words_look(word: str, language: str):
    model = CharModel(LANGUAGES)
    scores, count = model.log_likelihoods([word])
    assert count == len(word_grams(word))
    assert LANGUAGES[scores.index(max(scores))] == language


def test_character_model_features_are_stable():
    # CRC-32 of the n-gram: the same buckets in every process and Python version.
    assert word_grams("ab", buckets=1 << 18, order=2) == [
        zlib.crc32(gram.encode()) % (1 << 18) for gram in ["a", "b", "<a", "ab", "b>"]
    ]
    assert held_out("a") == (zlib.crc32(b"a") % 8 == 0)


def test_a_missing_character_model_is_left_out(tmp_path):
    assert CharModel.load(LANGUAGES, tmp_path / "missing.npz") is None
    without = LanguageDetector(LANGUAGES, chars_model=tmp_path / "missing.npz")
    assert "chars" not in without.voters
    assert without.classify("they took my passport and I cannot leave") == "en"
