"""Condolence API: campaigns (views are added as the stage is built)."""

from __future__ import annotations

from . import blp  # noqa: F401
