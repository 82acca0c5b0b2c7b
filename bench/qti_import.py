"""Benchmark: importing a generated QTI 3 package of 1,000 items (goal: under 10 s), and again.

    .venv/bin/python bench/qti_import.py                  # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly .venv/bin/python bench/qti_import.py
    .venv/bin/python bench/qti_import.py --items 200      # quicker

The package: ``--items`` items (multiple choice with four choices, numeric entry with a
tolerance, short text with accepted answers, in turn), each aligned to one or two standards of
a small framework by CASE identifier, and one test holding them all in two sections.

Each round imports it into an empty bank (unzip, parse, sanitise, check every draft, then the
writes), then imports it again (which must write no item). The raw baseline, in the same run on
the same database, is one bulk insert of the same items, versions, choices and alignments with
the one bulk writer: what the writes alone cost. It also reports how long the import holds its
write transaction, the only time other writers (score saves) wait for it on SQLite.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from case_import import bench_database

GOAL_SECONDS = 10.0
QTI3 = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
CP = "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1"
CSM = "http://www.imsglobal.org/xsd/imscsmetadata_v1p0"
MATCH = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
MAP = "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"


def item_xml(n: int) -> str:
    head = f'<qti-assessment-item xmlns="{QTI3}" identifier="I{n}" title="Item {n}">'
    if n % 3 == 0:
        choices = "".join(
            f'<qti-simple-choice identifier="C{c}">{n + c * 7}</qti-simple-choice>'
            for c in range(4)
        )
        return (
            f'{head}<qti-response-declaration identifier="RESPONSE" cardinality="single" '
            'base-type="identifier"><qti-correct-response><qti-value>C1</qti-value>'
            "</qti-correct-response></qti-response-declaration><qti-item-body>"
            f"<p>Which number is {n + 7}? Think about <strong>place value</strong>.</p>"
            '<qti-choice-interaction response-identifier="RESPONSE" max-choices="1">'
            f"{choices}</qti-choice-interaction></qti-item-body>"
            f'<qti-response-processing template="{MATCH}"/>'
            "</qti-assessment-item>"
        )
    if n % 3 == 1:
        return (
            f'{head}<qti-response-declaration identifier="RESPONSE" cardinality="single" '
            f'base-type="float"><qti-correct-response><qti-value>{n / 4}</qti-value>'
            "</qti-correct-response></qti-response-declaration><qti-item-body>"
            f"<p>What is {n} divided by 4? <qti-text-entry-interaction "
            'response-identifier="RESPONSE"/></p></qti-item-body><qti-response-processing>'
            '<qti-response-condition><qti-response-if><qti-equal tolerance-mode="absolute" '
            'tolerance="0.01 0.01"><qti-variable identifier="RESPONSE"/><qti-correct '
            'identifier="RESPONSE"/></qti-equal></qti-response-if></qti-response-condition>'
            "</qti-response-processing></qti-assessment-item>"
        )
    return (
        f'{head}<qti-response-declaration identifier="RESPONSE" cardinality="single" '
        'base-type="string"><qti-mapping default-value="0"><qti-map-entry map-key="unit rate" '
        'mapped-value="1"/><qti-map-entry map-key="rate" mapped-value="1"/></qti-mapping>'
        f"</qti-response-declaration><qti-item-body><p>Name the quantity per unit ({n}). "
        '<qti-text-entry-interaction response-identifier="RESPONSE"/></p></qti-item-body>'
        f'<qti-response-processing template="{MAP}"/></qti-assessment-item>'
    )


def package(items: int, standards: list[str]) -> bytes:
    resources = []
    files: dict[str, str] = {}
    refs = [[], []]  # type: list[list[str]]
    for n in range(items):
        path = f"items/i{n}.xml"
        files[path] = item_xml(n)
        aligned = standards[n % len(standards) :][: 1 + n % 2] or standards[:1]
        guids = "".join(
            f"<csm:labelledGUID><csm:GUID>{g}</csm:GUID></csm:labelledGUID>" for g in aligned
        )
        resources.append(
            f'<resource identifier="R{n}" type="imsqti_item_xmlv3p0" href="{path}"><metadata>'
            f'<csm:curriculumStandardsMetadataSet xmlns:csm="{CSM}">'
            "<csm:curriculumStandardsMetadata>"
            f"<csm:setOfGUIDs>{guids}</csm:setOfGUIDs></csm:curriculumStandardsMetadata>"
            f'</csm:curriculumStandardsMetadataSet></metadata><file href="{path}"/></resource>'
        )
        refs[n % 2].append(f'<qti-assessment-item-ref identifier="I{n}" href="../{path}"/>')
    sections = "".join(
        f'<qti-assessment-section identifier="S{s}" title="Part {s}" visible="true">'
        f"{''.join(r)}</qti-assessment-section>"
        for s, r in enumerate(refs, start=1)
    )
    files["tests/t.xml"] = (
        f'<qti-assessment-test xmlns="{QTI3}" identifier="T" title="Bench test">'
        f'<qti-test-part identifier="P" navigation-mode="linear" submission-mode="individual">'
        f"{sections}</qti-test-part></qti-assessment-test>"
    )
    resources.append(
        '<resource identifier="T" type="imsqti_test_xmlv3p0" href="tests/t.xml">'
        '<file href="tests/t.xml"/></resource>'
    )
    files["imsmanifest.xml"] = (
        f'<manifest xmlns="{CP}" identifier="bench-package"><resources>'
        f"{''.join(resources)}</resources></manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


@contextmanager
def write_lock_spans() -> Iterator[list[float]]:
    """Seconds from each transaction's first write statement to its commit: on SQLite, how
    long other writers wait (reads inside the transaction take no write lock)."""
    from django.db import connection, transaction

    spans: list[float] = []
    opened: list[float] = []

    def closed() -> None:
        spans.append(time.perf_counter() - opened.pop())

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        writes = sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        if connection.in_atomic_block and writes and not opened:
            opened.append(time.perf_counter())
            transaction.on_commit(closed)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield spans


def build() -> dict[str, Any]:
    from masterly.accounts.models import User
    from masterly.roster.models import Org, Role, RoleAssignment
    from masterly.standards.models import Framework, Standard

    district = Org.objects.create(sourced_id="d", name="District", type=Org.Type.DISTRICT)
    school = Org.objects.create(
        sourced_id="s", name="School", type=Org.Type.SCHOOL, parent=district
    )
    teacher = User.objects.create(username="teacher")
    RoleAssignment.objects.create(user=teacher, role=Role.TEACHER, org=school)
    framework = Framework.objects.create(identifier="bench", title="Bench math")
    standards = [
        Standard.objects.create(
            framework=framework,
            identifier=f"guid-{n:04d}",
            human_coding_scheme=f"6.X.{n}",
            full_statement=f"Standard {n}",
            item_type="Standard",
            tree_path=f"{n:05d}",
        )
        for n in range(40)
    ]
    return {"teacher": teacher, "standards": standards}


def wipe() -> None:
    from masterly.assessments.items.models import (
        AssessmentItem,
        Choice,
        Item,
        ItemStandard,
        ItemVersion,
    )
    from masterly.assessments.models import Assessment, AssessmentStandard
    from masterly.core.models import AuditEvent
    from masterly.integrations.qti.models import QtiRecord

    for model in (AssessmentItem, AssessmentStandard, Assessment, Choice, ItemStandard, QtiRecord):
        model.objects.all().delete()
    Item.objects.update(current=None)
    ItemVersion.objects.all().delete()
    Item.objects.all().delete()
    AuditEvent.objects.all().delete()


def raw_insert(world: dict[str, Any], items: int) -> None:
    """The same rows, written with no parsing or checking: one bulk insert per table."""
    from django.db import transaction
    from django.utils import timezone

    from masterly.assessments.items.models import Choice, Item, ItemStandard, ItemVersion
    from masterly.core.bulk import insert_rows, insert_rows_returning_ids

    teacher, standards = world["teacher"], world["standards"]
    now = timezone.now()
    with transaction.atomic():
        item_ids = insert_rows_returning_ids(
            Item,
            (
                {"owner_id": teacher.pk, "scope": "own", "created_at": now, "updated_at": now}
                for _ in range(items)
            ),
        )
        version_ids = insert_rows_returning_ids(
            ItemVersion,
            (
                {
                    "item_id": pk, "number": 1, "interaction": "multiple_choice",
                    "stem_source": f"<p>Item {n}</p>",
                    "stem_html": f"<p>Item {n}</p>", "search_text": f"item {n}", "dok": 1,
                    "accepted_answers": [], "created_by_id": teacher.pk, "created_at": now,
                }
                for n, pk in enumerate(item_ids)
            ),
        )  # fmt: skip
        insert_rows(
            Choice,
            (
                {"version_id": v, "position": c, "content_source": str(c),
                 "content_html": str(c), "is_correct": c == 1}
                for n, v in enumerate(version_ids) if n % 3 == 0 for c in range(4)
            ),
        )  # fmt: skip
        insert_rows(
            ItemStandard,
            (
                {"version_id": v, "standard_id": standards[n % len(standards)].pk, "points": 1}
                for n, v in enumerate(version_ids)
            ),
        )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with bench_database("qti_import") as vendor:
        from masterly.assessments.items.models import Item
        from masterly.integrations.qti.importer import import_qti

        world = build()
        data = package(args.items, [s.identifier for s in world["standards"]])
        print(f"{vendor}: a package of {args.items:,} items, {len(data) / 1024:,.0f} KB zipped")
        first, again, raw, locks = [], [], [], []
        for _ in range(args.rounds):
            wipe()
            with write_lock_spans() as spans:
                start = time.perf_counter()
                summary = import_qti(
                    actor=world["teacher"], source=io.BytesIO(data), name="bench.zip"
                )
                first.append(time.perf_counter() - start)
            locks.append(max(spans))
            if summary.created != args.items or Item.objects.count() != args.items:
                raise SystemExit(f"expected {args.items} items created: {summary.lines()}")
            start = time.perf_counter()
            summary = import_qti(actor=world["teacher"], source=io.BytesIO(data), name="bench.zip")
            again.append(time.perf_counter() - start)
            if summary.unchanged != args.items or Item.objects.count() != args.items:
                raise SystemExit(f"the re-import changed items: {summary.lines()}")
            wipe()
            start = time.perf_counter()
            raw_insert(world, args.items)
            raw.append(time.perf_counter() - start)
        imported, reimported, baseline = (statistics.median(t) for t in (first, again, raw))
        print(f"import        {imported:8.2f} s   ({imported / baseline:,.0f}× the raw insert)")
        print(f"import again  {reimported:8.2f} s   ({reimported / baseline:,.0f}× the raw insert)")
        print(f"raw insert    {baseline:8.2f} s")
        print(f"write lock held: {statistics.median(locks):.2f} s (first write to commit, median)")
        met = imported < GOAL_SECONDS
        print(
            f"goal: {args.items:,} items under {GOAL_SECONDS:.0f} s — {'met' if met else 'NOT MET'}"
        )
        return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
