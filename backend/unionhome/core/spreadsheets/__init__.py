"""Spreadsheet import framework, shared by every domain that takes uploads (members, employers, rosters …).

Layers, each usable on its own:

* ``source.inspect(path, filename, limits)``: what the file really is (content, not extension), zip-bomb
  and corruption checks for .xlsx, encoding (UTF-8, UTF-8 BOM, UTF-16, GBK/GB18030) for CSV;
* ``readers.Workbook(source).tables()``: rows as ``(index, cells)`` via python-calamine / ``csv``, or for
  .xlsx with ``streaming=True`` via ``xlsx.SheetReader`` (bounded memory whatever the row count); every
  table can be resumed at a saved ``position`` (a job's next slice goes on where the last one stopped);
* ``headers.Column`` + ``match_headers``: the header row below title rows, merged header cells,
  synonyms; a clear error listing missing required columns and what was found;
* ``cells``: normalisation and parsers (text, person names, ID numbers, mobiles, credit codes, bank
  cards, dates as serials or ``2024.1.5`` / ``2024年1月5日``, integers, choices);
* ``pipeline.open_file(...)`` → ``OpenedFile.reader(state).chunks(size, progress)``: parsed rows with
  their cell issues, chunk by chunk, stopping after a run of blank rows; ``reader.state()`` to resume;
* ``annotate.write_annotated(opened, issues_by_row, out)``: the user's workbook with a 错误说明 column
  and red, commented bad cells; ``xlsxwrite.AnnotatedSheet`` writes it in pieces (one per job slice)
  that ``xlsxwrite.write_zip`` puts together without inflating them again.

A domain's import defines its ``Column`` list, checks row rules and resolves references per chunk, and
stages rows set-based (see ``domains/orgs/imports`` for the first two users).
"""

from __future__ import annotations

from .annotate import ERROR_COLUMN, write_annotated
from .errors import CellError, SpreadsheetError
from .headers import Column, HeaderMatch
from .pipeline import Issue, OpenedFile, ParsedRow, Progress, RowReader, open_file
from .source import DEFAULT_LIMITS, Limits, Source, col_letters, inspect

__all__ = [
    "DEFAULT_LIMITS", "ERROR_COLUMN", "CellError", "Column", "HeaderMatch", "Issue", "Limits", "OpenedFile",
    "ParsedRow", "Progress", "RowReader", "Source", "SpreadsheetError", "col_letters", "inspect", "open_file",
    "write_annotated",
]
