"""Comparable forms of names, places, addresses and contacts, computed once per record."""

import itertools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from thuvien.registry.matching.config import Vocabulary
from thuvien.registry.matching.folding import words

PUBLIC = "public"  # the kind of every public library: "tỉnh", "county", "public" say so
_DIGITS = re.compile(r"\d")
_PHONE_SPLIT = re.compile(r"[,;/|]| or | hoặc ")
_WWW = re.compile(r"^www\d*\.")
_INDEX_PAGE = re.compile(r"/(index|default|home|main)\.(html?|php|aspx?|jsp)$")


def language_of(country: str) -> str:
    return "vi" if country.strip().upper() == "VN" else "en"


@dataclass(frozen=True)
class NameForm:
    """A name as canonical tokens, with what each says about the library."""

    text: str
    tokens: tuple[str, ...]
    classes: tuple[str | None, ...]  # None: a word that tells libraries apart
    initials: tuple[str, ...]
    levels: frozenset[str]
    kinds: frozenset[str]  # "public" for a public library, else university, school...
    kind_families: frozenset[str]
    numbers: frozenset[str]
    branch: bool
    bigrams: frozenset[tuple[str, str]]
    shortened: bool = False  # a qualifier was dropped: compare only with a name as written


def canonical_tokens(text: str, vocabulary: Vocabulary, language: str) -> list[str]:
    """Expand abbreviations, drop stopwords, join known word runs into one token."""
    common = vocabulary.abbreviations.get("common", {})
    local = vocabulary.abbreviations.get(language, {})
    expanded: list[str] = []
    for word in words(text):
        expanded.extend(local.get(word) or common.get(word) or (word,))
    kept = [word for word in expanded if word not in vocabulary.stopwords]
    return _join_phrases(kept, vocabulary)


def _join_phrases(tokens: list[str], vocabulary: Vocabulary) -> list[str]:
    joined: list[str] = []
    index, longest = 0, vocabulary.longest_phrase
    while index < len(tokens):
        for size in range(min(longest, len(tokens) - index), 1, -1):
            phrase = vocabulary.phrases.get(tuple(tokens[index : index + size]))
            if phrase is not None:
                joined.append(phrase)
                index += size
                break
        else:
            joined.append(tokens[index])
            index += 1
    return joined


# Names repeat across a registry ("Thư viện Trường THPT Nguyễn Trãi" in many communes):
# forms are immutable, so each distinct name is analysed once.
_FORMS: dict[tuple[int, str, str], tuple[Vocabulary, NameForm]] = {}
_FORMS_LIMIT = 300_000


def name_form(text: str, vocabulary: Vocabulary, language: str) -> NameForm:
    key = (id(vocabulary), text, language)
    cached = _FORMS.get(key)
    if cached is not None and cached[0] is vocabulary:
        return cached[1]
    form = _name_form(text, vocabulary, language)
    if len(_FORMS) >= _FORMS_LIMIT:
        _FORMS.clear()
    _FORMS[key] = (vocabulary, form)
    return form


def _name_form(text: str, vocabulary: Vocabulary, language: str) -> NameForm:
    tokens = canonical_tokens(text, vocabulary, language)
    classes = _classify(tokens, vocabulary, language)
    core = [token for token, cls in zip(tokens, classes, strict=True) if cls is None]
    levels = frozenset(
        vocabulary.level[token]
        for token, cls in zip(tokens, classes, strict=True)
        if cls == "level"
    )
    kinds = {vocabulary.kind[token] for token in tokens if token in vocabulary.kind}
    if levels or vocabulary.public_markers.intersection(tokens):
        kinds.add(PUBLIC)
    return NameForm(
        text=text,
        tokens=tuple(tokens),
        classes=tuple(classes),
        initials=tuple(vocabulary.initials.get(token, token[0]) for token in tokens),
        levels=levels,
        kinds=frozenset(kinds),
        kind_families=frozenset(vocabulary.kind_family.get(kind, kind) for kind in kinds),
        numbers=frozenset(token for token in tokens if token.isdigit()),
        branch="branch" in classes,
        bigrams=frozenset(itertools.pairwise(core)),
    )


def _classify(tokens: list[str], vocabulary: Vocabulary, language: str) -> list[str | None]:
    classes: list[str | None] = []
    prepositions = vocabulary.place_prepositions
    for index, token in enumerate(tokens):
        after_preposition = index > 0 and tokens[index - 1] in prepositions
        if token in vocabulary.kind:
            classes.append("kind")
        elif token in vocabulary.level and after_preposition:
            classes.append("weak")  # "tại tỉnh Lào Cai": where it is, not what it serves
        elif token in vocabulary.level and _is_level_marker(tokens, index, classes, language):
            classes.append("level")
        elif len(token) == 1 and token.isalpha():
            classes.append("weak")  # an initial: "J. C. Clegg", "Land O' Lakes"
        else:
            classes.append(vocabulary.classes.get(token))
    return classes


def _is_level_marker(
    tokens: list[str], index: int, previous: list[str | None], language: str
) -> bool:
    """English puts the level after the place ("Wayne County"); Vietnamese puts it before
    ("tỉnh Hà Tĩnh"), and folded syllables collide with level words ("Phương", "Quan Sơn"),
    so in Vietnamese only a word that opens the name or follows a generic word counts."""
    if language != "vi":
        return True
    if index + 1 >= len(tokens):
        return False
    return index == 0 or previous[index - 1] == "generic"


def place_key(text: str, vocabulary: Vocabulary, language: str) -> str:
    """Commune code or city text: "Mt. Gilead" and "MOUNT GILEAD" give the same key."""
    text = text.strip()
    if text.isdigit():
        return str(int(text))
    return "".join(canonical_tokens(text, vocabulary, language))


def province_key(text: str) -> str:
    text = text.strip()
    if text.isdigit():
        return str(int(text))
    return "".join(words(text))


@dataclass(frozen=True)
class AddressForm:
    text: str  # canonical words joined by spaces
    number: str  # the first house number, if any


def address_form(text: str, vocabulary: Vocabulary) -> AddressForm | None:
    tokens: list[str] = []
    for word in words(text):
        if word in vocabulary.address_noise:
            continue
        tokens.extend(vocabulary.address_abbreviations.get(word, (word,)))
    if not tokens:
        return None
    number = next((token for token in tokens if token.isdigit()), "")
    return AddressForm(" ".join(tokens), number)


def phone_numbers(text: str) -> frozenset[str]:
    """The last nine digits of each number: country and trunk prefixes vary, the rest does not."""
    numbers = set()
    for part in _PHONE_SPLIT.split(text):
        digits = "".join(_DIGITS.findall(part))
        if len(digits) >= 7:
            numbers.add(digits[-9:])
    return frozenset(numbers)


@dataclass(frozen=True)
class Site:
    host: str
    page: str  # host and path, without "www.", index pages or a trailing slash


def site_of(url: str) -> Site | None:
    url = url.strip().lower()
    if not url:
        return None
    if "://" not in url:
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = _WWW.sub("", parts.hostname or "")
    except ValueError:
        return None
    if not host:
        return None
    path = _INDEX_PAGE.sub("", parts.path).rstrip("/")
    return Site(host, host + path)


def email_address(text: str) -> str:
    text = text.strip().lower().removeprefix("mailto:")
    return text if "@" in text else ""
