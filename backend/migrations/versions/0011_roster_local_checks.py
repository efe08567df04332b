"""condolence roster: line-local verdicts written as lines are read (pre_code/pre_reason, the nominated
category, each batch's check basis); no index on the lines' ID hash; fillfactor 90; the parent check
on UPDATE becomes a row trigger that fires only when a line's parents change, the one on INSERT
probes each batch once; hardship_revisions counts the changes of each tenant's hardship file

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21 22:30:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from unionhome.core import rls

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ROW_CHECK_SQL = """
CREATE FUNCTION condolence_lines_parents_exist_row() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM condolence_batches b
                   WHERE b.tenant_id = NEW.tenant_id AND b.id = NEW.batch_id AND b.campaign_id = NEW.campaign_id) THEN
        RAISE EXCEPTION 'condolence_lines: a row refers to no batch of its tenant and campaign'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NEW;
END
$fn$;
CREATE TRIGGER condolence_lines_parents_on_update BEFORE UPDATE OF tenant_id, campaign_id, batch_id
    ON condolence_lines FOR EACH ROW EXECUTE FUNCTION condolence_lines_parents_exist_row();
"""

# The statement check probes each (tenant, campaign, batch) once, not once per inserted line: its plan
# is cached per session and, per line, cost more as the batches' rows collected dead versions.
INSERT_CHECK_SQL = """
CREATE OR REPLACE FUNCTION condolence_lines_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT tenant_id, campaign_id, batch_id FROM changed_lines) n
               WHERE NOT EXISTS (SELECT 1 FROM condolence_batches b
                                 WHERE b.tenant_id = n.tenant_id AND b.id = n.batch_id
                                   AND b.campaign_id = n.campaign_id)) THEN
        RAISE EXCEPTION 'condolence_lines: a row refers to no batch of its tenant and campaign'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
"""

OLD_INSERT_CHECK_SQL = """
CREATE OR REPLACE FUNCTION condolence_lines_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM changed_lines n
               WHERE NOT EXISTS (SELECT 1 FROM condolence_batches b
                                 WHERE b.tenant_id = n.tenant_id AND b.id = n.batch_id
                                   AND b.campaign_id = n.campaign_id)) THEN
        RAISE EXCEPTION 'condolence_lines: a row refers to no batch of its tenant and campaign'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
"""

# A counter per tenant, raised by every statement that changes its hardship file: what the roster's line
# checks were made against is this number (`roster.local.basis`), not a scan of a million households.
REVISION_SQL = """
CREATE FUNCTION hardship_households_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    INSERT INTO hardship_revisions AS r (tenant_id, revision)
    SELECT DISTINCT tenant_id, 1 FROM changed_rows
    ON CONFLICT (tenant_id) DO UPDATE SET revision = r.revision + 1;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER hardship_households_revision_on_insert AFTER INSERT ON hardship_households
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION hardship_households_bump_revision();
CREATE TRIGGER hardship_households_revision_on_update AFTER UPDATE ON hardship_households
    REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION hardship_households_bump_revision();
CREATE TRIGGER hardship_households_revision_on_delete AFTER DELETE ON hardship_households
    REFERENCING OLD TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION hardship_households_bump_revision();
"""

STATEMENT_CHECK_SQL = """
CREATE TRIGGER condolence_lines_parents_on_update AFTER UPDATE ON condolence_lines
    REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION condolence_lines_parents_exist();
"""


def upgrade():
    op.add_column('condolence_batches', sa.Column('checked_basis', sa.String(length=64), nullable=True))
    op.add_column('condolence_lines', sa.Column('sheet_category_code', sa.String(length=30), nullable=True))
    op.add_column('condolence_lines', sa.Column('pre_code', sa.String(length=40), nullable=True))
    op.add_column('condolence_lines', sa.Column('pre_reason', sa.String(length=500), nullable=True))
    # Lines read before: what they carry as their category is the best account of what was nominated;
    # their batches have no basis, so the next judgement checks them again.
    op.execute("UPDATE condolence_lines SET sheet_category_code = category_code WHERE category_code IS NOT NULL")
    op.drop_index('ix_condolence_lines_campaign_hash', table_name='condolence_lines')
    op.execute("ALTER TABLE condolence_lines SET (fillfactor = 90)")
    # A statement trigger with a transition table copies every updated row (a verdict, a review) to
    # check parents that cannot have changed; a row trigger on the parent columns costs nothing else.
    op.execute("DROP TRIGGER condolence_lines_parents_on_update ON condolence_lines")
    op.execute(ROW_CHECK_SQL)
    op.execute(INSERT_CHECK_SQL)
    op.create_table(
        'hardship_revisions',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_hardship_revisions_tenant_id_tenants')),
        sa.PrimaryKeyConstraint('tenant_id', name=op.f('pk_hardship_revisions')),
    )
    op.execute("INSERT INTO hardship_revisions (tenant_id, revision) SELECT DISTINCT tenant_id, 1 FROM hardship_households")
    rls.grant_app_role(current_app.config["APP_DB_ROLE"], ['hardship_revisions'])
    rls.tenant_policy('hardship_revisions')
    op.execute(REVISION_SQL)


def downgrade():
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER hardship_households_revision_on_{event} ON hardship_households")
    op.execute("DROP FUNCTION hardship_households_bump_revision()")
    op.drop_table('hardship_revisions')
    op.execute("DROP TRIGGER condolence_lines_parents_on_update ON condolence_lines")
    op.execute("DROP FUNCTION condolence_lines_parents_exist_row()")
    op.execute(OLD_INSERT_CHECK_SQL)
    op.execute(STATEMENT_CHECK_SQL)
    op.execute("ALTER TABLE condolence_lines SET (fillfactor = 50)")
    op.create_index('ix_condolence_lines_campaign_hash', 'condolence_lines', ['tenant_id', 'campaign_id', 'id_hash'],
                    unique=False)
    op.drop_column('condolence_lines', 'pre_reason')
    op.drop_column('condolence_lines', 'pre_code')
    op.drop_column('condolence_lines', 'sheet_category_code')
    op.drop_column('condolence_batches', 'checked_basis')
