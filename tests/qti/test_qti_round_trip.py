"""An export re-imports to the same items: content, choices, key, alignments, rubric,
stimulus, images and option shuffling (an item that forbids it, a fixed choice) equal;
imported by its author, it changes nothing."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from masterly.assessments.items import services
from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
from masterly.assessments.items.models import AssessmentItem, Item, ItemImage, ItemVersion
from masterly.assessments.models import Assessment
from masterly.integrations.qti.export import export_assessment
from masterly.integrations.qti.importer import import_qti
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice


def _bank(world: World, tree: Tree, png: bytes) -> Assessment:
    teacher = world.teacher
    image = services.image_add(actor=teacher, data=png, filename="red.png", alt_text="A red square")
    passage = services.stimulus_create(
        actor=teacher,
        title="The lemonade stand",
        content="<p>Maya sells cups for \\(\\frac{3}{4}\\) dollar.</p>",
    )
    drafts = [
        multiple_choice(
            tree.rp_a_1,
            stem=(
                "<p>Which is \\(x^2\\) when x = 3? "
                f'<img src="/assessments/images/{image.pk}/" alt="A red square"></p>'
            ),
            dok=2,
            choices=(
                ChoiceDraft("9", is_correct=True),
                ChoiceDraft("6", rationale="Doubled 3."),
                ChoiceDraft("None of these", fixed=True),
            ),
        ),
        ItemDraft(
            interaction="multiple_select",
            stem="<p>Pick the even numbers.</p>",
            dok=1,
            standards=((tree.rp_a_1, Decimal("1.5")), (tree.ns_b_2, Decimal("0.5"))),
            choices=(
                ChoiceDraft("2", is_correct=True),
                ChoiceDraft("3"),
                ChoiceDraft("4", is_correct=True),
            ),
            may_shuffle_options=False,  # in numeric order
        ),
        ItemDraft(
            interaction="true_false",
            stem="<p>A ratio compares two quantities.</p>",
            dok=1,
            standards=((tree.rp_a_3, Decimal(1)),),
            choices=(ChoiceDraft("True", is_correct=True), ChoiceDraft("False")),
            stimulus=passage,
        ),
        ItemDraft(
            interaction="numeric",
            stem="<p>How much is a cup, in dollars?</p>",
            dok=2,
            standards=((tree.rp_a_3, Decimal(2)),),
            numeric_answer=Decimal("0.75"),
            numeric_tolerance=Decimal("0.01"),
            stimulus=passage,
        ),
        ItemDraft(
            interaction="short_text",
            stem="<p>Name the quantity per one unit.</p>",
            dok=1,
            standards=((tree.rp_a_3, Decimal(1)),),
            accepted_answers=("unit rate", "rate"),
        ),
        ItemDraft(
            interaction="short_text",
            stem="<p>Describe a ratio you saw today.</p>",
            dok=3,
            standards=((tree.ns_b_2, Decimal(1)),),
            teacher_scored=True,
        ),
        extended(tree.rp_a_1, tree.ns_b_2),
    ]
    items = services.items_create(actor=teacher, drafts=drafts)
    assessment = Assessment.objects.create(title="Ratios common assessment", created_by=teacher)
    AssessmentItem.objects.bulk_create(
        AssessmentItem(
            assessment=assessment,
            item_version_id=item.current_id,
            section=1 if n < 4 else 2,
            position=n if n < 4 else n - 4,
        )
        for n, item in enumerate(items)
    )
    return assessment


def content(version: ItemVersion) -> tuple[object, ...]:
    """Everything students see and how it is scored, with images and stimuli by content."""
    images = {image.pk: (bytes(image.data), image.alt_text) for image in ItemImage.objects.all()}

    def shown(html: str) -> str:
        for pk, (data, alt) in images.items():
            html = html.replace(f"/assessments/images/{pk}/", f"[{hash(data)}:{alt}]")
        return html

    stimulus = version.stimulus
    return (
        version.interaction,
        shown(version.stem_html),
        version.dok,
        (stimulus.title, shown(stimulus.content_html)) if stimulus else None,
        version.numeric_answer,
        version.numeric_tolerance,
        version.accepted_answers,
        version.teacher_scored,
        version.may_shuffle_options,
        [
            (shown(c.content_html), c.is_correct, c.rationale, c.dropped_when_reduced, c.fixed)
            for c in version.choices.all()
        ],
        sorted((a.standard_id, a.points) for a in version.alignments.all()),
        [
            (c.title, c.standard_id, [(lv.label, lv.points) for lv in c.levels.all()])
            for c in version.criteria.all()
        ],
        sorted((image.width, image.height, image.alt_text) for image in version.images.all()),
    )


def _placements(assessment: Assessment) -> list[tuple[int, int, tuple[object, ...]]]:
    return [
        (row.section, row.position, content(row.item_version))
        for row in assessment.items.select_related("item_version")
    ]


@pytest.fixture
def exported(world: World, tree: Tree, png: bytes) -> tuple[Assessment, bytes]:
    assessment = _bank(world, tree, png)
    return assessment, export_assessment(assessment)


def test_an_export_imported_elsewhere_gives_equal_items_and_sections(
    world: World, exported: tuple[Assessment, bytes]
) -> None:
    original, package = exported

    summary = import_qti(actor=world.other_teacher, source=io.BytesIO(package), name="export.zip")

    assert (summary.created, summary.assessments_created, summary.images, summary.stimuli) == (
        7,
        1,
        1,
        1,
    )
    copy = Assessment.objects.exclude(pk=original.pk).get()
    assert copy.title == original.title
    assert _placements(copy) == _placements(original)
    assert list(
        copy.alignments.values_list("standard", "points_possible").order_by("standard")
    ) == [
        (standard, sum((p for s, p in copy_points(copy) if s == standard), Decimal(0)))
        for standard in sorted({s for s, _p in copy_points(copy)})
    ]


def copy_points(assessment: Assessment) -> list[tuple[int, Decimal]]:
    return [
        (a.standard_id, a.points)
        for row in assessment.items.select_related("item_version")
        for a in row.item_version.alignments.all()
    ]


def test_an_export_imported_by_its_author_changes_nothing(
    world: World, exported: tuple[Assessment, bytes], tmp_path: Path
) -> None:
    _original, package = exported
    versions, images = ItemVersion.objects.count(), ItemImage.objects.count()

    summary = import_qti(actor=world.teacher, source=io.BytesIO(package), name="export.zip")

    assert (summary.created, summary.versioned, summary.unchanged) == (0, 0, 7)
    assert (summary.assessments_created, summary.assessments_updated, summary.stimuli) == (0, 0, 0)
    assert (ItemVersion.objects.count(), ItemImage.objects.count()) == (versions, images)
    assert Item.objects.count() == 7


def test_section_titles_and_item_shuffling_survive_the_round_trip(
    world: World, tree: Tree, png: bytes
) -> None:
    from masterly.assessments.composition.models import AssessmentSection

    original = _bank(world, tree, png)
    AssessmentSection.objects.bulk_create(
        [
            AssessmentSection(assessment=original, number=1, title="Part A: ratios"),
            AssessmentSection(assessment=original, number=2, title=""),
        ]
    )
    original.shuffle_items = True
    original.save(update_fields=["shuffle_items"])

    package = export_assessment(original)
    import_qti(actor=world.other_teacher, source=io.BytesIO(package), name="export.zip")

    copy = Assessment.objects.exclude(pk=original.pk).get()
    assert copy.shuffle_items is True
    assert list(copy.sections.order_by("number").values_list("number", "title")) == [
        (1, "Part A: ratios"),
        (2, ""),
    ]
    assert _placements(copy) == _placements(original)
    # Re-imported by its author, whose assessment already says all this: nothing changes.
    summary = import_qti(actor=world.teacher, source=io.BytesIO(package), name="export.zip")
    assert (summary.assessments_created, summary.assessments_updated) == (0, 0)


@pytest.mark.parametrize(
    ("title", "expected"), [("   ", None), ("T" * 400, "T" * 300)], ids=["spaces", "too-long"]
)
def test_a_test_titled_with_spaces_or_too_long_still_imports(
    world: World, exported: tuple[Assessment, bytes], title: str, expected: str | None
) -> None:
    """A title of spaces is taken as none (the file's name stands in); a long one is cut to an
    assessment's 300 characters (PostgreSQL refused it; spaces were a server error)."""
    original, package = exported
    rewritten = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(rewritten, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if b"assessment-test" in data[:400] and info.filename.endswith(".xml"):
                test_file = info.filename
                data = re.sub(
                    rb'(<qti-assessment-test[^>]*?\stitle=")[^"]*"',
                    lambda match: match.group(1) + title.encode() + b'"',
                    data,
                )
            out.writestr(info, data)

    summary = import_qti(actor=world.other_teacher, source=rewritten, name="export.zip")

    assert summary.assessments_created == 1
    copy = Assessment.objects.exclude(pk=original.pk).get()
    assert copy.title == (expected or test_file)
