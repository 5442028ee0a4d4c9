# SPDX-License-Identifier: MIT
"""OGC web services answered by MapServer from per-grant mapfiles: WFS 2.0.0/1.1.0 at
``/wfs`` and WMS GetFeatureInfo for the WMS of ``/tiles``."""
