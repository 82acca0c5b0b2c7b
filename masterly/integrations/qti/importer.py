"""One QTI import, however it was started (the command, an upload): read and check the whole
package first, then write it in one short transaction (all or nothing).

Everything slow (unzipping, parsing, sanitising, checking images and drafts) happens before the
transaction opens; inside it the items are written set-based by ``items_create`` (a fixed
number of queries however many items), so even a 1,000-item package holds SQLite's write lock
for well under a second or two (``bench/qti_import.py``; ADR on QTI).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from django.utils.translation import gettext

from masterly.accounts.models import User
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.items import services as items
from masterly.assessments.items.content import rich_text
from masterly.assessments.items.drafts import IMAGE_SRC, CheckedDraft
from masterly.assessments.items.models import (
    AssessmentItem,
    Item,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    Scope,
    Stimulus,
)
from masterly.assessments.items.selectors import can_edit_item, may_use_bank, visible_stimuli
from masterly.assessments.models import Assessment
from masterly.assessments.services import assessment_create
from masterly.core import audit
from masterly.core.bulk import insert_rows
from masterly.integrations.qti import identifiers
from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem, UnsupportedInteractions
from masterly.integrations.qti.models import QtiRecord
from masterly.integrations.qti.package import open_package
from masterly.integrations.qti.plan import PlannedItem, plan_items
from masterly.integrations.qti.reader import ParsedPackage, ParsedStimulus, read_package
from masterly.integrations.qti.signature import draft_signature, version_signature
from masterly.integrations.qti.tests import ParsedTest
from masterly.standards.models import Standard

CHUNK = 500


@dataclass
class QtiSummary:
    created: int = 0
    versioned: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    stimuli: int = 0
    images: int = 0
    assessments_created: int = 0
    assessments_updated: int = 0
    assessments_kept: list[str] = field(default_factory=list)
    dry_run: bool = False

    def lines(self) -> list[str]:
        lines = [
            gettext("Items: %(c)d created, %(v)d changed (a new version), %(u)d unchanged.")
            % {"c": self.created, "v": self.versioned, "u": self.unchanged},
            gettext("Stimuli: %(s)d created; images: %(i)d stored.")
            % {"s": self.stimuli, "i": self.images},
            gettext("Assessments: %(c)d created, %(u)d updated.")
            % {"c": self.assessments_created, "u": self.assessments_updated},
        ]
        lines += self.assessments_kept
        if self.skipped:
            lines.append(gettext("Skipped (unsupported):"))
            lines += [f"  {line}" for line in self.skipped]
        if self.dry_run:
            lines.append(gettext("Dry run: nothing was changed."))
        return lines


def import_qti(
    *,
    actor: User,
    source: Path | IO[bytes],
    name: str,
    scope: str = Scope.OWN,
    dry_run: bool = False,
    skip_unsupported: bool = False,
) -> QtiSummary:
    """Import a package; QtiImportRejected (nothing written) when anything in it is wrong."""
    if not may_use_bank(actor):
        raise QtiImportRejected(
            [QtiProblem(name, "", gettext("only staff who write items may import them."))]
        )
    with open_package(source, name) as package:
        parsed = read_package(package)
    if parsed.unsupported and not skip_unsupported:
        raise UnsupportedInteractions(parsed.unsupported)
    planned = plan_items(parsed)
    summary = QtiSummary(skipped=[str(p) for p in parsed.unsupported], dry_run=dry_run)
    with transaction.atomic():
        _Writer(actor, parsed, scope, summary).write(planned)
        audit.record(
            actor=actor,
            action="qti.imported",
            target=None,
            summary=f"QTI package {name} imported",
            details={"source": parsed.manifest.identifier, "lines": summary.lines()},
        )
        if dry_run:
            transaction.set_rollback(True)
    return summary


class _Writer:
    def __init__(self, actor: User, parsed: ParsedPackage, scope: str, summary: QtiSummary):
        self.actor = actor
        self.parsed = parsed
        self.scope = scope
        self.summary = summary
        self.source = parsed.manifest.identifier[:255]
        self.records = {
            (kind, identifier): target
            for kind, identifier, target in QtiRecord.objects.filter(
                owner=actor, source=self.source
            ).values_list("kind", "identifier", "target_id")
        }
        self.new_records: dict[tuple[str, str], int] = {}

    def _target(self, kind: str, identifier: str) -> int | None:
        return self.records.get((kind, identifier)) or identifiers.own_pk(kind, identifier)

    def write(self, planned: list[PlannedItem]) -> None:
        existing = self._existing_items(planned)
        placeholders = self._images(existing)
        stimuli = self._stimuli(planned, placeholders)
        new: list[tuple[PlannedItem, CheckedDraft]] = []
        written: dict[str, Item] = {}  # by file path
        for plan in planned:
            checked = _substituted(plan.checked, placeholders, stimuli.get(plan.parsed.stimulus))
            item = existing.get(plan.parsed.identifier)
            if item is None:
                new.append((plan, checked))
                continue
            written[plan.parsed.file] = item
            current = item.current
            if current is not None and version_signature(current) == draft_signature(checked):
                self.summary.unchanged += 1
                continue
            items.item_edit(actor=self.actor, item=item, draft=checked.draft)
            self.summary.versioned += 1
        created = items.checked_items_create(
            actor=self.actor, checked=[each for _plan, each in new], scope=self.scope
        )
        for (plan, _checked), item in zip(new, created, strict=True):
            written[plan.parsed.file] = item
            self.new_records[QtiRecord.Kind.ITEM, plan.parsed.identifier] = item.pk
        self.summary.created = len(created)
        for test in self.parsed.tests:
            self._test(test, written)
        self._save_records()

    def _existing_items(self, planned: list[PlannedItem]) -> dict[str, Item]:
        """The actor's items this package's items were imported (or exported) as, with their
        current version's parts, by the package's item identifier."""
        wanted = {
            plan.parsed.identifier: self._target(QtiRecord.Kind.ITEM, plan.parsed.identifier)
            for plan in planned
        }
        versions = ItemVersion.objects.prefetch_related(
            "choices",
            "alignments",
            "images",
            Prefetch("criteria", queryset=RubricCriterion.objects.prefetch_related("levels")),
        )
        pks = sorted({pk for pk in wanted.values() if pk})
        by_pk: dict[int, Item] = {}
        # In chunks: SQLite refuses a prefetch's IN list of a thousand values or more.
        for start in range(0, len(pks), CHUNK):
            rows = Item.objects.filter(pk__in=pks[start : start + CHUNK])
            by_pk.update(
                (item.pk, item)
                for item in rows.prefetch_related(Prefetch("current", queryset=versions))
                if can_edit_item(self.actor, item)
            )
        return {identifier: by_pk[pk] for identifier, pk in wanted.items() if pk and pk in by_pk}

    def _images(self, existing: dict[str, Item]) -> dict[str, int]:
        """Placeholder → image id: an image the matched items already show when its bytes and
        alt text are the same (so a re-import changes nothing), else a new one."""
        shown = {
            (
                image.data if isinstance(image.data, bytes) else bytes(image.data),
                image.alt_text,
            ): image.pk
            for item in existing.values()
            if item.current is not None
            for image in item.current.images.all()
        }
        refs = {ref.placeholder: ref for ref in self.parsed.images.by_path.values()}
        found: dict[str, int] = {}
        new: list[tuple[str, ItemImage]] = []
        for placeholder, image in self.parsed.checked_images.items():
            alt = (refs[placeholder].alt or "")[:1000]  # "": decorative (``alt=""``)
            known = shown.get((image.data, alt))
            if known:
                found[placeholder] = known
                continue
            new.append(
                (
                    placeholder,
                    ItemImage(
                        owner=self.actor,
                        content_type=image.content_type,
                        data=image.data,
                        width=image.width,
                        height=image.height,
                        alt_text=alt,
                    ),
                )
            )
        rows = ItemImage.objects.bulk_create(row for _p, row in new)
        audit.record_many(
            actor=self.actor,
            action="item_image.added",
            model=ItemImage,
            events=((row.pk, row.alt_text[:200], None) for row in rows),
        )
        found.update(
            {placeholder: row.pk for (placeholder, _r), row in zip(new, rows, strict=True)}
        )
        self.summary.images = len(rows)
        return found

    def _stimuli(
        self, planned: list[PlannedItem], placeholders: dict[str, int]
    ) -> dict[str, Stimulus]:
        used = {plan.parsed.stimulus for plan in planned if plan.parsed.stimulus}
        found: dict[str, Stimulus] = {}
        for path in sorted(used):
            parsed = self.parsed.stimuli[path]
            found[path] = self._stimulus(parsed, _replaced(parsed.html, placeholders))
        return found

    def _stimulus(self, parsed: ParsedStimulus, html: str) -> Stimulus:
        kind = QtiRecord.Kind.STIMULUS
        pk = self._target(kind, parsed.identifier)
        known = visible_stimuli(self.actor).filter(pk=pk).first() if pk else None
        if (
            known is not None
            and known.title == parsed.title.strip()[:300]
            and (known.content_html == rich_text(html))
        ):
            return known
        stimulus = items.stimulus_create(
            actor=self.actor, title=parsed.title[:300], content=html, scope=self.scope
        )
        self.new_records[kind, parsed.identifier] = stimulus.pk
        self.summary.stimuli += 1
        return stimulus

    def _test(self, test: ParsedTest, written: dict[str, Item]) -> None:
        read = [[written[p] for p in section if p in written] for section in test.sections]
        kept = [(s, title) for s, title in zip(read, test.section_titles, strict=True) if s]
        sections = [section for section, _title in kept]
        # "Section 2" for the second section is what the export writes for an untitled one.
        titles = [
            "" if title == f"Section {number}" else title
            for number, (_section, title) in enumerate(kept, start=1)
        ]
        placements: list[tuple[int, int, ItemVersion]] = []
        seen: set[int] = set()
        for number, section in enumerate(sections, start=1):
            position = 0
            for item in section:
                if item.pk not in seen and item.current is not None:
                    seen.add(item.pk)
                    placements.append((number, position, item.current))
                    position += 1
        if not placements:
            return
        kind = QtiRecord.Kind.TEST
        pk = self._target(kind, test.identifier)
        assessment = Assessment.objects.filter(pk=pk, created_by=self.actor).first() if pk else None
        wanted = [(section, position, version.pk) for section, position, version in placements]
        if assessment is not None:
            now = list(assessment.items.values_list("section", "position", "item_version_id"))
            named = dict(assessment.sections.values_list("number", "title"))
            titled = [named.get(number, "") for number in range(1, len(titles) + 1)]
            if (
                now == wanted
                and assessment.title == test.title
                and titled == titles
                and assessment.shuffle_items == test.shuffle_items
            ):
                return
            if assessment.attempts.exists():
                self.summary.assessments_kept.append(
                    gettext("%(title)s has been taken, so it was left as it was.")
                    % {"title": assessment.title}
                )
                return
            assessment.items.all().delete()
            assessment.sections.all().delete()
            assessment.title = test.title
            assessment.shuffle_items = test.shuffle_items
            assessment.save(update_fields=["title", "shuffle_items"])
            self.summary.assessments_updated += 1
        else:
            assessment = assessment_create(
                actor=self.actor,
                title=test.title,
                kind=Assessment.Kind.COMMON,
                standards=_points_per_standard(placements).items(),
            )
            if test.shuffle_items:
                assessment.shuffle_items = True
                assessment.save(update_fields=["shuffle_items"])
            self.new_records[kind, test.identifier] = assessment.pk
            self.summary.assessments_created += 1
        # The sections' titles, as composition keeps them (a row per section number).
        insert_rows(
            AssessmentSection,
            (
                {"assessment": assessment.pk, "number": number, "title": title}
                for number, title in enumerate(titles, start=1)
            ),
        )
        insert_rows(
            AssessmentItem,
            (
                {
                    "assessment": assessment.pk,
                    "item_version": version.pk,
                    "section": section,
                    "position": position,
                }
                for section, position, version in placements
            ),
        )

    def _save_records(self) -> None:
        now = timezone.now()
        stale = [key for key in self.new_records if key in self.records]
        for kind, identifier in stale:
            QtiRecord.objects.filter(
                owner=self.actor, source=self.source, kind=kind, identifier=identifier
            ).update(target_id=self.new_records[kind, identifier], updated_at=now)
        QtiRecord.objects.bulk_create(
            QtiRecord(
                owner=self.actor,
                source=self.source,
                kind=kind,
                identifier=identifier[:255],
                target_id=target,
                updated_at=now,
            )
            for (kind, identifier), target in self.new_records.items()
            if (kind, identifier) not in self.records
        )


def _points_per_standard(
    placements: list[tuple[int, int, ItemVersion]],
) -> dict[Standard, Decimal]:
    """Each standard's points over the placed versions: summed by the database, then the few
    standards read (not a whole standard per alignment: a 1,000-item test has thousands)."""
    sums = list(
        ItemStandard.objects.filter(version__in=[version for _s, _p, version in placements])
        .values("standard_id")
        .annotate(total=Sum("points"))
        .order_by("standard_id")
    )
    standards = Standard.objects.in_bulk([row["standard_id"] for row in sums])
    return {standards[row["standard_id"]]: Decimal(row["total"]) for row in sums}


def _replaced(html: str, placeholders: dict[str, int]) -> str:
    for placeholder, pk in placeholders.items():
        html = html.replace(placeholder, f"/assessments/images/{pk}/")
    return html


def _substituted(
    checked: CheckedDraft, placeholders: dict[str, int], stimulus: Stimulus | None
) -> CheckedDraft:
    """A checked draft with its images' placeholders replaced by the stored images (an image
    address for another: what the sanitiser made of the draft stays valid) and its stimulus."""
    draft = checked.draft
    choices = tuple(
        dataclasses.replace(choice, content=_replaced(choice.content, placeholders))
        for choice in draft.choices
    )
    draft = dataclasses.replace(
        draft, stem=_replaced(draft.stem, placeholders), choices=choices, stimulus=stimulus
    )
    sources = [draft.stem, *(choice.content for choice in choices)]
    return dataclasses.replace(
        checked,
        draft=draft,
        stem_html=_replaced(checked.stem_html, placeholders),
        choices=[
            dataclasses.replace(
                rendered,
                source=_replaced(rendered.source, placeholders),
                html=_replaced(rendered.html, placeholders),
                draft=choice,
            )
            for rendered, choice in zip(checked.choices, choices, strict=True)
        ],
        image_ids={int(found) for text in sources for found in IMAGE_SRC.findall(text)},
    )


__all__ = ["QtiSummary", "UnsupportedInteractions", "import_qti"]
