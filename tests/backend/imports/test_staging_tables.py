"""The periodic clean-up empties every staging table: each import kind's own (derived from the registered
kinds, so a new kind cannot be left out) and the shared problem and piece tables."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from unionhome.domains.orgs.imports import engine
from unionhome.extensions import db

pytestmark = pytest.mark.integration


def test_every_staging_table_in_the_schema_is_cleaned_up(app, database):
    with app.app_context():
        in_schema = set(db.session.execute(text("""
            SELECT c.table_name FROM information_schema.columns c
            WHERE c.table_schema = 'public' AND c.table_name LIKE 'import\\_%' AND c.column_name = 'batch_id'
        """)).scalars())
        db.session.rollback()
    assert in_schema, "no staging tables found"
    assert in_schema <= set(engine.staging_tables())
    assert len(engine.staging_tables()) == len(set(engine.staging_tables()))
