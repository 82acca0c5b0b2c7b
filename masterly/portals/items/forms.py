"""The bank's search form (a GET form: filters stay in the address, so results can be shared)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from masterly.accounts.models import User
from masterly.assessments.items.models import InteractionType, Scope
from masterly.assessments.items.selectors import BankFilters, standard_by_code


class BankSearchForm(forms.Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    standard = forms.CharField(
        label=_("Standard, cluster or domain"),
        required=False,
        max_length=100,
        help_text=_("A code such as 6.RP.A.3, or 6.RP.A or 6.RP for everything under it."),
    )
    scope = forms.ChoiceField(
        label=_("Whose"),
        required=False,
        choices=[
            ("", _("Everything I may see")),
            (Scope.OWN, _("Mine")),
            (Scope.SCHOOL, _("Shared with my school")),
            (Scope.DISTRICT, _("The district's")),
        ],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *InteractionType.choices]
    )
    dok = forms.TypedChoiceField(
        label=_("DOK"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), *((n, str(n)) for n in range(1, 5))],
    )
    author = forms.ModelChoiceField(
        label=_("Author"), required=False, queryset=User.objects.none(), empty_label=_("Anyone")
    )

    def __init__(self, *args: object, authors: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["author"].queryset = authors  # type: ignore[attr-defined]

    def clean_standard(self) -> object:
        code = self.cleaned_data["standard"].strip()
        if not code:
            return None
        standard = standard_by_code(code)
        if standard is None:
            raise forms.ValidationError(
                _("No single standard has the code %(code)s."), params={"code": code}
            )
        return standard

    def filters(self) -> BankFilters:
        data = self.cleaned_data
        return BankFilters(
            scope=data["scope"],
            standard=data["standard"],
            text=data["q"],
            interaction=data["type"],
            dok=data["dok"],
            author=data["author"],
        )
