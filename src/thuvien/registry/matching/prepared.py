"""A record's comparable forms, computed once when it enters the index or arrives."""

import re
from dataclasses import dataclass, field, replace
from functools import cached_property

from thuvien.registry.matching.config import Vocabulary
from thuvien.registry.matching.facts import LibraryFacts
from thuvien.registry.matching.normalize import (
    PUBLIC,
    AddressForm,
    NameForm,
    Site,
    address_form,
    email_address,
    language_of,
    name_form,
    phone_numbers,
    place_key,
    province_key,
    site_of,
)


@dataclass(frozen=True)
class Prepared:
    facts: LibraryFacts
    language: str
    names: tuple[NameForm, ...]
    country: str
    province: str
    commune: str
    phones: frozenset[str]
    site: Site | None
    email: str
    identifiers: frozenset[tuple[str, str]]
    vocabulary: Vocabulary = field(repr=False, compare=False)

    @cached_property
    def address(self) -> AddressForm | None:
        """Analysed only when the record is compared: most indexed records never are."""
        return address_form(self.facts.address, self.vocabulary)

    @property
    def key(self) -> str:
        return self.facts.key

    @property
    def email_domain(self) -> str:
        return self.email.partition("@")[2]

    def identifier_values(self, scheme: str) -> frozenset[str]:
        return frozenset(value for own, value in self.identifiers if own == scheme)


def prepare(facts: LibraryFacts, vocabulary: Vocabulary) -> Prepared:
    language = language_of(facts.country)
    names: list[NameForm] = []
    for text in (facts.name, *facts.other_names):
        names.extend(_forms(text, vocabulary, language))
    return Prepared(
        facts=facts,
        language=language,
        names=tuple(names),
        country=facts.country.strip().upper(),
        province=province_key(facts.province),
        commune=place_key(facts.commune, vocabulary, language),
        phones=phone_numbers(facts.phone),
        site=site_of(facts.website),
        email=email_address(facts.email),
        identifiers=frozenset(
            (scheme.strip().lower(), value.strip().upper().replace(" ", ""))
            for scheme, value in facts.identifiers
            if scheme.strip() and value.strip()
        ),
        vocabulary=vocabulary,
    )


_PARENTHESES = re.compile(r"\([^)]*\)")
_MAX_QUALIFIER_WORDS = 4


def _forms(text: str, vocabulary: Vocabulary, language: str) -> list[NameForm]:
    """The name, and the name without a qualifier lists add to it: "(cũ)", "(Narragansett)",
    ", tỉnh Thanh Hóa", ", TP.HCM". A qualifier naming an institution or a branch stays."""
    form = name_form(text, vocabulary, language)
    if not form.tokens:
        return []
    forms = [form]
    shorter = _PARENTHESES.sub(" ", text)
    head, comma, tail = shorter.rpartition(",")
    if comma and _is_place_qualifier(tail, vocabulary, language):
        shorter = head
    if shorter != text:
        short = name_form(shorter, vocabulary, language)
        if None in short.classes and short.tokens != form.tokens:
            forms.append(replace(short, text=text, shortened=True))
    return forms


def _is_place_qualifier(text: str, vocabulary: Vocabulary, language: str) -> bool:
    form = name_form(text, vocabulary, language)
    institution = form.kinds - {PUBLIC} or form.branch
    return 0 < len(form.tokens) <= _MAX_QUALIFIER_WORDS and not institution
