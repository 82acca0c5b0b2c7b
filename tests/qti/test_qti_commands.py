"""``masterly export-qti`` and ``masterly import-qti``: a package written, read back, refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masterly.assessments.items import services
from masterly.assessments.items.models import Item
from tests.conftest import World
from tests.items.conftest import Tree, multiple_choice
from tests.qti.conftest import hotspot_item, manifest, resource, write_zip


def test_export_then_import_as_another_teacher_then_again(
    world: World, tree: Tree, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    services.items_create(
        actor=world.teacher, drafts=[multiple_choice(tree.rp_a_1), multiple_choice(tree.ns_b_2)]
    )
    out = tmp_path / "items.zip"

    call_command("export_qti", owner=world.teacher.username, standard="6.RP", output=str(out))
    call_command("import_qti", str(out), user=world.other_teacher.username, dry_run=True)
    call_command("import_qti", str(out), user=world.other_teacher.username)
    call_command("import_qti", str(out), user=world.other_teacher.username)

    printed = capsys.readouterr()
    assert "Wrote 1 items to" in printed.err
    assert [line for line in printed.out.splitlines() if line.startswith("Items:")] == [
        "Items: 1 created, 0 changed (a new version), 0 unchanged.",
        "Items: 1 created, 0 changed (a new version), 0 unchanged.",
        "Items: 0 created, 0 changed (a new version), 1 unchanged.",
    ]
    assert Item.objects.filter(owner=world.other_teacher).count() == 1


def test_the_command_names_what_is_wrong_and_how_to_go_on(
    world: World, tree: Tree, tmp_path: Path
) -> None:
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/h1.xml", standards=(tree.rp_a_1.identifier,))
            ),
            "items/h1.xml": hotspot_item(),
        },
    )

    with pytest.raises(CommandError) as raised:
        call_command("import_qti", str(package), user=world.teacher.username)

    assert str(raised.value) == (
        "The package was not imported (nothing was changed). These items use interactions "
        "Masterly does not support; add --skip-unsupported to import the rest:\n"
        "  items/h1.xml (item H1): qti-hotspot-interaction is not an interaction Masterly "
        "supports"
    )
    with pytest.raises(CommandError, match="There is no user 'nobody'"):
        call_command("import_qti", str(package), user="nobody")
