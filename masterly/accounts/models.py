"""People who sign in. Roles and their scope live in the roster (one person, several roles)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    # OneRoster's sourcedId, kept so a re-import updates the same person.
    sourced_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    # The school's own id for the person (student number, staff id).
    identifier = models.CharField(max_length=255, blank=True)
    middle_name = models.CharField(max_length=150, blank=True)
    grades = models.CharField(
        max_length=100, blank=True, help_text="OneRoster grade codes, comma separated (06,07)."
    )
    # The language the person reads Masterly in: the roster's (OneRoster's
    # metadata.preferredLanguage) until they choose one themselves (``language_chosen_at``),
    # which roster re-imports keep from then on (``masterly.accounts.languages``).
    preferred_language = models.CharField(max_length=8, blank=True)
    language_chosen_at = models.DateTimeField(null=True, blank=True)
    # Hash of the imported row: an unchanged row is skipped without a write.
    source_hash = models.CharField(max_length=32, blank=True)
    # The token of the roster import that inserted this person ahead of its apply (inactive
    # until that apply makes them live, ADR 17); NULL for everyone else.
    import_pending = models.BigIntegerField(null=True, blank=True, editable=False)
    # When the person chose their own username, email and password (a guardian's activation):
    # roster re-imports keep those from then on.
    sign_in_chosen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    @property
    def display_name(self) -> str:
        full = f"{self.first_name} {self.last_name}".strip()
        return full or self.username

    @property
    def sort_name(self) -> str:
        if self.last_name:
            return f"{self.last_name}, {self.first_name}".strip(", ")
        return self.username

    def __str__(self) -> str:
        return self.display_name


class ActivationCode(models.Model):
    """A one-time code a guardian types at /activate/ to choose their own sign-in.

    Only a keyed hash of the code is stored (``masterly.accounts.activation_codes``): a copy of
    the database gives nobody a code to use. A code is usable while it is neither used, revoked
    nor past ``expires_at``; issuing a new one revokes the guardian's earlier codes.
    """

    guardian = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["guardian", "used_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"activation code {self.pk} of {self.guardian_id}"


class TemporaryPassword(models.Model):
    """A password a teacher gave a student (a code on screen or a printed card): it signs in
    until it expires, and the student must choose their own password before anything else."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="temporary_password")
    issued_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"temporary password of {self.user_id} until {self.expires_at:%Y-%m-%d}"
