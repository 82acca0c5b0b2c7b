"""A leader or district admin emails every guardian of a school who has an email address and
has not activated: the count first, then, once confirmed, in the background, each email in the
guardian's language, with a summary of what was sent and skipped. Nobody else reaches it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from masterly.accounts.models import ActivationCode
from masterly.core.models import AuditEvent
from masterly.reports.activation_emails import activation_emails_send
from tests.conftest import World

SITE = "http://testserver"


def _as(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _page(world: World) -> str:
    return f"/activation/letters/{world.school.pk}/emails/"


def _send(client: Client, world: World) -> str:
    """Confirm, run the queued task as the worker does, and return the run's page."""
    response = client.post(_page(world), {"confirm": "send"})
    assert response.status_code == 302
    run_id = response.url.rstrip("/").split("/")[-1]
    assert "being sent" in client.get(response.url).content.decode()
    activation_emails_send.call(run_id, SITE)
    return response.url


@pytest.fixture
def guardians(world: World) -> World:
    """``parent`` (English) and ``other_parent`` (Spanish) have addresses and have not
    activated; ``no_email`` has none; ``activated`` has chosen a sign-in."""
    from tests import factories as f

    world.other_parent.preferred_language = "es"
    world.other_parent.save(update_fields=["preferred_language"])
    for name, email, chosen in (("no_email", "", None), ("activated", "a@x.org", timezone.now())):
        guardian = f.UserFactory(username=name, email=email, sign_in_chosen_at=chosen)
        f.RoleAssignmentFactory(user=guardian, role="guardian", org=world.school)
        f.GuardianLinkFactory(guardian=guardian, student=world.student)
    return world


@pytest.mark.parametrize("who", ["leader", "admin"])
def test_the_count_comes_first_then_each_guardian_gets_one_email_in_their_language(
    guardians: World, who: str
) -> None:
    world = guardians
    client = _as(getattr(world, who))
    page = client.get(_page(world)).content.decode()
    assert "2 guardians will get an email." in page
    assert "1 guardian who has not activated has no email address" in page
    assert "Send 2 emails" in page
    assert not mail.outbox and not ActivationCode.objects.exists()  # nothing before confirming

    summary = client.get(_send(client, world)).content.decode()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([world.parent.email, world.other_parent.email])
    english, spanish = by_address[world.parent.email], by_address[world.other_parent.email]
    assert english.subject == "Activate your Masterly parent account (Adams Middle)"
    assert spanish.subject == "Active su cuenta de padre o tutor en Masterly (Adams Middle)"
    assert world.student.first_name in english.body
    assert world.other_student.first_name in spanish.body
    assert "/activate/email/" in english.body and "/activate/email/" in spanish.body
    # A fresh code each, none for the guardian without an address nor the activated one.
    issued = ActivationCode.objects.filter(revoked_at__isnull=True)
    assert sorted(issued.values_list("guardian", flat=True)) == sorted(
        [world.parent.pk, world.other_parent.pk]
    )
    assert "Finished." in summary
    assert "Sent</th><td>2</td>" in summary
    assert "meanwhile)</th><td>1</td>" in summary  # skipped: no address
    assert AuditEvent.objects.filter(action="activation_emails.send").count() == 1


def test_the_emails_link_activates(guardians: World) -> None:
    world = guardians
    _send(_as(world.leader), world)
    message = next(m for m in mail.outbox if m.to == [world.parent.email])
    link = next(line for line in message.body.splitlines() if "/activate/email/" in line)
    assert Client().get(link.removeprefix(SITE)).url == "/activate/sign-in/"


def test_sending_without_confirming_sends_nothing(guardians: World) -> None:
    client = _as(guardians.leader)
    response = client.post(_page(guardians), follow=True)
    assert "Nothing was sent" in response.content.decode()
    assert not mail.outbox and not ActivationCode.objects.exists()
    assert not AuditEvent.objects.filter(action="activation_emails.send").exists()


def test_with_nobody_to_email_there_is_no_button_and_nothing_is_sent(world: World) -> None:
    for guardian in (world.parent, world.other_parent):
        guardian.sign_in_chosen_at = timezone.now()
        guardian.save(update_fields=["sign_in_chosen_at"])
    client = _as(world.leader)
    page = client.get(_page(world)).content.decode()
    assert "There is nobody to email." in page and 'value="send"' not in page
    client.post(_page(world), {"confirm": "send"})
    assert not mail.outbox and not ActivationCode.objects.exists()


def test_a_guardian_who_activates_meanwhile_is_skipped(guardians: World) -> None:
    world = guardians
    client = _as(world.leader)
    response = client.post(_page(world), {"confirm": "send"})
    world.parent.sign_in_chosen_at = timezone.now()  # activates before the worker runs...
    world.parent.save(update_fields=["sign_in_chosen_at"])
    run_id = response.url.rstrip("/").split("/")[-1]
    activation_emails_send.call(run_id, SITE)
    assert [m.to for m in mail.outbox] == [[world.other_parent.email]]  # ...so gets nothing


def test_an_address_the_mail_server_refuses_is_counted_and_the_others_go(
    guardians: World, settings: object
) -> None:
    settings.EMAIL_BACKEND = "tests.activation.refusing_mail.RefusingEmailBackend"  # type: ignore[attr-defined]
    world = guardians
    world.parent.email = "parent@refused.example"
    world.parent.save(update_fields=["email"])
    client = _as(world.leader)
    summary = client.get(_send(client, world)).content.decode().replace("\n", "")
    assert [m.to for m in mail.outbox] == [[world.other_parent.email]]
    assert "Sent</th><td>1</td>" in summary
    assert "Refused by the mail server</th><td>1</td>" in summary
    # Their earlier code was replaced, so the page names them for a new letter.
    assert "Not reached</h2>" in summary and f"<li>{world.parent.display_name}</li>" in summary
    assert world.other_parent.display_name not in summary.split("Not reached")[1]


def test_two_guardians_sharing_a_refused_address_are_both_named(
    guardians: World, settings: object
) -> None:
    """A family's one address on both parents' records: each email is refused, and the page
    names each parent once (not one of them twice), so each gets a new letter."""
    settings.EMAIL_BACKEND = "tests.activation.refusing_mail.RefusingEmailBackend"  # type: ignore[attr-defined]
    world = guardians
    for guardian in (world.parent, world.other_parent):
        guardian.email = "family@refused.example"
        guardian.save(update_fields=["email"])
    client = _as(world.leader)
    summary = client.get(_send(client, world)).content.decode().replace("\n", "")
    assert "Refused by the mail server</th><td>2</td>" in summary
    named = summary.split("Not reached")[1]
    for guardian in (world.parent, world.other_parent):
        assert named.count(f"<li>{guardian.display_name}</li>") == 1


@pytest.mark.parametrize("who", ["teacher", "parent", "student"])
def test_people_who_oversee_no_school_are_refused(guardians: World, who: str) -> None:
    client = _as(getattr(guardians, who))
    assert client.get(_page(guardians)).status_code == 403
    assert client.post(_page(guardians), {"confirm": "send"}).status_code == 403
    assert not mail.outbox and not ActivationCode.objects.exists()


def test_another_schools_leader_is_refused(guardians: World) -> None:
    client = _as(guardians.other_leader)
    assert client.get(_page(guardians)).status_code == 404
    assert client.post(_page(guardians), {"confirm": "send"}).status_code == 404
    assert not mail.outbox and not ActivationCode.objects.exists()


def test_only_who_started_a_run_sees_it(guardians: World) -> None:
    url = _send(_as(guardians.leader), guardians)
    assert _as(guardians.admin).get(url).status_code == 404
    assert Client().get(url).status_code == 302  # anonymous: to sign in


def test_the_count_costs_the_same_for_many_guardians(guardians: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    client = _as(guardians.leader)
    client.get(_page(guardians))  # the session read once
    with CaptureQueriesContext(connection) as few:
        client.get(_page(guardians))
    for n in range(30):
        guardian = f.UserFactory(username=f"many{n}")
        f.RoleAssignmentFactory(user=guardian, role="guardian", org=guardians.school)
        f.GuardianLinkFactory(guardian=guardian, student=guardians.student)
    with CaptureQueriesContext(connection) as many:
        page = client.get(_page(guardians)).content.decode()
    assert "32 guardians will get an email." in page
    assert len(many) == len(few) <= 10


def test_an_unreachable_mail_server_ends_the_run_saying_so(
    guardians: World, settings: object
) -> None:
    settings.EMAIL_BACKEND = "tests.activation.refusing_mail.UnreachableEmailBackend"  # type: ignore[attr-defined]
    client = _as(guardians.leader)
    page = client.get(_send(client, guardians)).content.decode()
    assert "The mail server could not be reached" in page
    assert "0 sent before it failed" in page
    assert not mail.outbox


def test_a_server_that_fails_mid_run_names_everyone_whose_email_did_not_go(
    guardians: World, settings: object
) -> None:
    settings.EMAIL_BACKEND = "tests.activation.refusing_mail.FailingAfterOneEmailBackend"  # type: ignore[attr-defined]
    client = _as(guardians.leader)
    page = client.get(_send(client, guardians)).content.decode()
    assert "1 sent before it failed" in page
    (went,) = mail.outbox
    (missed,) = [g for g in (guardians.parent, guardians.other_parent) if g.email not in went.to]
    assert f"<li>{missed.display_name}</li>" in page


def test_a_second_send_while_the_first_runs_sends_nothing_more(guardians: World) -> None:
    client = _as(guardians.leader)
    first = client.post(_page(guardians), {"confirm": "send"})  # queued, not yet run
    codes = ActivationCode.objects.count()
    second = client.post(_page(guardians), {"confirm": "send"}, follow=True)
    assert "being sent already; nothing more was sent" in second.content.decode()
    assert ActivationCode.objects.count() == codes
    assert AuditEvent.objects.filter(action="activation_emails.send").count() == 1
    activation_emails_send.call(first.url.rstrip("/").split("/")[-1], SITE)
    assert len(mail.outbox) == 2  # once each
    again = client.post(_page(guardians), {"confirm": "send"})  # the first has finished
    assert "/letters/runs/" in again.url and again.url != first.url
    activation_emails_send.call(again.url.rstrip("/").split("/")[-1], SITE)  # and it ends


def _run_id(response: object) -> str:
    return response.url.rstrip("/").split("/")[-1]  # type: ignore[attr-defined]


def test_a_send_whose_worker_was_killed_gives_way_to_a_new_one(
    guardians: World, settings: object
) -> None:
    """The school's lock lasts as long as a run's page; a run that fell silent (its worker was
    killed) must not hold it for weeks. The new send takes over and the old one, should its
    worker come back, stops before sending anything more."""
    client = _as(guardians.leader)
    first = client.post(_page(guardians), {"confirm": "send"})  # queued; its worker dies
    settings.WORKER_DEAD_AFTER = 0  # type: ignore[attr-defined]  # silent long enough
    second = client.post(_page(guardians), {"confirm": "send"})
    assert "/letters/runs/" in second.url and second.url != first.url
    assert AuditEvent.objects.filter(action="activation_emails.send").count() == 2

    activation_emails_send.call(_run_id(first), SITE)
    assert mail.outbox == []
    assert "emails took over (0 sent by this one)" in (client.get(first.url).content.decode())
    activation_emails_send.call(_run_id(second), SITE)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [guardians.parent.email, guardians.other_parent.email]
    )  # once each
    settings.WORKER_DEAD_AFTER = 300  # type: ignore[attr-defined]
    third = client.post(_page(guardians), {"confirm": "send"})  # the second let go when done
    assert "/letters/runs/" in third.url


def test_an_unexpected_error_fails_the_run_and_frees_the_school(
    guardians: World, settings: object
) -> None:
    settings.EMAIL_BACKEND = "tests.activation.refusing_mail.BrokenEmailBackend"  # type: ignore[attr-defined]
    client = _as(guardians.leader)
    first = client.post(_page(guardians), {"confirm": "send"})
    with pytest.raises(RuntimeError):
        activation_emails_send.call(_run_id(first), SITE)
    page = client.get(first.url).content.decode()
    assert "Sending stopped on an unexpected error: 0 sent before it stopped." in page
    again = client.post(_page(guardians), {"confirm": "send"})  # not refused as "being sent"
    assert "/letters/runs/" in again.url and again.url != first.url
