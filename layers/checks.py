# SPDX-License-Identifier: MIT
"""System check: every registry entry has a model whose fields match what it declares."""
from __future__ import annotations

from django.core import checks

from layers import models, registry


def _layer_errors(layer: registry.Layer) -> list[checks.Error]:
    model = getattr(models, layer.model, None)
    if model is None or model.LAYER != layer.id:
        return [checks.Error(f"layer {layer.id}: no model {layer.model} with LAYER={layer.id!r}",
                             id="layers.E001")]
    names = {f.name for f in model._meta.get_fields()}
    declared = {*layer.natural_key, *layer.sensitive}
    declared |= {a for a in (layer.style.classify_by, layer.style.label) if a}
    return [checks.Error(f"layer {layer.id}: attribute {name!r} is not a field of {layer.model}",
                         id="layers.E002") for name in sorted(declared - names)]


@checks.register()
def registry_matches_models(app_configs=None, **kwargs) -> list[checks.Error]:
    """Staged like MapProxy's loader: references in the registry must resolve."""
    return [error for layer in registry.LAYERS for error in _layer_errors(layer)]
