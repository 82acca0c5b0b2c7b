"""Leaders and district admins make activation letters (PDF) and send activation emails; nobody
else reaches them."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core import mail
from django.test import Client

from masterly.accounts.models import ActivationCode
from masterly.reports import activation_letters
from tests.conftest import World
from tests.factories import PASSWORD


def _as(client: Client, user) -> Client:
    client.force_login(user)
    return client


def _routes(world: World) -> list[tuple[str, str]]:
    school, parent = world.school.pk, world.parent.pk
    return [
        ("get", "/activation/letters/"),
        ("get", f"/activation/letters/{school}/"),
        ("post", f"/activation/letters/{school}/generate/"),
        ("post", f"/activation/letters/{school}/guardians/{parent}/letter/"),
        ("post", f"/activation/letters/{school}/guardians/{parent}/email/"),
    ]


@pytest.mark.parametrize("who", ["teacher", "parent", "student", "other_parent"])
def test_people_who_oversee_no_school_are_refused(client: Client, world: World, who: str) -> None:
    _as(client, getattr(world, who))
    for method, path in _routes(world):
        assert getattr(client, method)(path).status_code == 403, path
    assert not ActivationCode.objects.exists() and not mail.outbox


def test_another_schools_leader_is_refused(client: Client, world: World) -> None:
    _as(client, world.other_leader)
    for method, path in _routes(world)[1:]:
        assert getattr(client, method)(path).status_code == 404, path
    assert not ActivationCode.objects.exists() and not mail.outbox


def test_anonymous_people_are_sent_to_sign_in(client: Client, world: World) -> None:
    for method, path in _routes(world):
        response = getattr(client, method)(path)
        assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_guardian_of_another_school_is_not_reachable(client: Client, world: World) -> None:
    from tests import factories as f

    far_parent = f.UserFactory(username="far_parent")
    f.RoleAssignmentFactory(user=far_parent, role="guardian", org=world.school_b)
    f.GuardianLinkFactory(guardian=far_parent, student=world.school_b_student)
    _as(client, world.leader)
    path = f"/activation/letters/{world.school.pk}/guardians/{far_parent.pk}/letter/"
    assert client.post(path).status_code == 404


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_overseers_see_their_schools_guardians(
    client: Client, world: World, who: str, django_assert_max_num_queries
) -> None:
    _as(client, getattr(world, who))
    assert "Adams Middle" in client.get("/activation/letters/").content.decode()
    with django_assert_max_num_queries(12):
        page = client.get(f"/activation/letters/{world.school.pk}/").content.decode()
    assert world.parent.sort_name in page and world.student.first_name in page
    assert world.other_parent.sort_name in page
    assert "Not activated" in page


def test_the_guardian_list_costs_the_same_for_many_guardians(
    client: Client, world: World, django_assert_max_num_queries
) -> None:
    from tests import factories as f

    for n in range(30):
        guardian = f.UserFactory(username=f"many{n}")
        f.RoleAssignmentFactory(user=guardian, role="guardian", org=world.school)
        f.GuardianLinkFactory(guardian=guardian, student=world.student)
    _as(client, world.leader)
    with django_assert_max_num_queries(12):
        assert client.get(f"/activation/letters/{world.school.pk}/").status_code == 200


def test_one_guardians_letter_is_a_pdf_with_a_new_code(client: Client, world: World) -> None:
    _as(client, world.leader)
    path = f"/activation/letters/{world.school.pk}/guardians/{world.parent.pk}/letter/"
    first = client.post(path)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    client.post(path)
    codes = ActivationCode.objects.filter(guardian=world.parent).order_by("pk")
    assert [c.revoked_at is not None for c in codes] == [True, False]


def test_letters_speak_the_guardians_language(world: World) -> None:
    world.other_parent.preferred_language = "es"
    world.other_parent.save(update_fields=["preferred_language"])
    codes = {world.parent.pk: "AAAA-CCCC-EEEE", world.other_parent.pk: "FFFF-GGGG-HHHH"}
    html = activation_letters.letters_html(
        world.school, [world.parent, world.other_parent], codes, activate_url="https://x/activate/"
    )
    english, spanish = html.split('<section class="letter"')[1:]
    assert "Your activation code" in english and "AAAA-CCCC-EEEE" in english
    assert "Su código de activación" in spanish and "FFFF-GGGG-HHHH" in spanish
    assert world.student.first_name in english and world.other_student.first_name in spanish
    assert "Adams Middle" in english and "https://x/activate/" in spanish


def test_a_schools_letters_are_made_in_the_background(client: Client, world: World) -> None:
    _as(client, world.leader)
    response = client.post(f"/activation/letters/{world.school.pk}/generate/", {"who": "all"})
    run_id = response.url.rstrip("/").split("/")[-1]
    assert "being made" in client.get(response.url).content.decode()
    activation_letters.activation_letters_make.call(run_id, False, "https://x/activate/")
    assert "2 letters are ready" in client.get(response.url).content.decode()
    download = client.get(f"/activation/letters/runs/{run_id}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    (name,) = archive.namelist()
    assert name == "letters-0001-0002.pdf" and archive.read(name).startswith(b"%PDF")
    assert ActivationCode.objects.filter(revoked_at__isnull=True).count() == 2
    other = _as(Client(), world.admin)  # only who started the run sees it
    assert other.get(response.url).status_code == 404
    assert other.get(f"/activation/letters/runs/{run_id}/download/").status_code == 404


def test_only_guardians_not_yet_activated_get_letters(client: Client, world: World) -> None:
    from django.utils import timezone

    world.parent.sign_in_chosen_at = timezone.now()
    world.parent.save(update_fields=["sign_in_chosen_at"])
    _as(client, world.leader)
    response = client.post(f"/activation/letters/{world.school.pk}/generate/")
    run_id = response.url.rstrip("/").split("/")[-1]
    activation_letters.activation_letters_make.call(run_id, True, "https://x/activate/")
    assert list(ActivationCode.objects.values_list("guardian", flat=True)) == [
        world.other_parent.pk
    ]


def test_an_activation_email_leads_to_activation(client: Client, world: World) -> None:
    _as(client, world.leader)
    client.post(f"/activation/letters/{world.school.pk}/guardians/{world.parent.pk}/email/")
    (message,) = mail.outbox
    assert message.to == [world.parent.email] and world.student.first_name in message.body
    link = next(line for line in message.body.splitlines() if "/activate/email/" in line)
    guardian = Client()
    assert guardian.get(link.split("testserver", 1)[1]).url == "/activate/sign-in/"
    response = guardian.post(
        "/activate/sign-in/",
        {"email": world.parent.email, "password1": PASSWORD + "-x9", "password2": PASSWORD + "-x9"},
    )
    assert response.url == "/family/"
    assert world.parent.emailaddress_set.get().verified  # the link proved the address
    assert guardian.get(link.split("testserver", 1)[1]).status_code == 400  # used up


def test_a_forged_email_link_is_refused(client: Client, db: None) -> None:
    response = client.get("/activate/email/not-a-signed-token/")
    assert response.status_code == 400 and "not valid or has expired" in response.content.decode()


def test_the_letters_pdf_has_one_page_per_guardian(world: World) -> None:
    """Also written to /tmp/masterly-shots/ for people to look at (pdftoppm)."""
    from pathlib import Path

    from weasyprint import HTML

    from masterly.reports.pdf_fetcher import ORIGIN, MasterlyFetcher

    world.other_parent.preferred_language = "es"
    world.other_parent.save(update_fields=["preferred_language"])
    guardians = [world.parent, world.other_parent]
    pdf = activation_letters.letters_pdf(
        world.school, guardians, created_by=world.leader, activate_url="https://m.example/activate/"
    )
    shots = Path("/tmp/masterly-shots")  # noqa: S108 - outside the repository on purpose
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "activation-letters.pdf").write_bytes(pdf)
    codes = {guardian.pk: "AAAA-CCCC-EEEE" for guardian in guardians}
    html = activation_letters.letters_html(
        world.school, guardians, codes, activate_url="https://m.example/activate/"
    )
    document = HTML(
        string=html, base_url=ORIGIN + "/", url_fetcher=MasterlyFetcher(item_image=None)
    )
    assert len(document.render().pages) == 2


@pytest.mark.parametrize(("who", "home"), [("leader", "/leader/"), ("admin", "/district/")])
def test_overseers_home_pages_lead_to_the_letters(
    client: Client, world: World, who: str, home: str
) -> None:
    _as(client, getattr(world, who))
    assert "/activation/letters/" in client.get(home).content.decode()
