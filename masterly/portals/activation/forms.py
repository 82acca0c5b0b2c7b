"""The guardian's two activation forms: the code, then the sign-in they choose."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        help_text=_(
            "The code on your letter, such as K7CX-M4RT-W9HP. Capitals and dashes do not matter."
        ),
    )


class ChooseSignInForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), required=False, max_length=254)
    username = forms.CharField(
        label=_("Username"),
        required=False,
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Optional when you give an email address: you can sign in with either."),
    )
    password1 = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput, max_length=4096
    )
    password2 = forms.CharField(
        label=_("Password again"), strip=False, widget=forms.PasswordInput, max_length=4096
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("email") and not data.get("username") and not self.errors:
            raise forms.ValidationError(
                _("Give an email address or a username: you will sign in with it."),
                code="no_login",
            )
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ. Type the same one twice."))
        return data
