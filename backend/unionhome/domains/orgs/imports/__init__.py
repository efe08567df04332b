"""Spreadsheet imports of the org register (members, employers) on top of ``core.spreadsheets``.

``definitions`` (members.py, employers.py) say what a row is and how it is checked and upserted;
``engine`` runs a dry run or a commit for one import batch (a job function's body); ``services`` are the
use cases behind ``routes/imports.py``.
"""
