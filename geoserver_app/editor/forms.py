# SPDX-License-Identifier: MIT
"""The feature change form: optimistic locking on ``version``."""
from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geoserver_app.editor import sql
from geoserver_app.editor.geometry import keep_unmoved_vertices
from layers.models import FeatureHistory


class VersionConflict(Exception):
    """The row changed after the form was opened; nothing was written."""


def conflict_message(layer_id: str, pk: int, expected: int, current: int | None) -> str:
    """A message naming who changed the feature meanwhile and what to do next."""
    if current is None:
        return str(_("Someone deleted this feature after you opened the form. Your changes "
                     "were not saved."))
    last = (FeatureHistory.objects.filter(layer=layer_id, feature_id=pk)
            .order_by("-version", "-id").first())
    who = last.actor if last else "?"
    return str(_("%(who)s changed this feature (now version %(current)s) after you opened it "
                 "at version %(expected)s. Your changes were not saved, so nothing was "
                 "overwritten: reload the page to see the latest version, then edit again.")
               % {"who": who, "current": current, "expected": expected})


class FeatureForm(forms.ModelForm):
    """ModelForm carrying the version the user started from, checked under a row lock."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict:
        """Refuse the save when the row's version is not the one the form was opened at."""
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        if cleaned.get("geom") is not None:
            cleaned["geom"] = keep_unmoved_vertices(cleaned["geom"], self.instance.geom)
        expected = cleaned.get("expected_version")
        if expected is None:
            raise ValidationError(_("The form is missing its version: reload the page and "
                                    "edit again."), code="no_version")
        layer = self._meta.model.layer()
        current = sql.lock_version(layer, self.instance.pk)  # held until commit
        if current != expected:
            raise ValidationError(conflict_message(layer.id, self.instance.pk, expected, current),
                                  code="version_conflict")
        return cleaned
