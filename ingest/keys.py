# SPDX-License-Identifier: MIT
"""Natural-key duplicates, found while the batches stream by (before anything is staged)."""
from __future__ import annotations

import numpy as np
import pyarrow as pa


class FirstSeen:
    """Remembers the first feature read with each natural key; later ones are duplicates.

    Keys compare by their coerced values (what the live table would store), a missing value
    like any other (as the SQL window over the staged rows did). About 150 bytes a key.
    """

    def __init__(self, key: tuple[str, ...]) -> None:
        self.key = key
        self.first: dict[tuple, object] = {}

    def duplicates(self, columns: dict[str, pa.Array], fids: list,
                   rows: np.ndarray) -> dict[int, object]:
        """{row: fid of the first feature with its key} among ``rows`` (in order); the other
        rows' keys are remembered."""
        if len(rows) == 0:
            return {}
        picked = pa.array(rows)
        values = [columns[name].take(picked).to_pylist() for name in self.key]
        first, found = self.first, {}
        for row, key in zip(rows.tolist(), zip(*values, strict=True), strict=True):
            if key in first:
                found[row] = first[key]
            else:
                first[key] = fids[row]
        return found
