"""Collaborators (the More button): the owner finds a teacher of the district and adds them;
the collaborator sees the tracker, its grid and its students (through the access layer) but
changes none of its settings; removing them takes it all away. Someone who is not an active
teacher of the district cannot be added, even by a forged post. An archived tracker's
settings are read-only."""

from __future__ import annotations

import html
import re

from django.http import HttpResponse
from django.urls import reverse

from masterly.accounts.models import User
from masterly.core.models import AuditEvent
from masterly.roster import access
from masterly.roster.models import Org, Role, RoleAssignment, Section
from masterly.trackers.models import RecomputeRun, Tracker, TrackerCollaborator
from masterly.trackers.services import sharing
from tests import factories as f
from tests.tracker_pages.conftest import Pages, rename, text, url

SETTINGS_PAGES = ("tracker_students", "tracker_standards", "tracker_tools", "tracker_settings")
ALL_PAGES = (*SETTINGS_PAGES, "tracker_more")

# A post each page would accept from its owner, changing something.
POSTS: dict[str, list[dict[str, object]]] = {
    "tracker_students": [{"action": "save"}, {"action": "default", "confirm": "yes"}],
    "tracker_standards": [
        {"action": "save"},
        {"action": "add", "code": "6.RP.A.1"},
        {"action": "default", "confirm": "yes"},
    ],
    "tracker_tools": [{"action": "save"}, {"action": "default", "confirm": "yes"}],
    "tracker_settings": [
        {
            "action": "save",
            "levels": "3",
            "cut_mastery": "80",
            "cut_near": "50",
            "method": "highest",
            "decay": "0.65",
            "weight": "0.65",
            "n_mastery": "3",
            "portal_scores": "never",
            "portal_assessments": "always",
            "portal_answer_key": "never",
            "portal_item_analysis": "never",
        },
        {"action": "default", "confirm": "yes"},
    ],
}


def found_names(response: HttpResponse) -> list[str]:
    """The names in the "Teachers found" list of the More page (none: empty)."""
    match = re.search(r'aria-label="Teachers found">(.*?)</ul>', response.content.decode(), re.S)
    if match is None:
        return []
    return [html.unescape(name) for name in re.findall(r"<span>([^<]+?) <span", match.group(1))]


def collaborate(pages: Pages, teacher: User | None = None) -> User:
    teacher = teacher or pages.world.other_teacher
    sharing.collaborator_add(actor=pages.world.teacher, tracker=pages.tracker, teacher=teacher)
    return teacher


def state(pages: Pages) -> tuple[object, ...]:
    """What the settings forms and the More page change, to compare before and after."""
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    return (
        AuditEvent.objects.count(),
        sorted(TrackerCollaborator.objects.values_list("tracker_id", "teacher_id")),
        tracker.settings_version,
        tracker.method,
        tracker.portal_scores,
        RecomputeRun.objects.filter(tracker=tracker).count(),
        list(tracker.tracker_standards.values_list("standard_id", "is_hidden")),
    )


def teacher_elsewhere(username: str = "far_teacher") -> User:
    """A teacher of another district."""
    district = f.OrgFactory(sourced_id="district-2", name="Far District", type=Org.Type.DISTRICT)
    school = f.OrgFactory(sourced_id="far-school", name="Far Middle", parent=district)
    teacher = f.UserFactory(username=username)
    f.RoleAssignmentFactory(user=teacher, role=Role.TEACHER, org=school)
    return teacher


# ------------------------------------------------------------------ finding a teacher


def test_the_owner_finds_a_teacher_of_the_district_by_name_or_email(pages: Pages) -> None:
    world = pages.world
    rename(world.other_teacher, "Olive", "Okafor")
    school_b_teacher = rename(User.objects.get(username="school_b_teacher"), "Omar", "Okafor")
    rename(teacher_elsewhere(), "Oscar", "Okafor")  # another district
    rename(world.leader, "Lena", "Okafor")  # not a teacher
    rename(world.parent, "Pia", "Okafor")  # not a teacher
    rename(world.student, "Sami", "Okafor")  # not a teacher
    client = pages.client("teacher")
    more = url("tracker_more", pages)
    response = client.get(more + "?q=okafor")
    assert response.status_code == 200
    assert found_names(response) == ["Olive Okafor", "Omar Okafor"]
    assert school_b_teacher.email in text(response)
    response = client.get(more + "?q=Olive+OKAFOR")
    assert found_names(response) == ["Olive Okafor"]
    response = client.get(more + "?q=other_teacher@example.org")
    assert found_names(response) == ["Olive Okafor"]
    for missing in ("Oscar", "far_teacher@example.org", "Lena", "Pia", "Sami", "nobody"):
        response = client.get(more + f"?q={missing}")
        assert found_names(response) == [], missing
        assert "No teacher of your district matches" in text(response), missing


def test_the_search_leaves_out_the_owner_and_current_collaborators(pages: Pages) -> None:
    world = pages.world
    rename(world.teacher, "Tess", "Teague")
    rename(world.other_teacher, "Theo", "Teague")
    client = pages.client("teacher")
    assert found_names(client.get(url("tracker_more", pages) + "?q=teague")) == ["Theo Teague"]
    collaborate(pages)
    response = client.get(url("tracker_more", pages) + "?q=teague")
    assert found_names(response) == []


# ------------------------------------------------------------------ adding and removing


def test_a_collaborator_sees_the_tracker_its_grid_and_its_students(pages: Pages) -> None:
    world = pages.world
    collaborator = rename(world.other_teacher, "Olive", "Okafor")
    rename(world.student, "Ada", "Adams")
    assert not access.visible_students(collaborator).filter(pk=world.student.pk).exists()
    assert pages.client("other_teacher").get(url("tracker_grid", pages)).status_code == 404
    client = pages.client("teacher")
    response = client.post(
        url("tracker_more", pages), {"action": "add", "teacher": collaborator.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker_more", pages)
    row = TrackerCollaborator.objects.get(tracker=pages.tracker)
    assert (row.teacher, row.added_by) == (collaborator, world.teacher)
    assert AuditEvent.objects.filter(action="tracker.collaborator_added").count() == 1
    more = text(client.get(url("tracker_more", pages)))
    assert "Olive Okafor can now see this tracker and enter scores." in more
    assert re.search(r'class="collaborator-list">\s*<li>\s*<span>Olive Okafor', more)

    assert access.visible_students(collaborator).filter(pk=world.student.pk).exists()
    # The class stays its teacher's: a collaborator scores its students, does not teach it.
    assert not access.visible_sections(collaborator).filter(pk=world.section.pk).exists()
    as_collaborator = pages.client("other_teacher")
    trackers = as_collaborator.get(reverse("tracker_list"))
    assert trackers.status_code == 200
    assert f'href="{url("tracker_grid", pages)}">Period 1 math</a>' in text(trackers)
    grid = as_collaborator.get(url("tracker_grid", pages))
    assert grid.status_code == 200
    assert re.findall(r'class="grid-student">(.*?)<', text(grid)) == ["Adams, Ada"]


def test_a_collaborator_changes_no_setting_and_sees_only_more(pages: Pages) -> None:
    collaborate(pages)
    before = state(pages)
    client = pages.client("other_teacher")
    grid = client.get(url("tracker_grid", pages)).content.decode()
    for name in SETTINGS_PAGES:
        assert f'href="{url(name, pages)}"' not in grid, name
    assert f'href="{url("tracker_more", pages)}"' in grid
    for name, posts in POSTS.items():
        for data in posts:
            assert client.post(url(name, pages), data).status_code == 403, (name, data)
    for action in ("add", "remove"):
        response = client.post(
            url("tracker_more", pages), {"action": action, "teacher": pages.world.other_teacher.pk}
        )
        assert response.status_code == 403, action
    assert state(pages) == before
    for name in ALL_PAGES:  # they may look: read-only
        response = client.get(url(name, pages))
        assert response.status_code == 200, name
        page = text(response)
        assert "Only the tracker's owner changes its settings; you can see them here." in page
        assert 'value="save"' not in page and 'value="default"' not in page, name
        assert f'href="{url("tracker_students", pages)}"' not in page, name
    assert 'name="q"' not in text(client.get(url("tracker_more", pages)))  # no search


def test_a_teacher_who_does_not_collaborate_finds_no_such_tracker(pages: Pages) -> None:
    collaborate(pages, User.objects.get(username="school_b_teacher"))
    before = state(pages)
    client = pages.client("other_teacher")
    assert client.get(url("tracker_grid", pages)).status_code == 404
    for name in ALL_PAGES:
        assert client.get(url(name, pages)).status_code == 404, name
    for name, posts in POSTS.items():
        for data in posts:
            assert client.post(url(name, pages), data).status_code == 404, (name, data)
    assert "Period 1 math" not in text(client.get(reverse("tracker_list")))
    assert state(pages) == before


def test_removing_a_collaborator_takes_the_access_away(pages: Pages) -> None:
    world = pages.world
    collaborator = collaborate(pages, rename(world.other_teacher, "Olive", "Okafor"))
    client = pages.client("teacher")
    response = client.post(
        url("tracker_more", pages), {"action": "remove", "teacher": collaborator.pk}
    )
    assert response.status_code == 302
    assert not TrackerCollaborator.objects.filter(tracker=pages.tracker).exists()
    assert AuditEvent.objects.filter(action="tracker.collaborator_removed").count() == 1
    more = text(client.get(url("tracker_more", pages)))
    assert "Olive Okafor no longer collaborates on this tracker." in more
    assert "No collaborators yet." in more
    assert not access.visible_students(collaborator).filter(pk=world.student.pk).exists()
    assert not access.visible_sections(collaborator).filter(pk=world.section.pk).exists()
    assert access.visible_students(collaborator).filter(pk=world.other_student.pk).exists()
    former = pages.client("other_teacher")
    assert former.get(url("tracker_grid", pages)).status_code == 404
    assert "Period 1 math" not in text(former.get(reverse("tracker_list")))
    # Removing them again says so and changes nothing.
    before = state(pages)
    response = client.post(
        url("tracker_more", pages), {"action": "remove", "teacher": collaborator.pk}
    )
    assert response.status_code == 400
    assert "Olive Okafor does not collaborate on this tracker." in text(response)
    assert state(pages) == before


def test_adding_the_owner_or_a_collaborator_again_is_refused(pages: Pages) -> None:
    world = pages.world
    collaborate(pages, rename(world.other_teacher, "Olive", "Okafor"))
    before = state(pages)
    client = pages.client("teacher")
    for teacher, message in (
        (world.teacher, "The owner already has the tracker."),
        (world.other_teacher, "Olive Okafor already collaborates on this tracker."),
    ):
        response = client.post(url("tracker_more", pages), {"action": "add", "teacher": teacher.pk})
        assert response.status_code == 400, message
        page = text(response)
        assert "Nothing was saved." in page
        assert message in page
    assert state(pages) == before
    assert TrackerCollaborator.objects.filter(tracker=pages.tracker).count() == 1


def test_a_forged_post_cannot_add_someone_who_is_not_an_active_teacher_here(
    pages: Pages,
) -> None:
    world = pages.world
    gone = f.UserFactory(username="gone_teacher", is_active=False)
    f.RoleAssignmentFactory(user=gone, role=Role.TEACHER, org=world.school)
    retired = f.UserFactory(username="retired_teacher")
    f.RoleAssignmentFactory(user=retired, role=Role.TEACHER, org=world.school, is_active=False)
    outsiders = [
        world.student,
        world.parent,
        world.leader,
        world.admin,
        teacher_elsewhere(),
        gone,
        retired,
    ]
    before = state(pages)
    client = pages.client("teacher")
    for outsider in outsiders:
        response = client.post(
            url("tracker_more", pages), {"action": "add", "teacher": outsider.pk}
        )
        assert response.status_code == 400, outsider.username
        assert f"{outsider} is not an active teacher in this tracker's district." in text(
            response
        ), outsider.username
    for teacher in ("999999", "someone", ""):
        response = client.post(url("tracker_more", pages), {"action": "add", "teacher": teacher})
        assert response.status_code == 400, teacher
        assert "That teacher was not found; search again." in text(response)
    assert state(pages) == before
    assert not TrackerCollaborator.objects.exists()


def test_a_collaborator_whose_teacher_role_ended_sees_no_student(pages: Pages) -> None:
    world = pages.world
    collaborator = collaborate(pages)
    RoleAssignment.objects.filter(user=collaborator, role=Role.TEACHER).update(is_active=False)
    assert not access.visible_students(collaborator).filter(pk=world.other_student.pk).exists()
    assert not access.visible_sections(collaborator).filter(pk=world.section.pk).exists()
    assert not access.visible_students(collaborator).filter(pk=world.student.pk).exists()


def test_a_collaborator_sees_no_student_of_a_class_that_ended(pages: Pages) -> None:
    """The students of a tracker are those of its active classes, for collaborators too
    (as for its grid and its rollups: one definition, ``trackers.membership``)."""
    world = pages.world
    collaborator = collaborate(pages)
    assert access.visible_students(collaborator).filter(pk=world.student.pk).exists()
    Section.objects.filter(pk=world.section.pk).update(is_active=False)
    assert not access.visible_students(collaborator).filter(pk=world.student.pk).exists()


def test_a_collaborator_cannot_build_a_tracker_on_the_owners_class(pages: Pages) -> None:
    world = pages.world
    Section.objects.filter(pk=world.section.pk).update(ends_on=None)  # current whatever the date
    collaborate(pages)
    client = pages.client("other_teacher")
    response = client.get(reverse("tracker_create"))
    assert response.status_code == 200
    assert f'name="sections" value="{world.section.pk}"' not in response.content.decode()
    response = client.post(
        reverse("tracker_create"),
        {
            "name": "My copy",
            "sections": [world.section.pk],
            "curriculum_map": pages.curriculum_map.pk,
        },
    )
    assert response.status_code == 400
    assert not Tracker.objects.filter(owner=world.other_teacher).exists()


# ------------------------------------------------------------------ archived


def test_an_archived_trackers_settings_are_read_only(pages: Pages) -> None:
    collaborate(pages, rename(pages.world.other_teacher, "Olive", "Okafor"))
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True)
    before = state(pages)
    client = pages.client("teacher")
    for name in ALL_PAGES:
        response = client.get(url(name, pages))
        assert response.status_code == 200, name
        page = text(response)
        assert "This tracker is archived: its settings are read-only." in page, name
        assert 'value="save"' not in page and 'value="default"' not in page, name
        assert 'value="add"' not in page and 'value="remove"' not in page, name
    assert "Olive Okafor" in text(client.get(url("tracker_more", pages)))
    assert "<fieldset disabled>" in text(client.get(url("tracker_settings", pages)))
    for name, posts in POSTS.items():
        for data in posts:
            assert client.post(url(name, pages), data).status_code == 403, (name, data)
    for action, teacher in (("remove", pages.world.other_teacher), ("add", pages.world.teacher)):
        response = client.post(
            url("tracker_more", pages), {"action": action, "teacher": teacher.pk}
        )
        assert response.status_code == 403, action
    assert state(pages) == before
    grid = client.get(url("tracker_grid", pages)).content.decode()
    for name in SETTINGS_PAGES:
        assert f'href="{url(name, pages)}"' not in grid, name
