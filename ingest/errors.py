# SPDX-License-Identifier: MIT
"""The one error type of the pipeline: a single readable line that says what to do."""
from __future__ import annotations


class IngestError(Exception):
    """Bad input or an impossible request; the message is one line for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.split()))


def first_line(exc: BaseException) -> str:
    """An unforeseen error's first line (never the SQL that follows), or its type's name."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
