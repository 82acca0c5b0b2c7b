"""Finding standards by code or by words, with filters (selectors and the text rules)."""

from __future__ import annotations

import pytest

from masterly.standards.models import Framework, Standard, StandardTerm
from masterly.standards.selectors import (
    StandardFilters,
    domain_choices,
    framework_tree,
    grade_choices,
    standards_search,
)
from masterly.standards.text import (
    code_key,
    grade_numbers,
    grade_range_label,
    looks_like_code,
    natural_key,
    prefix_upper_bound,
    query_words,
    search_terms,
)

pytestmark = pytest.mark.django_db


def codes(filters: StandardFilters) -> list[str]:
    return [s.human_coding_scheme for s in standards_search(filters)]


def test_a_code_finds_the_standard_and_its_parts(ccss: Framework) -> None:
    assert codes(StandardFilters(query="6.RP.A.3")) == [
        "6.RP.A.3",
        "6.RP.A.3.a",
        "6.RP.A.3.b",
        "6.RP.A.3.c",
        "6.RP.A.3.d",
    ]


def test_a_code_is_found_however_it_is_punctuated_or_cased(ccss: Framework) -> None:
    assert codes(StandardFilters(query="hsa.apr.a.1")) == ["HSA-APR.A.1"]
    assert codes(StandardFilters(query="6-rp-a-1")) == ["6.RP.A.1"]


def test_the_start_of_a_code_finds_everything_below_it(ccss: Framework) -> None:
    found = codes(StandardFilters(query="6.RP"))
    assert found[0] == "6.RP.A" and len(found) == 8
    assert all(code.startswith("6.RP") for code in found)


def test_words_match_the_start_of_words_in_any_order(ccss: Framework) -> None:
    found = codes(StandardFilters(query="rate unit"))
    assert "6.RP.A.2" in found and "6.RP.A.3.b" in found
    assert "6.RP.A.2" in codes(StandardFilters(query="ratio"))  # "ratio" finds "ratio" and "ratios"


def test_markup_in_statements_is_not_searchable(ccss: Framework) -> None:
    # Statements carry <em> … </em> and <sup>; those are not words of any of them.
    assert not StandardTerm.objects.filter(term__in=["em", "sup", "sub"]).exists()


def test_filters_narrow_by_framework_grade_and_domain(ccss: Framework) -> None:
    grade7 = codes(StandardFilters(query="proportional", grade="07"))
    assert grade7 and all(code.startswith("7.") for code in grade7 if code)
    domain = Standard.objects.get(
        item_type="Domain",
        full_statement="Ratios & Proportional Relationships",
        parent__full_statement="Grade 6",
    )
    in_domain = standards_search(StandardFilters(framework=ccss, domain=domain))
    assert in_domain[0] == domain
    assert {s.human_coding_scheme for s in in_domain[1:]} >= {"6.RP.A", "6.RP.A.3.c"}
    assert all(s.domain_id == domain.pk for s in in_domain[1:])


def test_only_stop_words_find_nothing(ccss: Framework) -> None:
    assert list(standards_search(StandardFilters(query="the and of"))) == []


def test_grade_and_domain_choices(ccss: Framework) -> None:
    assert grade_choices(ccss)[:2] == [("KG", "Kindergarten"), ("01", "Grade 1")]
    labels = [label for _, label in domain_choices(ccss, "06")]
    assert labels == [
        "Grade 6 · Ratios & Proportional Relationships",
        "Grade 6 · The Number System",
        "Grade 6 · Expressions & Equations",
        "Grade 6 · Geometry",
        "Grade 6 · Statistics & Probability",
    ]  # not grade 7's Number System, which the package mislabels as grade 6


def test_a_grade_tree_holds_its_ancestors_and_nothing_of_other_grades(ccss: Framework) -> None:
    tree = framework_tree(framework=ccss, grade="06")
    assert tree is not None
    labels = [node.standard.full_statement for node in tree[:3]]
    assert labels[:2] == ["Standards for Math Content", "Grade 6"]
    assert not any(node.standard.full_statement == "Grade 7" for node in tree)
    # Every opened level is closed again: the <details> nest correctly.
    opened = sum(1 for node in tree if node.has_children)
    closed = sum(len(node.closers) for node in tree)
    assert opened == closed


def test_a_domain_tree_is_the_domain_and_below(ccss: Framework) -> None:
    domain = Standard.objects.get(
        item_type="Domain", full_statement="Geometry", parent__full_statement="Grade 6"
    )
    tree = framework_tree(framework=ccss, domain=domain)
    assert tree is not None
    paths = [node.standard.tree_path for node in tree]
    assert paths == sorted(paths)
    inside = [node for node in tree if node.standard.tree_path.startswith(domain.tree_path)]
    assert inside[0].standard == domain and inside[0].is_open
    assert {n.standard.human_coding_scheme for n in inside[1:]} >= {"6.G.A", "6.G.A.1", "6.G.A.4"}


def test_text_rules() -> None:
    assert code_key("HSA-APR.A.1") == code_key("hsa.apr.a.1") == "hsa.apr.a.1"
    assert sorted(["10.", "2.", "c.", "a."], key=natural_key) == ["2.", "10.", "a.", "c."]
    assert search_terms(["Use <em>tape</em> diagrams, e.g., 30% of 100"]) == {
        "tape",
        "diagrams",
        "30",
        "100",
    }
    assert query_words("The Ratios, the RATIOS!") == ["ratios"]
    assert prefix_upper_bound("rat") == "rau"
    assert looks_like_code("6.RP") and looks_like_code("MP1") and not looks_like_code("unit rate")
    assert grade_range_label(["09", "10", "11", "12"]) == "Grades 9–12"
    assert grade_range_label(["KG"]) == "Kindergarten"
    assert grade_numbers("08") == "8" and grade_numbers("06, 07") == "6, 7"
    assert grade_numbers("KG") == "KG" and grade_numbers("") == ""
