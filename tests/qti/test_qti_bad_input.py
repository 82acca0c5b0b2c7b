"""Every bad package is refused with its file and element (or item) named, and nothing changes."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings

from masterly.assessments.items.models import Item, ItemImage, ItemVersion, Stimulus
from masterly.assessments.models import Assessment
from masterly.core.models import AuditEvent
from masterly.integrations.qti.errors import QtiImportRejected, UnsupportedInteractions
from masterly.integrations.qti.importer import import_qti
from masterly.integrations.qti.models import QtiRecord
from tests.conftest import World
from tests.items.conftest import Tree
from tests.qti.conftest import choice_item, hotspot_item, manifest, resource, write_zip

MODELS = (Item, ItemVersion, ItemImage, Stimulus, Assessment, QtiRecord, AuditEvent)


def counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def refused(world: World, package: Path, **options: bool) -> list[str]:
    """The problems the import names; asserts the database is exactly as it was."""
    before = counts()
    with pytest.raises(QtiImportRejected) as raised:
        import_qti(actor=world.teacher, source=package, name=package.name, **options)  # type: ignore[arg-type]
    assert counts() == before
    return raised.value.lines


def one_item(tree: Tree, tmp_path: Path, item: str, **extra: str | bytes) -> Path:
    return write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,))
            ),
            "items/q1.xml": item,
            **extra,
        },
    )


def test_malformed_xml_is_named_by_file_and_line(world: World, tree: Tree, tmp_path: Path) -> None:
    broken = choice_item().replace("</qti-item-body>", "</qti-itembody>")

    [line] = refused(world, one_item(tree, tmp_path, broken))

    assert line.startswith("items/q1.xml (line 14): this is not well-formed XML: ")


def test_shuffle_and_fixed_that_are_not_true_or_false_are_named(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    item = (
        choice_item()
        .replace('max-choices="1"', 'max-choices="1" shuffle="yes"')
        .replace(
            '<qti-simple-choice identifier="C">', '<qti-simple-choice identifier="C" fixed="last">'
        )
    )

    assert refused(world, one_item(tree, tmp_path, item)) == [
        'items/q1.xml (item Q1, line 9): its choice interaction\'s shuffle="yes" is neither true '
        'nor false: write shuffle="true" (the options may be shuffled) or shuffle="false" (they '
        "never are).",
        'items/q1.xml (item Q1, line 12): its choice C has fixed="last", neither true nor false: '
        'write fixed="true" (it keeps its place when the others are shuffled) or leave it out.',
    ]


def test_a_file_the_manifest_lists_but_the_package_lacks(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R2", "items/q2.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R3", "../../etc/passwd"),
            ),
            "items/q1.xml": choice_item(),
        },
    )

    assert refused(world, package) == [
        "imsmanifest.xml (resource R2, line 1): it lists the file items/q2.xml, which is not in "
        "the package. Add the file or remove it from the manifest.",
        "imsmanifest.xml (resource R3, line 1): it lists the file ../../etc/passwd, which is "
        "not in the package. Add the file or remove it from the manifest.",
    ]


def test_an_unknown_standard_reference(world: World, tree: Tree, tmp_path: Path) -> None:
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=("no-such-guid",))
            ),
            "items/q1.xml": choice_item(),
        },
    )

    assert refused(world, package) == [
        "items/q1.xml (item Q1): the standard no-such-guid is in no imported framework. Import "
        "its framework (a CASE package) first, or remove the reference."
    ]


def test_unsupported_interactions_are_listed_at_once_and_can_be_skipped(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R2", "items/h1.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R3", "items/h2.xml", standards=(tree.rp_a_1.identifier,)),
            ),
            "items/q1.xml": choice_item(),
            "items/h1.xml": hotspot_item("H1"),
            "items/h2.xml": hotspot_item("H2"),
        },
    )
    before = counts()
    with pytest.raises(UnsupportedInteractions) as raised:
        import_qti(actor=world.teacher, source=package, name="package.zip")
    assert counts() == before
    assert raised.value.lines == [
        "items/h1.xml (item H1): qti-hotspot-interaction is not an interaction Masterly supports",
        "items/h2.xml (item H2): qti-hotspot-interaction is not an interaction Masterly supports",
    ]

    summary = import_qti(
        actor=world.teacher, source=package, name="package.zip", skip_unsupported=True
    )

    assert summary.created == 1 and len(summary.skipped) == 2
    assert Item.objects.count() == 1


BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="Q1">&lol2;
</qti-assessment-item>"""
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="Q1">&secret;
</qti-assessment-item>"""


@pytest.mark.parametrize("hostile", [BOMB, EXTERNAL], ids=["entity bomb", "external entity"])
def test_document_types_entities_and_bombs_are_refused(
    world: World, tree: Tree, tmp_path: Path, hostile: str
) -> None:
    [line] = refused(world, one_item(tree, tmp_path, hostile))

    assert line.startswith("items/q1.xml (line 2): a document type declaration (<!DOCTYPE …>)")


def test_a_zip_bomb_is_refused_from_its_directory(world: World, tree: Tree, tmp_path: Path) -> None:
    package = one_item(tree, tmp_path, choice_item(), **{"padding.xml": b"0" * (20 * 1024 * 1024)})

    [line] = refused(world, package)

    assert line.startswith("padding.xml: this file in package.zip unpacks to 1,0")
    assert "made to exhaust the server" in line


@override_settings(QTI_MAX_PACKAGE_MB=1)
def test_a_package_past_the_size_cap(world: World, tree: Tree, tmp_path: Path) -> None:
    package = one_item(tree, tmp_path, choice_item(), **{"noise.bin": os.urandom(1_200_000)})

    [line] = refused(world, package)

    assert line.startswith("package.zip: package.zip is larger than 1 MB")
    assert "QTI_MAX_PACKAGE_MB" in line


def test_not_a_zip_and_a_zip_without_a_manifest(world: World, tmp_path: Path) -> None:
    text = tmp_path / "notes.zip"
    text.write_text("hello")
    [line] = refused(world, text)
    assert line.startswith("notes.zip: is not a complete .zip file")

    empty = write_zip(tmp_path, {"items/q1.xml": choice_item()}, name="empty.zip")
    [line] = refused(world, empty)
    assert line.startswith("empty.zip: there is no imsmanifest.xml at the top of this package.")


def test_images_missing_or_without_alt_text(
    world: World, tree: Tree, tmp_path: Path, png: bytes
) -> None:
    item = choice_item(
        stem='<p>Look: <img src="../images/a.png"/> <img src="../images/gone.png" alt="x"/>'
        '<img src="https://evil.example/x.png" alt="y"/></p>'
    )

    lines = refused(world, one_item(tree, tmp_path, item, **{"images/a.png": png}))

    assert lines == [
        "items/q1.xml (item Q1): the image 'https://evil.example/x.png' is not a file in the "
        "package (Masterly shows only images it stores); add the file to the package.",
        "images/a.png: this image has no alternative text (alt) where it is shown; describe it "
        'for students who cannot see it (or mark it decorative with alt="").',
        "images/gone.png: an item shows this image, which is not in the package.",
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        # The item shows the chart with alt text, the passage without: the image has an alt,
        # the passage still shows it without one.
        ('<p>Maya sells lemonade.</p><p><img src="../images/chart.png"/></p>', "without alt"),
        ("", "Write the passage."),
    ],
)
def test_a_passage_the_bank_would_refuse_is_named_and_nothing_changes(
    world: World, tree: Tree, tmp_path: Path, png: bytes, body: str, problem: str
) -> None:
    from tests.qti.test_qti_import import ESSAY, QTI3

    stimulus = (
        f'<?xml version="1.0" encoding="UTF-8"?><qti-assessment-stimulus xmlns="{QTI3}" '
        f'identifier="S1" title="Lemonade"><qti-stimulus-body>{body}</qti-stimulus-body>'
        "</qti-assessment-stimulus>"
    )
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource(
                    "R1",
                    "items/e1.xml",
                    standards=(tree.rp_a_1.identifier,),
                    files=("stimuli/s1.xml", "images/chart.png"),
                )
            ),
            "items/e1.xml": ESSAY,
            "stimuli/s1.xml": stimulus,
            "images/chart.png": png,
        },
    )

    [line] = refused(world, package)

    assert line.startswith("stimuli/s1.xml (stimulus S1): ") and problem in line


def test_an_image_marked_decorative_imports_with_empty_alt_text(
    world: World, tree: Tree, tmp_path: Path, png: bytes
) -> None:
    """``alt=""`` is how HTML and QTI mark an image decorative: the package imports, the
    image keeps its empty alt (screen readers skip it), and the same package again changes
    nothing."""
    item = choice_item(stem='<p>Look: <img src="../images/a.png" alt=""/></p>')
    package = one_item(tree, tmp_path, item, **{"images/a.png": png})

    summary = import_qti(actor=world.teacher, source=package, name=package.name)

    assert (summary.created, summary.images) == (1, 1)
    image = ItemImage.objects.get()
    assert image.alt_text == ""
    assert f'<img src="/assessments/images/{image.pk}/" alt="">' in (
        ItemVersion.objects.get().stem_html
    )
    again = import_qti(actor=world.teacher, source=package, name=package.name)
    assert (again.unchanged, ItemImage.objects.count()) == (1, 1)


def test_script_and_javascript_links_never_survive(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    item = choice_item(
        stem='<p onclick="alert(1)">Sum<script>alert(1)</script>'
        '<a href="javascript:alert(1)">more</a></p>'
    )

    import_qti(actor=world.teacher, source=one_item(tree, tmp_path, item), name="p.zip")

    assert ItemVersion.objects.get().stem_html == '<p>Sum<a rel="noopener noreferrer">more</a></p>'


def test_a_cut_off_zip_is_refused(world: World, tree: Tree, tmp_path: Path) -> None:
    whole = one_item(tree, tmp_path, choice_item()).read_bytes()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole[: len(whole) // 2])

    [line] = refused(world, cut)

    assert line.startswith("cut.zip: is not a complete .zip file")
    assert zipfile.is_zipfile(io.BytesIO(whole))


def test_a_document_type_in_another_encoding_is_refused_too(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    [line] = refused(
        world,
        one_item(tree, tmp_path, EXTERNAL.replace('"?>', '" encoding="UTF-16"?>').encode("utf-16")),
    )  # type: ignore[arg-type]

    assert "a document type declaration (<!DOCTYPE …>) is refused" in line
