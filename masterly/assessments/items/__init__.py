"""The item bank: items, their immutable-once-used versions, stimuli, rubrics and images.

Models live in :mod:`.models` (registered through ``masterly.assessments.models``), writes in
:mod:`.services`, reads in :mod:`.selectors`; ADR 18 says why an item is split into versions.
"""
