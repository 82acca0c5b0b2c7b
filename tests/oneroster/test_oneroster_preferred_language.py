"""users.csv's ``metadata.preferredLanguage`` (a OneRoster extension column): a guardian's or a
student's language until they choose one; a re-import never overwrites their choice; a value
Masterly cannot use is ignored with a warning, and refuses nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from masterly.accounts.languages import preferred_language_set
from masterly.accounts.models import User
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.rows import PREFERRED_LANGUAGE
from masterly.integrations.oneroster.steps.languages import roster_language
from masterly.integrations.oneroster.summary import MAX_WARNINGS, ImportSummary
from masterly.reports import activation_letters
from masterly.roster.models import Org
from tests.oneroster.builders import RosterSet, district

pytestmark = pytest.mark.django_db


def with_languages(roster: RosterSet, **languages: str) -> RosterSet:
    """The column added to the right of the standard ones, as the binding asks."""
    header, rows = roster.files["users.csv"]
    if PREFERRED_LANGUAGE not in header:
        roster.files["users.csv"] = ([*header, PREFERRED_LANGUAGE], rows)
    for sourced_id, language in languages.items():
        roster.row("users.csv", sourced_id)[PREFERRED_LANGUAGE] = language
    return roster


def languages() -> dict[str, str]:
    people = User.objects.exclude(sourced_id=None)
    return dict(people.values_list("sourced_id", "preferred_language"))


@pytest.mark.parametrize("version", ["1.2", "1.1"])
def test_the_roster_gives_guardians_and_students_their_language(import_set, version):
    summary = import_set(with_languages(district(version), g1="es-MX", st1="es", g2="en-US"))

    assert summary.warnings == []
    assert languages() == {
        "t1": "",
        "st1": "es",
        "st2": "",
        "g1": "es",
        "g2": "en",
        "lead1": "",
        "adm1": "",
    }
    assert User.objects.get(sourced_id="g1").language_chosen_at is None


@pytest.mark.parametrize("version", ["1.2", "1.1"])
def test_a_language_for_staff_is_ignored_with_a_warning(import_set, version):
    summary = import_set(with_languages(district(version), t1="es", lead1="es", g1="es"))

    assert languages()["t1"] == languages()["lead1"] == ""
    assert languages()["g1"] == "es"
    lines = {w["line"] for w in summary.warnings}
    assert lines == {2, 7}  # t1 and lead1, lines 2 and 7 of users.csv
    for warning in summary.warnings:
        assert (warning["file"], warning["column"]) == ("users.csv", PREFERRED_LANGUAGE)
        assert "students and guardians only" in warning["message"]


def test_unsupported_and_malformed_languages_are_ignored_with_a_warning(import_set):
    roster = with_languages(district(), g1="fr-CA", g2="es_MX", st1="spanish!", st2="en")
    roster.row("users.csv", "g1")["familyName"] = "Adams-Ruiz"

    summary = import_set(roster)  # not refused

    assert languages()["g1"] == languages()["g2"] == languages()["st1"] == ""
    assert languages()["st2"] == "en"
    assert User.objects.get(sourced_id="g1").last_name == "Adams-Ruiz"  # the row is imported
    by_line = {w["line"]: w["message"] for w in summary.warnings}
    assert sorted(by_line) == [3, 5, 6]  # st1, g1, g2
    assert "Masterly does not speak “fr-CA” yet" in by_line[5]
    assert "English (en), Español (es)" in by_line[5]
    assert "“es_MX” is not a language tag" in by_line[6]
    assert "“spanish!” is not a language tag" in by_line[3]


def test_a_reimport_keeps_the_language_the_guardian_chose(import_set):
    import_set(with_languages(district(), g1="es"))
    preferred_language_set(user=User.objects.get(sourced_id="g1"), language="en")
    roster = with_languages(district(), g1="es-MX")
    roster.row("users.csv", "g1")["familyName"] = "Adams-Ruiz"

    summary = import_set(roster)

    gina = User.objects.get(sourced_id="g1")
    assert (gina.preferred_language, gina.last_name) == ("en", "Adams-Ruiz")
    assert summary.changes == 1


def test_choosing_the_rosters_own_language_is_a_choice_too(import_set):
    import_set(with_languages(district(), g1="es"))
    preferred_language_set(user=User.objects.get(sourced_id="g1"), language="es")

    import_set(with_languages(district(), g1="en"))

    assert languages()["g1"] == "es"


def test_people_who_did_not_choose_follow_the_roster(import_set):
    import_set(with_languages(district(), g1="es", g2="es"))

    summary = import_set(with_languages(district(), g1="en", g2="es"))

    assert (languages()["g1"], languages()["g2"]) == ("en", "es")
    assert summary.changes == 1  # g1 alone


def test_the_same_files_again_change_nothing(import_set):
    import_set(with_languages(district(), g1="es"))
    assert import_set(with_languages(district(), g1="es")).changes == 0
    # Files without the column leave the rows imported before it unchanged too.
    import_set(district())
    assert import_set(district()).changes == 0


def test_the_activation_letter_of_a_spanish_guardian_from_the_roster_is_in_spanish(import_set):
    import_set(with_languages(district(), g1="es-MX", g2="en"))
    gina, gao = User.objects.get(sourced_id="g1"), User.objects.get(sourced_id="g2")
    codes = {gina.pk: "AAAA-CCCC-EEEE", gao.pk: "FFFF-GGGG-HHHH"}

    html = activation_letters.letters_html(
        Org.objects.get(sourced_id="s1"), [gina, gao], codes, activate_url="https://x/activate/"
    )

    letters = html.split('<section class="letter"')[1:]
    spanish = next(letter for letter in letters if "AAAA-CCCC-EEEE" in letter)
    english = next(letter for letter in letters if "FFFF-GGGG-HHHH" in letter)
    assert "Su código de activación" in spanish and "Sam" in spanish
    assert "Your activation code" in english


def test_a_guardian_reads_the_rosters_language_once_signed_in(import_set, client):
    import_set(with_languages(district(), g1="es"))
    gina = User.objects.get(sourced_id="g1")
    client.force_login(gina)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.headers["Content-Language"] == "es"


def test_the_command_lists_what_it_ignored(tmp_path):
    path = with_languages(district(), g1="fr").write_zip(tmp_path / "rosters.zip")
    out = io.StringIO()

    call_command("import_oneroster", str(path), stdout=out, stderr=io.StringIO())

    assert (
        "  users.csv, line 5, column metadata.preferredLanguage: Masterly does not speak “fr” "
        "yet, so it was ignored" in out.getvalue()
    )


def test_the_run_page_lists_what_the_import_ignored(client, world):
    summary = ImportSummary(source="rosters.zip", version="1.2")
    message = roster_language("xx_YY")[1]
    for line in range(2, 2 + MAX_WARNINGS + 3):
        summary.warn("users.csv", message, line=line, column=PREFERRED_LANGUAGE)
    run = ImportRun.objects.create(
        filename="rosters.zip", status=ImportRun.Status.SUCCEEDED, summary=summary.as_dict()
    )
    client.force_login(world.admin)

    page = client.get(reverse("oneroster:run", args=[run.pk])).content.decode()

    assert "Read but ignored" in page
    assert "“xx_YY” is not a language tag" in page
    assert "<td>metadata.preferredLanguage</td>" in page
    assert page.count("is not a language tag") == MAX_WARNINGS
    assert "And 3 more like these." in page


def test_past_the_listed_warnings_the_others_are_counted(import_set):
    roster = with_languages(district())
    for n in range(MAX_WARNINGS + 3):
        sid = f"tx{n}"
        roster.add(
            "users.csv",
            sourcedId=sid,
            enabledUser="true",
            username=f"teacher{n}",
            givenName="Tea",
            familyName=f"Cher{n}",
            **{PREFERRED_LANGUAGE: "es"},
        )
        roster.add(
            "roles.csv",
            sourcedId=f"r-{sid}",
            userSourcedId=sid,
            roleType="primary",
            role="teacher",
            orgSourcedId="s1",
        )

    summary = import_set(roster)

    assert len(summary.warnings) == MAX_WARNINGS
    assert summary.warnings_left_off == 3
    assert not User.objects.filter(sourced_id__startswith="tx").exclude(preferred_language="")


def test_a_language_ignored_for_a_role_is_read_once_the_person_holds_one(import_set):
    """OneRoster 1.2: a teacher's language is ignored; once roles.csv also makes them a parent,
    the same users.csv row gives them their language (the row's fingerprint had counted the
    ignored language, so the unchanged row was skipped and the language never read), and an
    unchanged import after that writes nothing."""
    roster = with_languages(district("1.2"), t1="es")
    import_set(roster)
    assert languages()["t1"] == ""
    unchanged = import_set(roster)
    assert unchanged.entry("users.csv", "users.csv").counts.updated == 0
    roster.add(
        "roles.csv",
        sourcedId="r-t1-parent",
        userSourcedId="t1",
        roleType="secondary",
        role="parent",
        orgSourcedId="s1",
    )
    import_set(roster)
    assert languages()["t1"] == "es"
    assert import_set(roster).entry("users.csv", "users.csv").counts.updated == 0
