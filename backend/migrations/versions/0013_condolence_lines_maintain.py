"""condolence: the app role may ANALYZE condolence_lines (PostgreSQL 17+: MAINTAIN)

A roster job writes a new campaign's lines by the hundred thousand and judges them right away, before
autovacuum has analyzed the table: the planner, still believing the campaign has no lines, hashed the
million lines instead of the 500 batches (the judgement's line table took 4.6 s instead of 1.7 s). The
job now refreshes the table's statistics first when they are that stale (`roster.repository`), which the
app role may do with the MAINTAIN privilege (as migration 0007 grants for the import staging tables).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-22 12:00:00

"""
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _maintain(verb: str) -> None:
    role = current_app.config["APP_DB_ROLE"]
    op.execute(f"DO $$ BEGIN IF current_setting('server_version_num')::int >= 170000 THEN "
               f"EXECUTE '{verb} MAINTAIN ON condolence_lines {'TO' if verb == 'GRANT' else 'FROM'} \"{role}\"'; "
               f"END IF; END $$")


def upgrade():
    _maintain("GRANT")


def downgrade():
    _maintain("REVOKE")
