"""Errors of the spreadsheet framework. Messages are Chinese and shown to users as they are."""

from __future__ import annotations


class SpreadsheetError(ValueError):
    """The file as a whole cannot be imported (corrupt, empty, wrong headers, too big …).

    ``message`` is for the user; ``code`` is stable and meant for programs and tests.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class CellError(ValueError):
    """One cell's value is unusable; ``message`` (Chinese) goes into the row's problem list."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
