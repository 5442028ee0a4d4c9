# SPDX-License-Identifier: MIT
"""Decoding the text of a source: one encoding per file, detected from its content."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ingest.encoding import ENCODINGS, Codecs, as_legacy, detect
from ingest.errors import IngestError

SAMPLE_LIMIT = 2_000


def _is_text(array: pa.Array) -> bool:
    return pa.types.is_string(array.type) or pa.types.is_large_string(array.type)


class TextDecoder:
    """Turns raw field names and string columns into Unicode NFC in one encoding.

    With ``auto`` the encoding is decided at the first non-ASCII text seen (field names or
    values); until then everything is ASCII, which reads the same in every encoding.
    """

    def __init__(self, encoding: str = "auto") -> None:
        if encoding != "auto" and encoding not in ENCODINGS:
            raise IngestError(f"bảng mã {encoding!r} không hỗ trợ; dùng auto, "
                              f"{', '.join(ENCODINGS)}")
        self.codecs = Codecs()
        self.encoding: str | None = None if encoding == "auto" else encoding

    def observe(self, names: list[bytes], batch: pa.RecordBatch | None) -> None:
        """Decide the encoding from names and a batch, if not decided yet."""
        if self.encoding is not None:
            return
        samples = [name for name in names if not name.isascii()]
        for array in (batch.columns if batch is not None else ()):
            if len(samples) >= SAMPLE_LIMIT or not _is_text(array):
                continue
            wide = pc.filter(array, pc.invert(pc.fill_null(pc.string_is_ascii(array), True)))
            samples.extend(wide.cast(pa.binary()).to_pylist()[:SAMPLE_LIMIT])
        self.encoding = detect(samples, self.codecs)

    def value(self, raw: bytes) -> str:
        """One raw value as NFC text in the file's encoding."""
        encoding = self.encoding or "utf-8"
        try:
            return self.codecs.decode(as_legacy(raw, encoding), encoding)
        except UnicodeDecodeError:
            return self.codecs.decode(raw, "cp1258")

    def names(self, raw_names: list[bytes]) -> list[str]:
        return [self.value(name).strip() for name in raw_names]

    def column(self, array: pa.Array) -> pa.Array:
        """A string column decoded to NFC; other types pass through."""
        if not _is_text(array):
            return array
        if self.encoding in (None, "utf-8"):
            try:
                text = array.cast(pa.binary()).cast(pa.string())
                if pc.all(pc.string_is_ascii(text)).as_py() is not False:
                    return text  # ASCII (or all null) is already NFC
                return pc.utf8_normalize(text, "NFC")
            except pa.ArrowInvalid:
                pass
        raw = array.cast(pa.binary()).to_pylist()
        return pa.array([None if item is None else self.value(item) for item in raw], pa.string())

    @property
    def label(self) -> str:
        return self.encoding or "ascii"

