"""Every write that changes mastery, one module per domain word:

- :mod:`.evidence` — record one score or many, edit, delete, restore (the one path, ADR 11);
- :mod:`.overrides` — a level set by hand, cleared;
- :mod:`.creation` — a new tracker; :mod:`.recompute` — its rollups recomputed in bulk;
- :mod:`.calculation` — how it calculates mastery; :mod:`.tracker_settings` — its Settings
  page saved as one (calculation and portal);
- :mod:`.display` — what it shows; :mod:`.sharing` — collaborators, tools and accommodations;
- :mod:`.scoring` — quick checks and quick score entry.

Each function validates first (:class:`~django.core.exceptions.ValidationError` naming the
field, nothing written), then writes in one transaction with its audit row and the update
of the stored rollups it affects (no signals: it is all explicit). Views, imports, the API
and commands all call these; the tracker functions check that the actor may manage the
tracker and raise :class:`~django.core.exceptions.PermissionDenied` otherwise. ``actor=None``
is the system. The most used ones are importable from here
(``from masterly.trackers import services``).
"""

from masterly.trackers.services.calculation import KEEP, Keep, tracker_settings_change
from masterly.trackers.services.creation import tracker_create
from masterly.trackers.services.evidence import (
    NewEvidence,
    evidence_delete,
    evidence_edit,
    evidence_record,
    evidence_record_many,
    evidence_restore,
)
from masterly.trackers.services.overrides import override_clear, override_set
from masterly.trackers.services.recompute import tracker_recompute
from masterly.trackers.services.tracker_settings import tracker_settings_save

__all__ = [
    "KEEP",
    "Keep",
    "NewEvidence",
    "evidence_delete",
    "evidence_edit",
    "evidence_record",
    "evidence_record_many",
    "evidence_restore",
    "override_clear",
    "override_set",
    "tracker_create",
    "tracker_recompute",
    "tracker_settings_change",
    "tracker_settings_save",
]
