"""`masterly import-progressions`: prerequisite edges from the shared CSV of codes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masterly.integrations.case.importer import import_case_package
from masterly.standards.models import Association, Framework, Standard
from masterly.standards.selectors import prerequisites_of, standard_detail
from tests.case.case_packages import PROGRESSIONS_PATH, counts, dumps, load, small_package

pytestmark = pytest.mark.django_db


def run(path: Path | str, framework: Framework, *extra: str) -> str:
    out = io.StringIO()
    call_command(
        "import_progressions", str(path), "--framework", str(framework.pk), *extra, stdout=out
    )
    return out.getvalue()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edges.csv"
    path.write_text(text)
    return path


def test_the_shared_file_links_6_rp_a_1_to_what_it_precedes(ccss: Framework) -> None:
    output = run(PROGRESSIONS_PATH, ccss)

    assert "873 created" in output
    rows = list(csv.DictReader(PROGRESSIONS_PATH.open()))
    expected = sorted(
        r["target"] for r in rows if r["source"] == "6.RP.A.1" and r["relationship"] == "dependency"
    )
    source = Standard.objects.get(human_coding_scheme="6.RP.A.1")
    detail = standard_detail(source)
    assert sorted(s.human_coding_scheme for s in detail.builds_on_it) == expected
    assert expected == ["6.RP.A.2", "6.RP.A.3.a"]
    target = Standard.objects.get(human_coding_scheme="6.RP.A.2")
    assert source in prerequisites_of(target)
    assert Association.objects.filter(association_type="precedes").count() == 729
    assert Association.objects.filter(association_type="isRelatedTo").count() == 144


def test_codes_written_differently_are_matched(ccss: Framework) -> None:
    # The file writes high-school codes as HSA.APR.A.1; the package as HSA-APR.A.1.
    run(PROGRESSIONS_PATH, ccss)
    apr = Standard.objects.get(human_coding_scheme="HSA-APR.A.1")
    assert (
        Association.objects.filter(origin=apr).exists()
        or Association.objects.filter(destination=apr, source="progressions").exists()
    )


def test_running_it_again_changes_nothing(ccss: Framework) -> None:
    run(PROGRESSIONS_PATH, ccss)
    before = counts()
    output = run(PROGRESSIONS_PATH, ccss)
    assert "0 created, 873 already present" in output
    assert counts() == before


def test_a_case_reimport_keeps_the_progression_edges(ccss: Framework) -> None:
    from tests.case.case_packages import CCSS_PATH

    run(PROGRESSIONS_PATH, ccss)
    summary = import_case_package(actor=None, data=CCSS_PATH.read_bytes(), source="again")
    assert summary.associations_retired == 0
    assert Association.objects.filter(source="progressions", retired_at__isnull=True).count() == 873


def test_unknown_codes_are_listed_and_nothing_is_written(tmp_path: Path) -> None:
    framework = load(small_package())
    path = write(
        tmp_path,
        "source,target,relationship\n"
        "6.RP.A.1,6.RP.A.3,dependency\n"
        "5.NF.B.3,6.RP.A.1,dependency\n"
        "6.RP.A.2,9.ZZ.A.1,conceptual connection\n"
        "5.NF.B.3,6.RP.A.2,dependency\n",
    )
    before = counts()
    with pytest.raises(CommandError) as raised:
        run(path, framework)
    text = str(raised.value)
    assert "2 codes are not in “Example Math Standards”" in text
    assert "5.NF.B.3 (rows 3, 5)" in text and "9.ZZ.A.1 (row 4)" in text
    assert counts() == before


def test_skip_unknown_imports_the_rest_and_still_lists_them(tmp_path: Path) -> None:
    framework = load(small_package())
    path = write(
        tmp_path,
        "source,target,relationship\n6.RP.A.1,6.RP.A.3,dependency\n5.NF.B.3,6.RP.A.1,dependency\n",
    )
    output = run(path, framework, "--skip-unknown")
    assert "1 created" in output and "1 skipped" in output
    assert "5.NF.B.3 (row 3)" in output
    three = Standard.objects.get(human_coding_scheme="6.RP.A.3")
    assert [s.human_coding_scheme for s in prerequisites_of(three)] == ["6.RP.A.1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("from,to\n6.RP.A.1,6.RP.A.2\n", "no source, target, relationship columns"),
        ("source,target,relationship\n6.RP.A.1,,dependency\n", "Row 2: target is empty"),
        (
            "source,target,relationship\n6.RP.A.1,6.RP.A.2,depends\n",
            "Row 2: relationship 'depends' is not known",
        ),
    ],
)
def test_a_malformed_file_is_refused_naming_the_row(
    tmp_path: Path, text: str, message: str
) -> None:
    framework = load(small_package())
    before = counts()
    with pytest.raises(CommandError, match=message):
        run(write(tmp_path, text), framework)
    assert counts() == before


def test_an_unknown_framework_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="There is no framework 'nope'"):
        call_command("import_progressions", str(PROGRESSIONS_PATH), "--framework", "nope")


def test_small_package_dumps_for_coverage() -> None:
    assert dumps({"a": 1}) == b'{"a": 1}'
