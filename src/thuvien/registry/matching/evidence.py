"""The comparison of one pair: vetoes first, then evidence for and against.

Every finding carries points (from the config) and a reason, so that a reviewer sees why a
row was merged, queued or kept apart.
"""

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from thuvien.registry.matching import names as nm
from thuvien.registry.matching.config import MatchConfig
from thuvien.registry.matching.prepared import Prepared
from thuvien.registry.matching.reasons import Reason

WeightOf = Callable[[str, str | None], float]


@dataclass(frozen=True)
class Finding:
    points: float
    reason: Reason


@dataclass
class Assessment:
    """Everything learnt about one pair; the matcher turns it into a verdict."""

    findings: list[Finding] = field(default_factory=list)
    veto: Reason | None = None  # makes the pair certainly different
    shared_identifier: bool = False
    same_place: bool = False  # same commune or city
    same_contact: bool = False  # same address, phone, website, e-mail or identifier
    contact_differs: bool = False  # another address or phone number
    equivalent_names: bool = False
    hopeless: bool = False  # cannot reach the floor whatever the names say: not compared
    blockers: list[Reason] = field(default_factory=list)  # reasons not to merge automatically

    @property
    def points(self) -> float:
        return sum(finding.points for finding in self.findings)

    @property
    def corroborated(self) -> bool:
        """Evidence beyond the name: a contact; or the place, when the names say the same
        and no address or phone says otherwise ("Providence Community Library" is not
        "Providence Public Library" across town)."""
        if self.same_contact:
            return True
        return self.same_place and self.equivalent_names and not self.contact_differs

    def add(self, points: float, key: str, *args: object) -> None:
        self.findings.append(Finding(points, Reason(key, args)))


def assess(
    a: Prepared,
    b: Prepared,
    weight: WeightOf,
    config: MatchConfig,
    min_points: float = float("-inf"),
    name_cache: nm.NameCache | None = None,
) -> Assessment:
    """Cheap evidence first; the names, the costly part, only if the pair can still reach
    ``min_points`` (identical names included): most candidates of a common school name lie
    in another commune and are dropped here."""
    result = Assessment()
    result.veto = _veto(a, b)
    if result.veto is not None:
        return result
    _identifiers(a, b, config, result)
    _places(a, b, config, result)
    _address(a, b, config, result)
    _contacts(a, b, config, result)
    if result.points + config.name.best_points < min_points:
        result.hopeless = True
        return result
    cheap, result.findings = result.findings, []
    _names(a, b, weight, config, result, name_cache)
    result.findings += cheap  # reasons read name first, then place and contacts
    return result


def _veto(a: Prepared, b: Prepared) -> Reason | None:
    if a.country and b.country and a.country != b.country:
        return Reason("country", (a.country, b.country))
    if not a.identifiers or not b.identifiers:
        return None
    for scheme in {scheme for scheme, _ in a.identifiers} & {scheme for scheme, _ in b.identifiers}:
        left, right = a.identifier_values(scheme), b.identifier_values(scheme)
        if not left & right:
            return Reason("identifier-conflict", (scheme, _join(left), _join(right)))
    return None


def _identifiers(a: Prepared, b: Prepared, config: MatchConfig, result: Assessment) -> None:
    shared = sorted(a.identifiers & b.identifiers)
    if shared:
        result.shared_identifier = result.same_contact = True
        result.add(config.points.identifier_same, "identifier-same", *shared[0])


def _names(
    a: Prepared,
    b: Prepared,
    weight: WeightOf,
    config: MatchConfig,
    result: Assessment,
    cache: nm.NameCache | None,
) -> None:
    language = "vi" if "vi" in (a.language, b.language) else a.language
    match = nm.best_name_match(a.names, b.names, weight, config.name, language, cache)
    if match is None:
        result.blockers.append(Reason("name-missing"))
        return
    similarity = match.similarity
    result.equivalent_names = match.equivalent
    key = "name-same" if similarity >= 0.999 else "name-similar"
    key = "name-different" if similarity < 0.75 else key
    result.add(
        _curve(config.name.curve, similarity), key, match.left.text, match.right.text, similarity
    )
    if similarity < config.name.same_min:
        result.blockers.append(Reason("name-too-different", (similarity,)))
    for conflict in match.conflicts:
        rule = config.conflicts[conflict]
        reason = _conflict_reason(conflict, match)
        points = rule.points_for(language)
        if points:
            result.findings.append(Finding(points, reason))
        if rule.blocks(language):
            result.blockers.append(reason)


def _conflict_reason(conflict: str, match: nm.NameComparison) -> Reason:
    left, right = match.left, match.right
    if conflict == nm.NUMBER:
        return Reason(conflict, (_join(left.numbers), _join(right.numbers)))
    if conflict == nm.NUMBER_ONE_SIDED:
        return Reason(conflict, (_join(left.numbers | right.numbers),))
    if conflict == nm.LEVEL:
        return Reason(conflict, (_join(left.levels), _join(right.levels)))
    if conflict == nm.LEVEL_ONE_SIDED:
        return Reason(conflict, (_join(left.levels | right.levels),))
    if conflict in (nm.KIND, nm.KIND_SIBLING, nm.KIND_PARTIAL):
        return Reason(conflict, (_join(left.kinds), _join(right.kinds)))
    if conflict == nm.KIND_ONE_SIDED:
        return Reason(conflict, (_join(left.kinds ^ right.kinds),))
    return Reason(conflict)


def _places(a: Prepared, b: Prepared, config: MatchConfig, result: Assessment) -> None:
    points = config.points
    if a.province and b.province:
        if a.province == b.province:
            result.add(points.province_same, "province-same")
        else:
            reason = Reason("province-different", (a.facts.province, b.facts.province))
            result.findings.append(Finding(points.province_different, reason))
            result.blockers.append(reason)
    if a.province and b.province and a.province != b.province:
        return  # communes of two provinces differ anyway: no second penalty
    if a.commune and b.commune:
        if _same_place(a.commune, b.commune, config.similarity.place_same):
            result.same_place = True
            result.add(points.commune_same, "commune-same")
        else:
            coded = a.commune.isdigit() and b.commune.isdigit()
            different = points.commune_code_different if coded else points.commune_text_different
            result.add(different, "commune-different", a.facts.commune, b.facts.commune)


def _same_place(a: str, b: str, threshold: float) -> bool:
    if a == b:
        return True
    if a.isdigit() or b.isdigit():  # codes agree exactly or not at all
        return False
    return fuzz.ratio(a, b) / 100 >= threshold


def _address(a: Prepared, b: Prepared, config: MatchConfig, result: Assessment) -> None:
    if a.address is None or b.address is None:
        return
    similarity = fuzz.token_set_ratio(a.address.text, b.address.text) / 100
    if a.address.number and b.address.number and a.address.number != b.address.number:
        similarity *= 0.5  # another house number is another building
    limits, points = config.similarity, config.points
    if similarity >= limits.address_same:
        result.same_contact = True
        result.add(points.address_same, "address-same")
    elif similarity >= limits.address_similar:
        result.add(points.address_similar, "address-similar", similarity)
    else:
        result.contact_differs = True
        result.add(points.address_different, "address-different")


def _contacts(a: Prepared, b: Prepared, config: MatchConfig, result: Assessment) -> None:
    points = config.points
    if a.phones and b.phones:
        if a.phones & b.phones:
            result.same_contact = True
            result.add(points.phone_same, "phone-same")
        else:
            result.contact_differs = True
            result.add(points.phone_different, "phone-different")
    if a.site is not None and b.site is not None:
        if a.site.page == b.site.page:
            result.same_contact = True
            result.add(points.website_same, "website-same")
        elif a.site.host == b.site.host:
            result.add(points.website_same_host, "website-same-host")
    if a.email and b.email:
        if a.email == b.email:
            result.same_contact = True
            result.add(points.email_same, "email-same")
        elif (
            a.email_domain == b.email_domain
            and a.email_domain not in config.vocabulary.free_mail_domains
        ):
            result.add(points.email_same_domain, "email-same-domain")


def _curve(points: tuple[tuple[float, float], ...], x: float) -> float:
    """Piecewise-linear lookup: the config gives (similarity, points) corners."""
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def _join(values: frozenset[str]) -> str:
    return ", ".join(sorted(values))
