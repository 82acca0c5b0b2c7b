"""The bank's pages as a teacher uses them, without JavaScript."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masterly.assessments.items import services
from masterly.assessments.items.models import AssessmentItem, Item, ItemImage, ItemVersion, Scope
from masterly.assessments.models import Assessment
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice

MC_POST = {
    "interaction": "multiple_choice",
    "dok": "2",
    "scope": "school",
    "stem": "Which is equal to \\(\\frac{3}{4}\\)?",
    "standard_count": "1",
    "standard_0_code": "6.RP.A.3",
    "standard_0_points": "2",
    "choice_count": "3",
    "choice_0_content": "0.75",
    "choice_0_correct": "on",
    "choice_1_content": "0.34",
    "choice_1_rationale": "Read the digits as a decimal.",
    "choice_1_dropped": "on",
    "choice_2_content": "1.33",
    "criterion_count": "0",
    "save": "1",
}


def test_the_bank_lists_filters_and_says_when_nothing_matches(
    client: Client, world: World, tree: Tree
) -> None:
    services.item_create(
        actor=world.teacher,
        draft=multiple_choice(tree.rp_a_1, stem="Ratio of cats"),
        scope=Scope.SCHOOL,
    )
    client.force_login(world.other_teacher)

    listed = client.get("/assessments/items/").content.decode()
    by_domain = client.get("/assessments/items/", {"standard": "6.RP"}).content.decode()
    none = client.get("/assessments/items/", {"standard": "6.NS"}).content.decode()
    unknown = client.get("/assessments/items/", {"standard": "9.ZZ.Q"}).content.decode()

    assert "Ratio of cats" in listed and "1 item found" in listed
    assert "Ratio of cats" in by_domain
    assert "No item matches" in none
    assert "No single standard has the code 9.ZZ.Q." in unknown


def test_the_bank_page_takes_the_same_queries_for_one_item_or_a_full_page(
    client: Client, world: World, tree: Tree
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/assessments/items/", {"standard": "6.RP"}).status_code == 200
        return len(captured)

    client.force_login(world.teacher)
    services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    small = queries()
    for n in range(24):
        services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_3, stem=f"Q {n}"))
    assert queries() == small
    full = client.get("/assessments/items/", {"standard": "6.RP"}).content.decode()
    assert "25 items found" in full and "Page 1 of 2" in full


def test_a_teacher_writes_a_multiple_choice_item_with_math(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    saved = client.post("/assessments/items/new/", MC_POST)

    item = Item.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/assessments/items/{item.pk}/"
    version = ItemVersion.objects.get(item=item)
    assert (item.scope, version.dok, version.choices.count()) == (Scope.SCHOOL, 2, 3)
    page = client.get(saved["Location"]).content.decode()
    assert "Read the digits as a decimal." in page
    assert "Dropped" in page
    assert "6.RP.A.3" in page


def test_add_and_remove_buttons_change_the_rows_and_save_nothing(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    added = client.post("/assessments/items/new/", {**MC_POST, "save": "", "add_choice": "1"})
    removed = client.post("/assessments/items/new/", {**MC_POST, "save": "", "remove_choice": "1"})

    assert 'name="choice_3_content"' in added.content.decode()
    removed_page = removed.content.decode()
    assert 'value="0.34"' not in removed_page and 'name="choice_2_content"' not in removed_page
    assert Item.objects.count() == 0


def test_a_bad_item_shows_each_problem_and_saves_nothing(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    bad = {**MC_POST, "standard_0_code": "6.ZZ.9", "choice_1_correct": "on"}
    refused = client.post("/assessments/items/new/", bad)
    assert refused.status_code == 400
    assert (
        "Standard row 1: no single standard has the code &#x27;6.ZZ.9&#x27;."
        in refused.content.decode()
    )
    refused = client.post("/assessments/items/new/", {**MC_POST, "choice_1_correct": "on"})
    assert "Choice B is a correct answer, so it cannot be dropped" in refused.content.decode()
    assert Item.objects.count() == 0


def test_an_uploaded_image_goes_into_the_stem_with_its_alt_text(
    client: Client, world: World, tree: Tree, png: bytes
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.teacher)
    upload = SimpleUploadedFile("dot.png", png, content_type="image/png")
    shown = client.post(
        "/assessments/items/new/",
        {
            **MC_POST,
            "save": "",
            "upload_image": "1",
            "image_alt": "A red dot",
            "image_file": upload,
        },
    )
    image = ItemImage.objects.get()
    assert f'/assessments/images/{image.pk}/" alt="A red dot"' in shown.content.decode().replace(
        "&quot;", '"'
    ).replace("&lt;", "<")
    assert image.alt_text == "A red dot" and Item.objects.count() == 0


def test_editing_a_used_item_on_the_web_makes_version_2(
    client: Client, world: World, tree: Tree
) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    AssessmentItem.objects.create(
        assessment=Assessment.objects.create(title="Check"),
        item_version_id=item.current_id,
        position=1,
    )
    client.force_login(world.teacher)
    form = client.get(f"/assessments/items/{item.pk}/edit/").content.decode()
    assert "saving makes a new version" in form

    client.post(f"/assessments/items/{item.pk}/edit/", {**MC_POST, "stem": "New stem"})

    assert list(ItemVersion.objects.filter(item=item).values_list("number", "stem_source")) == [
        (1, "What is 3 + 4?"),
        (2, "New stem"),
    ]
    history = client.get(f"/assessments/items/{item.pk}/?version=1").content.decode()
    assert "an earlier version" in history and "What is 3 + 4?" in history


def test_copy_and_share_from_the_item_page(client: Client, world: World, tree: Tree) -> None:
    item = services.item_create(
        actor=world.teacher, draft=extended(tree.rp_a_1, tree.ns_b_2), scope=Scope.SCHOOL
    )
    client.force_login(world.other_teacher)
    page = client.get(f"/assessments/items/{item.pk}/").content.decode()
    assert "Finds the rate" in page and ">Edit<" not in page
    assert client.get(f"/assessments/items/{item.pk}/edit/").status_code == 403

    copied = client.post(f"/assessments/items/{item.pk}/copy/")
    copy = Item.objects.get(owner=world.other_teacher)
    assert copied["Location"] == f"/assessments/items/{copy.pk}/edit/"
    client.post(f"/assessments/items/{copy.pk}/share/", {"scope": "district"})
    copy.refresh_from_db()
    assert copy.scope == Scope.DISTRICT


def test_the_teacher_navigation_links_the_bank(client: Client, world: World) -> None:
    client.force_login(world.teacher)
    assert 'href="/assessments/items/"' in client.get("/teacher/").content.decode()


def test_a_rubric_item_is_written_on_the_web_and_a_bad_level_line_is_named(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    post = {
        "interaction": "extended",
        "dok": "3",
        "scope": "own",
        "stem": "Explain how you found the unit rate.",
        "standard_count": "0",
        "choice_count": "0",
        "criterion_count": "2",
        "criterion_0_title": "Finds the rate",
        "criterion_0_code": "6.RP.A.3",
        "criterion_0_levels": "0 | Missing\n1 | Partial\n2 | Complete",
        "criterion_1_title": "Explains",
        "criterion_1_code": "6.NS.B.2",
        "criterion_1_levels": "0 | Not yet\nthree | Fully",
        "save": "1",
    }
    refused = client.post("/assessments/items/new/", post)
    assert refused.status_code == 400
    assert "Criterion 2, level line 2: write it as “points | label”" in refused.content.decode()
    assert Item.objects.count() == 0

    client.post("/assessments/items/new/", {**post, "criterion_1_levels": "0 | Not yet\n3 | Fully"})

    version = ItemVersion.objects.get()
    assert sorted(version.alignments.values_list("standard__human_coding_scheme", "points")) == [
        ("6.NS.B.2", 3),
        ("6.RP.A.3", 2),
    ]


def test_a_numeric_item_with_a_tolerance_on_the_web(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    base = {
        "interaction": "numeric",
        "dok": "1",
        "stem": "Find 22 ÷ 7 to the nearest hundredth.",
        "standard_count": "1",
        "standard_0_code": "6.NS.B.2",
        "standard_0_points": "1",
        "numeric_answer": "3.14",
        "numeric_tolerance": "0.01",
        "save": "1",
    }
    refused = client.post("/assessments/items/new/", {**base, "numeric_answer": "pi"})
    assert "The correct answer must be a number such as 12 or 2.5." in refused.content.decode()

    client.post("/assessments/items/new/", base)

    version = ItemVersion.objects.get()
    assert (version.numeric_answer, version.numeric_tolerance) == (Decimal("3.14"), Decimal("0.01"))
    assert (
        "3.14, within 0.01."
        in client.get(f"/assessments/items/{version.item_id}/").content.decode()
    )


def test_sharing_with_an_unknown_scope_is_refused_and_changes_nothing(
    client: Client, world: World, tree: Tree
) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    client.force_login(world.teacher)
    shown = client.post(f"/assessments/items/{item.pk}/share/", {"scope": "everyone"}, follow=True)
    assert "Share with: choose only me, my school or the district." in shown.content.decode()
    item.refresh_from_db()
    assert item.scope == Scope.OWN


def test_an_item_forbids_shuffling_or_keeps_a_choice_in_place(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    form = client.get("/assessments/items/new/").content.decode()
    assert 'name="may_shuffle_options" aria-describedby="shuffle-help" checked' in form
    assert 'name="choice_0_fixed"' in form

    # Unticked "options may be shuffled" (the form says it showed the box) and C kept in place.
    saved = client.post(
        "/assessments/items/new/", {**MC_POST, "shuffle_shown": "1", "choice_2_fixed": "on"}
    )

    version = ItemVersion.objects.get()
    assert saved.status_code == 302 and version.may_shuffle_options is False
    assert [c.fixed for c in version.choices.all()] == [False, False, True]
    page = client.get(saved["Location"]).content.decode()
    assert "Never shuffled" in page and "keep this order even in an assessment" in page
    edit = client.get(f"/assessments/items/{version.item_id}/edit/").content.decode()
    assert 'aria-describedby="shuffle-help">' in edit  # unticked
    assert 'name="choice_2_fixed" checked' in edit


def test_the_shuffle_box_survives_a_change_of_type_and_an_older_form_keeps_the_default(
    client: Client, world: World, tree: Tree
) -> None:
    client.force_login(world.teacher)
    numeric = client.post(
        "/assessments/items/new/",
        {**MC_POST, "interaction": "numeric", "change_type": "1", "shuffle_shown": "1"},
    ).content.decode()
    # Not shown for a numeric item: carried (unticked stays unticked when it comes back).
    assert 'name="may_shuffle_options"' not in numeric
    carried = client.post(
        "/assessments/items/new/",
        {**MC_POST, "interaction": "numeric", "change_type": "1", "shuffle_shown": "1",
         "may_shuffle_options": "on"},
    ).content.decode()  # fmt: skip
    assert '<input type="hidden" name="may_shuffle_options" value="on">' in carried

    client.post("/assessments/items/new/", MC_POST)  # no shuffle_shown: a form from before

    assert ItemVersion.objects.get().may_shuffle_options is True


def upload_image(client: Client, png: bytes, **fields: str) -> HttpResponse:
    """The editor's "Upload and add to the stem" with the new item's fields."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("dot.png", png, content_type="image/png")
    post = {**MC_POST, "save": "", "upload_image": "1", "image_file": image, **fields}
    return client.post("/assessments/items/new/", post)


def test_a_decorative_image_goes_into_the_stem_with_empty_alt_text(
    client: Client, world: World, tree: Tree, png: bytes
) -> None:
    client.force_login(world.teacher)
    form = client.get("/assessments/items/new/").content.decode()
    assert "screen readers then skip it" in form

    shown = upload_image(client, png, image_alt="", image_decorative="on")

    image = ItemImage.objects.get()
    assert shown.status_code == 200 and image.alt_text == ""
    page = shown.content.decode().replace("&quot;", '"').replace("&lt;", "<")
    assert f'<img src="/assessments/images/{image.pk}/" alt=""&gt;' in page


def test_an_image_without_alt_text_or_decorative_is_refused_on_the_web(
    client: Client, world: World, tree: Tree, png: bytes
) -> None:
    client.force_login(world.teacher)

    neither = upload_image(client, png, image_alt="  ")
    both = upload_image(client, png, image_alt="A red dot", image_decorative="on")

    assert (neither.status_code, both.status_code) == (400, 400)
    words = "Describe the image for students who cannot see it (alt text), or mark it"
    assert words in neither.content.decode()
    assert "A decorative image has no alt text: clear the alt text" in both.content.decode()
    assert ItemImage.objects.count() == 0
    # The stem is as it was: no image went in.
    assert "/assessments/images/" not in neither.content.decode() + both.content.decode()
