"""The student groups dashboards break figures down by, each with the label a reader sees
(translated: leaders read dashboards in their own language).

Keys are stored in ``StudentGroupMembership.group``. Demographic groups follow OneRoster's
``demographics.csv`` columns (US federal race and ethnicity categories); program groups come
from the district's program flags upload, which OneRoster does not carry.
"""

from __future__ import annotations

from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

GROUPS: MappingProxyType[str, Promise] = MappingProxyType(
    {
        "sex:female": _("Female"),
        "sex:male": _("Male"),
        "sex:other": _("Another sex or not specified"),
        "race:american_indian_or_alaska_native": _("American Indian or Alaska Native"),
        "race:asian": _("Asian"),
        "race:black_or_african_american": _("Black or African American"),
        "race:native_hawaiian_or_other_pacific_islander": (
            _("Native Hawaiian or Other Pacific Islander")
        ),
        "race:white": _("White"),
        "race:two_or_more": _("Two or more races"),
        "hispanic_or_latino": _("Hispanic or Latino"),
        "program:english_learner": _("English learners"),
        "program:iep": _("Students with an IEP"),
        "program:504": _("Students with a 504 plan"),
        "program:economically_disadvantaged": _("Economically disadvantaged"),
    }
)

# Which keys each source may write: an upload of one kind never touches the other's rows.
DEMOGRAPHIC_GROUPS = tuple(key for key in GROUPS if not key.startswith("program:"))
PROGRAM_GROUPS = tuple(key for key in GROUPS if key.startswith("program:"))


def group_label(key: str) -> str:
    """A group key's name in the active language; an unknown key is shown as itself."""
    label = GROUPS.get(key)
    return key if label is None else str(label)


RACES = (
    "race:american_indian_or_alaska_native",
    "race:asian",
    "race:black_or_african_american",
    "race:native_hawaiian_or_other_pacific_islander",
    "race:white",
)
SEXES = {
    "female": "sex:female",
    "male": "sex:male",
    "other": "sex:other",
    "unspecified": "sex:other",
}


def demographic_groups(
    *, sex: str, races: tuple[str, ...], two_or_more: bool, hispanic: bool
) -> list[str]:
    """The groups one demographics row puts a student in.

    As US federal reporting does, a student who reports more than one race (or says "two or
    more") counts in "Two or more races" only, never in each race; Hispanic or Latino is an
    ethnicity, counted besides race. An empty sex puts the student in no sex group.
    """
    groups = [SEXES[sex]] if sex in SEXES else []
    if two_or_more or len(races) > 1:
        groups.append("race:two_or_more")
    elif races:
        groups.append(races[0])
    if hispanic:
        groups.append("hispanic_or_latino")
    return groups
