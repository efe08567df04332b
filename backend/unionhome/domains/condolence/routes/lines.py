"""Condolence API: lines (views are added as the stage is built)."""

from __future__ import annotations

from . import blp  # noqa: F401
