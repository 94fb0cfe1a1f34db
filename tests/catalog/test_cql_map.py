"""CQL planned onto the search kernel: which queries the kernel answers alone, what is left
to check on each candidate, and the diagnostics of what cannot be searched. Pure: no
database. Also fuzzed: the parser and planner fail only with their own errors."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thuvien.catalog.protocols.cql import CQLError, parse
from thuvien.catalog.protocols.cql_map import Diagnostic, plan_query


def plan(text: str):
    return plan_query(parse(text))


@pytest.mark.parametrize(
    ("query", "text", "filters", "ranges"),
    [
        ("saigon", "saigon", {}, {}),
        ('"Việt Nam" and lịch sử', "việt nam lịch sử", {}, {}),
        ('cql.anywhere adj "Việt Nam"', '"việt nam"', {}, {}),
        ('cql.anywhere all "hà nội"', "hà nội", {}, {}),
        ("history not vietnam", "history -vietnam", {}, {}),
        ('history not cql.anywhere adj "ho chi minh"', 'history -"ho chi minh"', {}, {}),
        ("a not (b or c)", "a -b -c", {}, {}),
        ("bath.isbn = 0-385-51051-9", "", {"isbn": ["0385510519", "9780385510516"]}, {}),
        ("bath.issn = 0028-0836", "", {"issn": ["0028-0836"]}, {}),
        ("dc.date >= 1990 and dc.date < 2000", "", {}, {"year": (1990, 1999)}),
        ('dc.date within "2005 1995"', "", {}, {"year": (1995, 2005)}),
        ("dc.language = VIE and hue", "hue", {"language": ["vie"]}, {}),
    ],
)
def test_queries_the_kernel_answers_alone(query, text, filters, ranges):
    result = plan(query)
    assert result.exact
    branch = result.branches[0]
    assert (branch.text, branch.filters, branch.ranges) == (text, filters, ranges)
    assert branch.field_text == {}


@pytest.mark.parametrize(
    ("query", "text", "fields"),
    [
        ("dc.title = saigon", "", {"title": "saigon"}),
        ('dc.title = "Sài Gòn"', "", {"title": "sài gòn"}),
        ('title all "gon sai" and lịch sử', "lịch sử", {"title": "gon sai"}),
        ('dc.title adj "sai gon"', "", {"title": '"sai gon"'}),
        ('bath.title adj "saigon"', "", {"title": '"saigon"'}),
        (
            'dc.creator = nguyen and dc.author = "văn a"',
            "",
            {"author": "nguyen văn a"},
        ),
        (
            "dc.subject = history and dc.publisher = nxb",
            "",
            {"subject": "history", "publisher": "nxb"},
        ),
        ("history not dc.subject = vietnam", "history", {"subject": "-vietnam"}),
        ('history not dc.title adj "ho chi minh"', "history", {"title": '-"ho chi minh"'}),
        ('history not dc.title any "a b"', "history", {"title": "-a -b"}),
        ("dc.title = saigon and dc.date > 1990", "", {"title": "saigon"}),
    ],
)
def test_field_clauses_are_searched_in_their_field(query, text, fields):
    result = plan(query)
    assert result.exact
    (branch,) = result.branches
    assert (branch.text, branch.field_text) == (text, fields)


def test_any_over_a_field_is_one_branch_per_word():
    result = plan('dc.title any "sai gon"')
    assert [b.field_text for b in result.branches] == [{"title": "sai"}, {"title": "gon"}]
    assert all(b.exact for b in result.branches)


@pytest.mark.parametrize(
    ("query", "branches"),
    [
        ("a or b", 2),
        ('dc.title any "a b c"', 3),
        ("(a or b) and (c or d)", 4),
        ("a not (b and c)", 2),
        ("dc.title = saigon or dc.subject = saigon", 2),
    ],
)
def test_branches_that_are_each_exact_make_an_exact_plan(query, branches):
    """The kernel answers them as the alternatives of one query."""
    result = plan(query)
    assert len(result.branches) == branches and result.exact


@pytest.mark.parametrize(
    ("query", "branches"),
    [
        ('dc.title == "truyen kieu"', 1),
        ('a not dc.title all "truyen kieu"', 1),
        ('history not "ho chi minh"', 1),  # not all three words: checked per record
        ("dc.date <> 2000", 1),
        ("bath.isbn = 0385510519 and bath.isbn = 9780385510516", 1),
        ('a or dc.title == "truyen kieu"', 2),  # one branch is not exact
    ],
)
def test_queries_checked_on_their_candidates(query, branches):
    result = plan(query)
    assert len(result.branches) == branches and not result.exact


def test_what_the_kernel_cannot_say_is_checked_on_the_document():
    exact = plan('dc.title == "sai gon"').branches[0]
    assert exact.field_text == {"title": '"sai gon"'}  # the kernel narrows to the phrase
    assert exact.matches({"title": "Sài Gòn"}) and not exact.matches({"title": "Sài Gòn xưa"})
    negated = plan('lịch sử not dc.title all "sai gon"').branches[0]
    assert (negated.text, negated.field_text) == ("lịch sử", {})
    assert negated.matches({"title": "Sài Gòn Hà Nội"}) is False
    assert negated.matches({"title": "Gòn xưa", "subject": ["Sài Gòn"]})


def test_impossible_branches_are_dropped():
    assert plan('bath.isbn = "-"').branches == []
    assert plan("dc.date > 2000 and dc.date < 1990").branches == []
    assert len(plan('bath.isbn = "-" or saigon').branches) == 1
    # A catalogued ISBN that is not valid can still be looked up as it was written.
    assert plan("bath.isbn = 12345").branches[0].filters == {"isbn": ["12345"]}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("dc.shoesize = 1", 16),
        ("foo.title = 1", 15),
        ('> x = "info:srw/cql-context-set/9/x" x.title = 1', 15),
        ('> "info:srw/cql-context-set/1/dc-v1.1" title = saigon', None),
        ("dc.title > saigon", 19),
        ("dc.title =/fuzzy saigon", 20),
        ('dc.title = ""', 27),
        ("sai*", 28),
        ("sai?gon", 28),
        ("^saigon", 31),
        ("dc.date = never", 36),
        ("a prox b", 39),
        ("a or/rel.combine=sum b", 46),
        ("a sortby dc.title dc.date", 84),
        ("a sortby dc.title/up", 90),
        ("a sortby dc.shoesize", 16),
        (" or ".join(f"w{i}" for i in range(17)), 38),
        ("dc.title =/unmasked sai*", None),
        ("cql.serverChoice =/cql.ignoreCase saigon", None),
    ],
)
def test_what_cannot_be_searched_has_its_diagnostic(query, code):
    if code is None:
        assert plan(query).branches
        return
    with pytest.raises(Diagnostic) as raised:
        plan(query)
    assert raised.value.code == code and raised.value.details


def test_sorting_names_a_kernel_field():
    assert plan("a sortby dc.date/descending").sort == "-year"
    assert plan("a sortby title/sort.ascending").sort == "title_sort"
    assert plan("a").sort is None


CQL_ALPHABET = st.sampled_from(
    [*'abc ()"=<>/\\*?^.', "and", "or", "not", "prox", "sortby", "dc.title", "any", "Việt"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(CQL_ALPHABET, max_size=25).map(" ".join))
def test_any_input_parses_or_fails_with_a_diagnostic(text):
    try:
        plan(text)
    except CQLError as error:
        assert error.code in (10, 12, 13, 14) and error.position >= 1
    except Diagnostic as diagnostic:
        assert diagnostic.code > 0
