"""Importing QTI packages: every supported interaction, QTI 2.1, alignments, re-import."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from masterly.assessments.items.models import AssessmentItem, Item, ItemImage, ItemVersion
from masterly.assessments.models import Assessment
from masterly.integrations.qti.importer import import_qti
from tests.conftest import World
from tests.items.conftest import Tree
from tests.qti.conftest import MATHML, QTI3, QTI21, choice_item, manifest, resource, write_zip


def test_a_choice_item_is_imported_with_its_key_and_alignment(
    world: World, tree: Tree, simple_package: Path
) -> None:
    summary = import_qti(actor=world.teacher, source=simple_package, name="package.zip")

    assert (summary.created, summary.versioned, summary.unchanged) == (1, 0, 0)
    version = ItemVersion.objects.get()
    assert version.interaction == "multiple_choice"
    assert version.stem_html == "<p>What is 3 + 4?</p>"
    assert [(c.content_html, c.is_correct) for c in version.choices.all()] == [
        ("12", False),
        ("7", True),
        ("1", False),
    ]
    assert list(version.alignments.values_list("standard", "points")) == [
        (tree.rp_a_1.pk, Decimal("1.00"))
    ]


def test_importing_the_same_package_again_changes_nothing(
    world: World, tree: Tree, simple_package: Path
) -> None:
    import_qti(actor=world.teacher, source=simple_package, name="package.zip")
    summary = import_qti(actor=world.teacher, source=simple_package, name="package.zip")

    assert (summary.created, summary.versioned, summary.unchanged) == (0, 0, 1)
    assert Item.objects.count() == 1 and ItemVersion.objects.count() == 1


QTI21_ITEM = f"""<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="{QTI21}" identifier="N1" title="Half" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">
    <correctResponse><value>0.5</value></correctResponse>
  </responseDeclaration>
  <outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>
  <outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">
    <defaultValue><value>2</value></defaultValue>
  </outcomeDeclaration>
  <itemBody>
    <p>What is <math xmlns="{MATHML}"><mfrac><mn>1</mn><mn>2</mn></mfrac></math> as a decimal?
      <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="5"/></p>
  </itemBody>
  <responseProcessing>
    <responseCondition><responseIf>
      <equal toleranceMode="absolute" tolerance="0.05 0.05">
        <variable identifier="RESPONSE"/><correct identifier="RESPONSE"/>
      </equal>
      <setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue>
    </responseIf></responseCondition>
  </responseProcessing>
</assessmentItem>"""

SHORT_TEXT = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="T1" title="Word">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string">
    <qti-mapping default-value="0">
      <qti-map-entry map-key="unit rate" mapped-value="1"/>
      <qti-map-entry map-key="rate" mapped-value="1"/>
      <qti-map-entry map-key="ratio" mapped-value="0"/>
    </qti-mapping>
  </qti-response-declaration>
  <qti-item-body><p>The amount per one unit is the
    <qti-text-entry-interaction response-identifier="RESPONSE"/>.</p></qti-item-body>
  <qti-response-processing
    template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml"/>
</qti-assessment-item>"""

ESSAY = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="{QTI3}" identifier="E1" title="Essay">
  <qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="string"/>
  <qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"
    normal-maximum="4" external-scored="human"/>
  <qti-assessment-stimulus-ref identifier="S1" href="../stimuli/s1.xml" title="Lemonade"/>
  <qti-item-body>
    <qti-rubric-block use="scoring" view="scorer"><qti-content-body>
      <p>4 points: a complete explanation.</p></qti-content-body></qti-rubric-block>
    <p>Explain how Maya finds her price.</p>
    <p><img src="../images/chart.png" alt="Cups sold each day"/></p>
    <qti-extended-text-interaction response-identifier="RESPONSE"/>
  </qti-item-body>
</qti-assessment-item>"""

STIMULUS = f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-stimulus xmlns="{QTI3}" identifier="S1" title="Lemonade">
  <qti-stimulus-body><p>Maya sells lemonade.</p>
  <script>alert(1)</script><a href="javascript:alert(1)">link</a></qti-stimulus-body>
</qti-assessment-stimulus>"""


def test_other_interactions_qti_2_1_math_images_stimuli_and_uris(
    world: World, tree: Tree, tmp_path: Path, png: bytes
) -> None:
    uri = f"https://case.example.org/uri/{tree.rp_a_3.identifier}"
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource(
                    "R1",
                    "items/n1.xml",
                    standards=(tree.rp_a_1.identifier,),
                    kind="imsqti_item_xmlv2p1",
                ),
                resource("R2", "items/t1.xml", standards=(uri,)),
                resource(
                    "R3",
                    "items/e1.xml",
                    standards=(tree.rp_a_1.identifier, tree.ns_b_2.identifier),
                    files=("stimuli/s1.xml", "images/chart.png"),
                ),
            ),
            "items/n1.xml": QTI21_ITEM,
            "items/t1.xml": SHORT_TEXT,
            "items/e1.xml": ESSAY,
            "stimuli/s1.xml": STIMULUS,
            "images/chart.png": png,
        },
    )

    summary = import_qti(actor=world.teacher, source=package, name="package.zip")

    assert (summary.created, summary.stimuli, summary.images) == (3, 1, 1)
    numeric, short, essay = (
        ItemVersion.objects.get(interaction=kind) for kind in ("numeric", "short_text", "extended")
    )
    assert (numeric.numeric_answer, numeric.numeric_tolerance) == (Decimal("0.5"), Decimal("0.05"))
    assert "<math><mfrac><mn>1</mn><mn>2</mn></mfrac></math>" in numeric.stem_html
    assert list(numeric.alignments.values_list("points", flat=True)) == [Decimal(2)]
    assert (short.accepted_answers, short.teacher_scored) == (["unit rate", "rate"], False)
    assert list(short.alignments.values_list("standard", flat=True)) == [tree.rp_a_3.pk]
    image = ItemImage.objects.get()
    assert image.alt_text == "Cups sold each day"
    assert (
        f'<img src="/assessments/images/{image.pk}/" alt="Cups sold each day">' in essay.stem_html
    )
    assert "rubric" not in essay.stem_html and "4 points" not in essay.stem_html
    assert [
        (c.title, c.standard_id, [(lv.label, lv.points) for lv in c.levels.all()])
        for c in essay.criteria.all()
    ] == [
        ("4 points: a complete explanation. (6.RP.A.1)", tree.rp_a_1.pk,
         [("No credit", Decimal(0)), ("Full credit", Decimal(2))]),
        ("4 points: a complete explanation. (6.NS.B.2)", tree.ns_b_2.pk,
         [("No credit", Decimal(0)), ("Full credit", Decimal(2))]),
    ]  # fmt: skip
    stimulus = essay.stimulus
    assert stimulus is not None and stimulus.title == "Lemonade"
    assert "script" not in stimulus.content_html and "javascript" not in stimulus.content_html
    assert "Maya sells lemonade." in stimulus.content_html


def test_a_changed_item_becomes_a_new_version_once_an_assessment_uses_it(
    world: World, tree: Tree, tmp_path: Path, simple_package: Path
) -> None:
    import_qti(actor=world.teacher, source=simple_package, name="package.zip")
    item = Item.objects.get()
    used = item.current
    assessment = Assessment.objects.create(title="Quiz", created_by=world.teacher)
    AssessmentItem.objects.create(assessment=assessment, item_version=used, position=0)
    changed = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,))
            ),
            "items/q1.xml": choice_item(stem="<p>What is 4 + 3?</p>"),
        },
        name="changed.zip",
    )

    summary = import_qti(actor=world.teacher, source=changed, name="changed.zip")

    assert (summary.created, summary.versioned) == (0, 1)
    item.refresh_from_db()
    assert Item.objects.count() == 1
    assert [(v.number, v.stem_html) for v in item.versions.order_by("number")] == [
        (1, "<p>What is 3 + 4?</p>"),
        (2, "<p>What is 4 + 3?</p>"),
    ]
    assert item.current_id != used.pk


def test_a_dry_run_counts_and_changes_nothing(
    world: World, tree: Tree, simple_package: Path
) -> None:
    summary = import_qti(actor=world.teacher, source=simple_package, name="p.zip", dry_run=True)

    assert summary.created == 1 and "Dry run: nothing was changed." in summary.lines()
    assert not Item.objects.exists()


def test_lom_classification_ids_align_an_item_too(world: World, tree: Tree, tmp_path: Path) -> None:
    lom = (
        '<resource identifier="R1" type="imsqti_item_xmlv3p0" href="items/q1.xml"><metadata>'
        '<lom xmlns="http://ltsc.ieee.org/xsd/LOM"><classification><taxonPath><taxon>'
        f"<id>{tree.ns_b_2.identifier}</id></taxon></taxonPath></classification></lom>"
        '</metadata><file href="items/q1.xml"/></resource>'
    )
    package = write_zip(tmp_path, {"imsmanifest.xml": manifest(lom), "items/q1.xml": choice_item()})

    import_qti(actor=world.teacher, source=package, name="lom.zip")

    version = ItemVersion.objects.get()
    assert list(version.alignments.values_list("standard", flat=True)) == [tree.ns_b_2.pk]


def test_an_items_shuffle_and_its_fixed_choices_are_kept(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    """``shuffle="false"``: never shuffled; ``fixed="true"``: that choice keeps its place;
    neither written (as in ``choice_item``): the assessment decides, nothing is fixed."""
    in_order = choice_item("Q1").replace('max-choices="1"', 'max-choices="1" shuffle="false"')
    last_fixed = (
        choice_item("Q2")
        .replace('max-choices="1"', 'max-choices="1" shuffle="true"')
        .replace(
            '<qti-simple-choice identifier="C">', '<qti-simple-choice identifier="C" fixed="1">'
        )
    )
    files = {
        "items/q1.xml": in_order,
        "items/q2.xml": last_fixed,
        "items/q3.xml": choice_item("Q3"),
    }
    standards = (tree.rp_a_1.identifier,)

    def package(name: str) -> Path:
        listed = [resource(f"R{n}", path, standards=standards) for n, path in enumerate(files)]
        return write_zip(tmp_path, {"imsmanifest.xml": manifest(*listed), **files}, name=name)

    import_qti(actor=world.teacher, source=package("first.zip"), name="first.zip")

    def read() -> list[tuple[bool, list[bool]]]:
        return [
            (v.may_shuffle_options, [c.fixed for c in v.choices.all()])
            for v in ItemVersion.objects.order_by("item_id")
        ]

    assert read() == [
        (False, [False, False, False]),
        (True, [False, False, True]),
        (True, [False, False, False]),
    ]
    # The publisher changes its mind: the item changes (no assessment uses it yet).
    files["items/q1.xml"] = in_order.replace('shuffle="false"', 'shuffle="true"')
    summary = import_qti(actor=world.teacher, source=package("second.zip"), name="second.zip")
    assert (summary.created, summary.versioned, summary.unchanged) == (0, 1, 2)
    assert read()[0] == (True, [False, False, False])
