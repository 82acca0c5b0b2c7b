"""Who finds an item in the bank: its owner, its school's or district's staff, never a
student or a parent."""

from __future__ import annotations

import pytest

from masterly.accounts.models import User
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services
from masterly.assessments.items.models import Scope
from masterly.assessments.items.selectors import visible_images, visible_items
from masterly.assessments.models import Assessment, Attempt
from tests.conftest import World
from tests.items.conftest import Tree, multiple_choice, school_b_teacher


def _who_sees(world: World, scope: str, tree: Tree) -> set[str]:
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1), scope=scope
    )
    people = [
        world.teacher,
        world.other_teacher,
        school_b_teacher(),
        world.leader,
        world.other_leader,
        world.admin,
        world.student,
        world.parent,
    ]
    return {p.username for p in people if visible_items(p).filter(pk=item.pk).exists()}


@pytest.mark.parametrize(
    ("scope", "seen_by"),
    [
        (Scope.OWN, {"teacher"}),
        (Scope.SCHOOL, {"teacher", "other_teacher", "leader", "admin"}),
        (
            Scope.DISTRICT,
            {"teacher", "other_teacher", "school_b_teacher", "leader", "other_leader", "admin"},
        ),
    ],
)
def test_each_scope_is_seen_by_exactly_its_people(
    world: World, tree: Tree, scope: str, seen_by: set[str]
) -> None:
    assert _who_sees(world, scope, tree) == seen_by


def test_a_teacher_of_another_school_cannot_open_a_school_item(
    world: World, tree: Tree, client
) -> None:
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1), scope=Scope.SCHOOL
    )
    client.force_login(school_b_teacher())
    assert client.get(f"/assessments/items/{item.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["student", "parent"])
def test_students_and_parents_never_see_the_bank(
    world: World, tree: Tree, client, who: str
) -> None:
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1), scope=Scope.DISTRICT
    )
    person: User = getattr(world, who)
    client.force_login(person)
    assert client.get("/assessments/items/").status_code == 403
    assert client.get(f"/assessments/items/{item.pk}/").status_code in (403, 404)
    assert not visible_items(person).exists()


def test_images_are_served_only_to_who_may_see_an_item_using_them(
    world: World, tree: Tree, client, png: bytes
) -> None:
    image = services.image_add(actor=world.teacher, data=png, filename="dot.png", alt_text="A dot")
    stem = f'See <img src="/assessments/images/{image.pk}/" alt="A dot">'
    services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1, stem=stem), scope=Scope.SCHOOL
    )
    assert visible_images(world.other_teacher).filter(pk=image.pk).exists()

    client.force_login(world.other_teacher)
    served = client.get(f"/assessments/images/{image.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    client.force_login(school_b_teacher())
    assert client.get(f"/assessments/images/{image.pk}/").status_code == 404
    client.force_login(world.student)
    assert client.get(f"/assessments/images/{image.pk}/").status_code == 404


def test_a_student_sees_the_images_of_a_test_they_took_and_their_family_too(
    world: World, tree: Tree, client, png: bytes
) -> None:
    image = services.image_add(actor=world.teacher, data=png, filename="dot.png", alt_text="A dot")
    stem = f'See <img src="/assessments/images/{image.pk}/" alt="A dot">'
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1, stem=stem), scope=Scope.OWN
    )
    assessment = composition.assessment_create(
        actor=world.teacher, title="Dots", kind=Assessment.Kind.QUICK_CHECK
    )
    composition.items_add(actor=world.teacher, assessment=assessment, items=[item], section=1)
    url = f"/assessments/images/{image.pk}/"
    client.force_login(world.student)
    assert client.get(url).status_code == 404  # not taken yet

    Attempt.objects.create(assessment=assessment, student=world.student, number=1)
    served = {}
    for person in (world.student, world.parent, world.other_student, world.other_parent):
        client.force_login(person)
        served[person.username] = client.get(url).status_code
    assert served == {"student": 200, "parent": 200, "other_student": 404, "other_parent": 404}
