# SPDX-License-Identifier: MIT
"""The catalog change form: a layer's metadata, access and style, checked before
``layers.catalog_edit`` checks them again and writes them."""
from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from layers import catalog, catalog_edit, registry

colour = RegexValidator(catalog_edit.COLOUR.pattern + "$",
                        _("Write a colour as #RRGGBB, e.g. #4A90D9."))


def colour_field(label: str, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=7, validators=[colour],
                           widget=forms.TextInput(attrs={"placeholder": "#RRGGBB", "size": 8}))


class ClassForm(forms.Form):
    """One row of a classified style: a value of the attribute and its colour."""

    value = forms.CharField(label=_("value"), required=False, max_length=100)
    colour = colour_field(_("colour"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("value") and not data.get("colour") and "colour" not in self.errors:
            self.add_error("colour", _("Give this value a colour."))
        return data


ClassFormSet = forms.formset_factory(ClassForm, extra=3)


class LayerForm(forms.Form):
    """Titles, descriptions, sector, access, sensitive attributes, zooms, capabilities, style."""

    title_vi = forms.CharField(label=_("Title (Vietnamese)"), max_length=255)
    title_en = forms.CharField(label=_("Title (English)"), max_length=255, required=False)
    description_vi = forms.CharField(label=_("Description (Vietnamese)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    description_en = forms.CharField(label=_("Description (English)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    sector = forms.ChoiceField(label=_("Sector"), choices=[
        (s.value, f"{vi} ({en})") for s, (vi, en) in registry.SECTOR_TITLES.items()])
    access = forms.ChoiceField(label=_("Access"), choices=[
        ("public", _("public: everyone, on the public map")),
        ("internal", _("internal: staff and API tokens only"))])
    sensitive = forms.MultipleChoiceField(
        label=_("Sensitive attributes"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Hidden from the public: OGC API, vector tiles, exports."))
    min_zoom = forms.IntegerField(label=_("Lowest zoom"), min_value=0, max_value=22)
    max_zoom = forms.IntegerField(label=_("Highest zoom"), min_value=0, max_value=22)
    features = forms.BooleanField(label=_("OGC API Features"), required=False)
    tiles = forms.BooleanField(label=_("Map tiles and viewer"), required=False)
    editable = forms.BooleanField(label=_("Editable in the admin"), required=False)
    fill = colour_field(_("Fill"), required=False)
    stroke = colour_field(_("Stroke"))
    width = forms.FloatField(label=_("Line width"), min_value=0, max_value=catalog_edit.MAX_WIDTH)
    classify_by = forms.ChoiceField(label=_("Classify by"), required=False)
    label = forms.ChoiceField(label=_("Label"), required=False)

    def __init__(self, *args, attributes: tuple[str, ...], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sensitive"].choices = [(name, name) for name in attributes]
        none = [("", _("(none)"))]
        self.fields["classify_by"].choices = none + [(name, name) for name in attributes]
        self.fields["label"].choices = none + [(name, name) for name in attributes]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_zoom"), data.get("max_zoom")
        if low is not None and high is not None and low > high:
            self.add_error("max_zoom", _("The highest zoom must not be below the lowest."))
        hidden = set(data.get("sensitive") or ())
        for name in ("classify_by", "label"):
            if data.get(name) and data[name] in hidden:
                self.add_error(name, _("%(attribute)s is sensitive: the map would show its "
                                       "values to everyone.") % {"attribute": data[name]})
        return data


def initial(layer: registry.Layer) -> dict:
    """The form's values for a layer as the catalog has it."""
    style = layer.style
    return {"title_vi": layer.title_vi, "title_en": layer.title_en,
            "description_vi": layer.description_vi, "description_en": layer.description_en,
            "sector": layer.sector.value, "access": layer.access.value,
            "sensitive": list(layer.sensitive), "min_zoom": layer.min_zoom,
            "max_zoom": layer.max_zoom, "features": layer.features, "tiles": layer.tiles,
            "editable": layer.editable, "fill": style.fill or "", "stroke": style.stroke,
            "width": style.width, "classify_by": style.classify_by or "",
            "label": style.label or ""}


def class_rows(layer: registry.Layer) -> list[dict]:
    return [{"value": value, "colour": colour_}
            for value, colour_ in layer.style.classes.items()]


def changes(form: LayerForm, classes: ClassFormSet) -> dict:
    """The ``catalog_edit.update`` arguments of a valid form and its class rows."""
    data = form.cleaned_data
    rows = {row["value"]: row["colour"] for row in classes.cleaned_data if row.get("value")}
    style = {"fill": data["fill"] or None, "stroke": data["stroke"], "width": data["width"],
             "classify_by": data["classify_by"] or None, "classes": rows,
             "label": data["label"] or None}
    fields = {name: data[name] for name in catalog_edit.EDITABLE if name != "style"}
    return {**fields, "style": style}


def preview_style(form: LayerForm, classes: ClassFormSet,
                  layer: registry.Layer) -> registry.Style:
    """The style the legend preview shows: the submitted one when it is valid."""
    if form.is_bound and form.is_valid() and classes.is_valid():
        return catalog.style_of(changes(form, classes)["style"])
    return layer.style
