"""The assessment pages as a teacher uses them without JavaScript; who reaches them; the
same number of queries for a small and a large assessment."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterly.assessments.composition import services
from masterly.assessments.items.models import AssessmentItem, Item
from masterly.assessments.models import Assessment
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import Tracker
from tests.assessment_factories import make_tracker
from tests.composition.conftest import Compose, items_on
from tests.conftest import World
from tests.items.conftest import Tree


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as run:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(run.captured_queries)


def test_my_assessments_lists_mine_and_shared_with_an_empty_state_and_pages(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    client.force_login(world.other_teacher)
    empty = client.get("/assessments/").content.decode()
    assert "No assessments yet" in empty

    for n in range(22):
        compose(title=f"Quiz {n:02d}", scope="school")
    first = client.get("/assessments/").content.decode()
    second = client.get("/assessments/", {"page": 2}).content.decode()
    mine = client.get("/assessments/", {"whose": "mine"}).content.decode()

    assert "Quiz 21" in first and "Page 1 of 2" in first and "Quiz 00" in second
    assert "You have no assessments yet." in mine


def test_a_teacher_creates_an_assessment_adds_from_the_bank_and_reorders(
    client: Client, world: World, tree: Tree
) -> None:
    first, second = items_on(world.teacher, tree.rp_a_1, tree.rp_a_3)
    client.force_login(world.teacher)

    bad = client.post("/assessments/new/", {"title": "", "kind": "common", "scope": "own"})
    assert bad.status_code == 400 and "This field is required." in bad.content.decode()
    assert not Assessment.objects.exists()

    made = client.post("/assessments/new/", {"title": "Unit 2", "kind": "common", "scope": "own"})
    assessment = Assessment.objects.get()
    assert made["Location"] == f"/assessments/{assessment.pk}/"

    found = client.get(f"/assessments/{assessment.pk}/", {"standard": "6.RP.A"}).content.decode()
    assert "2 items found" in found
    change = f"/assessments/{assessment.pk}/change/"
    for item in (first, second):
        client.post(
            change, {"action": "item_add", "item": item.pk, "section": 1, "back": "standard=6.RP.A"}
        )
    row = AssessmentItem.objects.get(assessment=assessment, item_version__item=second)
    moved = client.post(change, {"action": "item_move", "row": row.pk, "direction": "up"})
    assert moved["Location"] == f"/assessments/{assessment.pk}/#composition"

    order = AssessmentItem.objects.filter(assessment=assessment).order_by("position")
    assert [r.item_version.item_id for r in order] == [second.pk, first.pk]
    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Question 2 on 6.RP.A.3?" in page and "In this assessment" not in page


def test_the_assessment_page_and_blueprint_take_the_same_queries_small_or_large(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    small = compose(tree.rp_a_1)
    large = compose(*[tree.rp_a_1, tree.rp_a_3, tree.ns_b_2] * 8)
    services.section_add(actor=world.teacher, assessment=large, title="Part B")
    client.force_login(world.teacher)

    for url in ("/assessments/{}/", "/assessments/{}/blueprint/", "/assessments/{}/key/print/"):
        assert queries(client, url.format(small.pk)) == queries(client, url.format(large.pk)), url


def test_the_blueprint_page_says_which_standard_is_thin(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1, tree.rp_a_1, tree.rp_a_3, tree.rp_a_3, tree.rp_a_3)
    client.force_login(world.teacher)

    page = client.get(f"/assessments/{assessment.pk}/blueprint/").content.decode()

    assert "6.RP.A.1 has 2 items (2 points); at least 3 items are needed to judge mastery." in page


def test_another_teacher_cannot_see_change_or_assign_an_own_assessment(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    make_tracker(world.other_teacher, [world.other_section], [tree.rp_a_1])
    client.force_login(world.other_teacher)

    for url in ("", "blueprint/", "print/", "key/print/", "assign/"):
        assert client.get(f"/assessments/{assessment.pk}/{url}").status_code == 404, url
    refused = client.post(
        f"/assessments/{assessment.pk}/change/", {"action": "section_add", "title": "X"}
    )
    assert refused.status_code == 404
    assert assessment.sections.count() == 1


def test_a_co_teacher_of_the_tracker_reads_it_but_does_not_change_it(
    client: Client, world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    from masterly.trackers.models import TrackerCollaborator

    assessment = compose(tree.rp_a_1)
    client.force_login(world.teacher)
    client.post(
        f"/assessments/{assessment.pk}/assign/",
        {
            "tracker": tracker.pk,
            "sections": [world.section.pk],
            "opens_at": "2026-10-05T08:00",
            "closes_at": "2026-10-06T08:00",
            "attempts_allowed": 1,
        },
    )
    TrackerCollaborator.objects.create(tracker=tracker, teacher=world.other_teacher)
    client.force_login(world.other_teacher)

    page = client.get(f"/assessments/{assessment.pk}/").content.decode()
    refused = client.post(
        f"/assessments/{assessment.pk}/change/", {"action": "section_add", "title": "X"}
    )

    renamed = client.post(
        f"/assessments/{assessment.pk}/",
        {"settings-title": "Taken", "settings-kind": "common", "settings-scope": "own"},
    )

    assert "only its author changes it" in page and "Add a section" not in page
    assert refused.status_code == 403 and assessment.sections.count() == 1
    assert renamed.status_code == 403
    assert Assessment.objects.get(pk=assessment.pk).title == "Unit 1 test"


def test_students_and_parents_get_404(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    for user in (world.student, world.parent):
        client.force_login(user)
        for url in (
            "/assessments/",
            "/assessments/new/",
            f"/assessments/{assessment.pk}/",
            f"/assessments/{assessment.pk}/blueprint/",
            f"/assessments/{assessment.pk}/print/",
            f"/assessments/{assessment.pk}/test.pdf",
            f"/assessments/{assessment.pk}/assign/",
        ):
            assert client.get(url).status_code == 404, (user.username, url)


def test_assigning_from_the_page_and_the_trackers_list(
    client: Client, world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)
    client.force_login(world.teacher)
    form = {
        "tracker": tracker.pk,
        "sections": [world.section.pk],
        "opens_at": "2026-10-05T08:00",
        "closes_at": "2026-10-05T07:00",
        "attempts_allowed": 1,
        "time_limit_minutes": "",
    }

    bad = client.post(f"/assessments/{assessment.pk}/assign/", form)
    assert (
        bad.status_code == 400 and "The window must close after it opens." in bad.content.decode()
    )
    assert not Assignment.objects.exists()

    done = client.post(
        f"/assessments/{assessment.pk}/assign/", {**form, "closes_at": "2026-10-09T15:00"}
    )
    assignment = Assignment.objects.get()
    assert done["Location"] == f"/trackers/{tracker.pk}/assignments/{assignment.pk}/"
    assert assignment.opens_at.isoformat() == "2026-10-05T12:00:00+00:00"  # 8:00 in New York
    listed = client.get(f"/trackers/{tracker.pk}/assignments/").content.decode()
    assert assignment.test_id in listed and "0 / 1" in listed
    assert (
        f"/trackers/{tracker.pk}/assignments/"
        in client.get(f"/trackers/{tracker.pk}/").content.decode()
    )

    excused = client.post(
        f"/trackers/{tracker.pk}/assignments/{assignment.pk}/excuse/", {"student": world.student.pk}
    )
    assert excused.status_code == 302 and assignment.excusals.count() == 1


def test_a_teacher_cannot_assign_in_a_tracker_they_do_not_own(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    others = make_tracker(world.other_teacher, [world.other_section], [tree.rp_a_1])
    client.force_login(world.teacher)

    page = client.post(
        f"/assessments/{assessment.pk}/assign/",
        {
            "tracker": others.pk,
            "sections": [world.other_section.pk],
            "opens_at": "2026-10-05T08:00",
            "closes_at": "2026-10-06T08:00",
            "attempts_allowed": 1,
        },
    )

    assert "You own no tracker" in page.content.decode()
    assert not Assignment.objects.exists()
    assert client.get(f"/trackers/{others.pk}/assignments/").status_code == 404


def test_a_new_item_written_from_the_composer_is_added_and_the_teacher_comes_back(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    from tests.items.test_item_pages import MC_POST

    assessment = compose(tree.rp_a_1)
    client.force_login(world.teacher)
    assert (
        "added to your assessment"
        in client.get(f"/assessments/items/new/?for_assessment={assessment.pk}").content.decode()
    )

    saved = client.post("/assessments/items/new/", {**MC_POST, "for_assessment": assessment.pk})

    assert saved["Location"] == f"/assessments/{assessment.pk}/"
    newest = Item.objects.latest("pk")
    assert AssessmentItem.objects.filter(
        assessment=assessment, item_version=newest.current_id
    ).exists()
