"""The answer to "how is this calculated?" in plain, translatable words.

The engine (``masterly.mastery``) explains itself in English for teachers; families read
these sentences instead: what each level means on this tracker's scale, what the tracker's
method does, and the method worked through with this student's own scores.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from masterly.mastery import Level, MasteryResult, Scale
from masterly.trackers.level_words import level_name, percent
from masterly.trackers.models import Tracker

# The methods' names (the engine's are English, for teachers).
METHOD_NAMES = {
    "most_recent": gettext_lazy("Most recent"),
    "highest": gettext_lazy("Highest"),
    "average": gettext_lazy("Average"),
    "decaying_average": gettext_lazy("Decaying average"),
    "weighted_average": gettext_lazy("Weighted average"),
    "n_mastery": gettext_lazy("n times at mastery"),
    "power_law": gettext_lazy("Power law"),
    "mode": gettext_lazy("Mode"),
}


def method_name(tracker: Tracker) -> str:
    return str(METHOD_NAMES.get(tracker.method, tracker.get_method_display()))


def listed(words: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(words) < 2:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def level_meanings(scale: Scale) -> list[tuple[Level, str]]:
    """Each level of the scale, top down, with its cut scores in words, then "not assessed"."""
    out = []
    upper: Level | None = None
    for level in scale.levels:
        name = level_name(level)
        if upper is None:
            text = _("%(name)s (%(abbr)s): %(cut)s of the points or more.")
        elif level.cut == 0:
            text = _("%(name)s (%(abbr)s): below %(upper)s of the points.")
        else:
            text = _("%(name)s (%(abbr)s): from %(cut)s up to just below %(upper)s.")
        values = {
            "name": name,
            "abbr": level.abbreviation,
            "cut": percent(level.cut),
            "upper": percent(upper.cut) if upper else "",
        }
        out.append((level, text % values))
        upper = level
    not_assessed = scale.not_assessed
    out.append(
        (
            not_assessed,
            _("%(name)s (%(abbr)s): no score on this standard yet.")
            % {"name": level_name(not_assessed), "abbr": not_assessed.abbreviation},
        )
    )
    return out


def method_rule(tracker: Tracker) -> str:
    """One sentence: how the tracker's method turns scores into a level."""
    method = tracker.method
    decay = Decimal(tracker.decay) * 100
    weight = Decimal(tracker.weight) * 100
    scale = tracker.mastery_scale()
    rules = {
        "most_recent": _("Only the most recent score counts."),
        "highest": _("The highest score counts."),
        "average": _("Every score counts the same: the result is their average."),
        "decaying_average": _(
            "Every score counts, the latest the most: each new score counts %(new)s and the "
            "result before it %(old)s."
        )
        % {"new": percent(decay), "old": percent(100 - decay)},
        "weighted_average": _(
            "The most recent score counts %(new)s and the average of the earlier scores %(old)s."
        )
        % {"new": percent(weight), "old": percent(100 - weight)},
        "n_mastery": ngettext(
            "A level is given once %(n)s score reaches %(cut)s or more; the result is the "
            "average of the scores that reach it.",
            "A level is given once %(n)s scores reach %(cut)s or more; the result is the "
            "average of the scores that reach it.",
            tracker.n_mastery,
        )
        % {"n": tracker.n_mastery, "cut": percent(scale.mastery_level.cut)},
        "power_law": _(
            "A learning curve is drawn through the scores, oldest first, and its value at the "
            "latest score is the result (with fewer than three scores, their average)."
        ),
        "mode": _(
            "The level reached most often counts (a tie goes to the higher level); the score "
            "is the average of the scores at that level."
        ),
    }
    return rules.get(method, "")


def _worked(result: MasteryResult) -> str:
    """The method with this student's numbers (scores as percentages, oldest first)."""
    values = [use.value for use in result.evidence]
    scores = listed([percent(v) for v in values])
    score = percent(result.unrounded_percent)
    method = result.method
    if method == "most_recent":
        return _("The scores, oldest first, are %(scores)s; the latest gives %(score)s.") % {
            "scores": scores,
            "score": score,
        }
    if method == "highest":
        return _("Of %(scores)s, the highest is %(score)s.") % {"scores": scores, "score": score}
    if method == "average":
        return _("The average of %(scores)s is %(score)s.") % {"scores": scores, "score": score}
    if method == "decaying_average":
        if len(values) == 1:
            return _("With one score so far, %(score)s, that score is the result.") % {
                "score": score
            }
        return _(
            "The scores, oldest first, %(scores)s, the latest counting most, give %(score)s."
        ) % {
            "scores": scores,
            "score": score,
        }
    if method == "weighted_average":
        if len(values) == 1:
            return _("With one score so far, %(score)s, that score is the result.") % {
                "score": score
            }
        earlier = sum(values[:-1], Decimal(0)) / (len(values) - 1)
        return _(
            "The latest score, %(latest)s, and the average of the earlier ones, %(mean)s, "
            "give %(score)s."
        ) % {"latest": percent(values[-1]), "mean": percent(earlier), "score": score}
    if method == "n_mastery":
        reached = [percent(use.value) for use in result.evidence if use.counted]
        n = result.policy.n
        text = ngettext(
            "%(count)s of the %(n)s scores needed reach it so far",
            "%(count)s of the %(n)s scores needed reach it so far",
            n,
        ) % {"count": len(reached), "n": n}
        if reached:
            text += " (" + listed(reached) + ")"
        if result.unrounded is None:
            return text + _(", so there is no level yet.")
        return text + _("; their average is %(score)s.") % {"score": score}
    if method == "power_law":
        if len(values) < 3:
            return _("With fewer than three scores, the average of %(scores)s is %(score)s.") % {
                "scores": scores,
                "score": score,
            }
        return _("Through %(scores)s the curve reaches %(score)s at the latest score.") % {
            "scores": scores,
            "score": score,
        }
    if method == "mode":
        counted = [use for use in result.evidence if use.counted]
        return _(
            "%(level)s was reached %(count)s times out of %(total)s; the average of those "
            "scores is %(score)s."
        ) % {
            "level": level_name(result.computed_level),
            "count": len(counted),
            "total": len(values),
            "score": score,
        }
    return ""  # pragma: no cover - every method of the engine is above


def calculation(result: MasteryResult, scale: Scale) -> str:
    """The method worked through with this student's scores, and the level it gives."""
    text = _worked(result)
    level = result.computed_level
    if result.unrounded is not None:
        text += " " + _("%(score)s is %(name)s (%(abbr)s)") % {
            "score": percent(result.unrounded_percent),
            "name": level_name(level),
            "abbr": level.abbreviation,
        }
        if level in scale.levels and level.cut > 0:
            text += _(", which starts at %(cut)s.") % {"cut": percent(level.cut)}
        else:
            text += "."
    return text
