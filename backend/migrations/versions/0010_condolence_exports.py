"""condolence exports: generated workflow files kept in S3 (tenant-owned, RLS); notice lines and
payments check their parents per statement instead of per row

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 22:13:30.640162

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from unionhome.core import rls


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TABLES = ['condolence_exports']

# A county notice or a bank batch of 300,000 lines is one INSERT … SELECT; four row-level foreign keys
# are ~4 µs each per row there (seconds). Like condolence_lines (0008), these children check their
# parents once per statement, and what the foreign keys did on delete (cascade for notice lines,
# refusal for payments) is done by statement triggers on the parents.
DROPPED_FKS = {
    'condolence_notice_lines': ['fk_condolence_notice_lines_tenant_id_line_id_condolence_lines',
                                'fk_condolence_notice_lines_tenant_id_notice_id_condolen_b921',
                                'fk_condolence_notice_lines_tenant_id_tenants'],
    'condolence_payments': ['fk_condolence_payments_tenant_id_batch_id_condolence_pa_e79d',
                            'fk_condolence_payments_tenant_id_campaign_id_condolence_b6d6',
                            'fk_condolence_payments_tenant_id_line_id_condolence_lines',
                            'fk_condolence_payments_tenant_id_tenants'],
}

TRIGGERS_SQL = """
CREATE FUNCTION condolence_notice_lines_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n
               WHERE NOT EXISTS (SELECT 1 FROM condolence_notices p WHERE p.tenant_id = n.tenant_id AND p.id = n.notice_id)
                  OR NOT EXISTS (SELECT 1 FROM condolence_lines l WHERE l.tenant_id = n.tenant_id AND l.id = n.line_id)) THEN
        RAISE EXCEPTION 'condolence_notice_lines: a row refers to no notice or no line of its tenant'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER condolence_notice_lines_parents_on_insert AFTER INSERT ON condolence_notice_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_notice_lines_parents_exist();
CREATE TRIGGER condolence_notice_lines_parents_on_update AFTER UPDATE ON condolence_notice_lines
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_notice_lines_parents_exist();

CREATE FUNCTION condolence_payments_parents_exist() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM new_rows n
               WHERE NOT EXISTS (SELECT 1 FROM condolence_lines l
                                 WHERE l.tenant_id = n.tenant_id AND l.id = n.line_id AND l.campaign_id = n.campaign_id)
                  OR (n.batch_id IS NOT NULL AND NOT EXISTS (
                        SELECT 1 FROM condolence_payment_batches b
                        WHERE b.tenant_id = n.tenant_id AND b.id = n.batch_id AND b.campaign_id = n.campaign_id))) THEN
        RAISE EXCEPTION 'condolence_payments: a row refers to no line or no payment batch of its tenant and campaign'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER condolence_payments_parents_on_insert AFTER INSERT ON condolence_payments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_payments_parents_exist();
CREATE TRIGGER condolence_payments_parents_on_update AFTER UPDATE ON condolence_payments
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_payments_parents_exist();

-- deleting a notice or a line: its notice lines go too (the old ON DELETE CASCADE)
CREATE FUNCTION condolence_notices_delete_lines() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM condolence_notice_lines nl USING old_rows o WHERE nl.tenant_id = o.tenant_id AND nl.notice_id = o.id;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER condolence_notices_delete_lines AFTER DELETE ON condolence_notices
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_notices_delete_lines();

-- deleting lines: their notice lines go; a line with a payment cannot be deleted (the old foreign key)
CREATE FUNCTION condolence_lines_delete_children() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF EXISTS (SELECT 1 FROM condolence_payments p JOIN old_rows o ON p.tenant_id = o.tenant_id AND p.line_id = o.id) THEN
        RAISE EXCEPTION 'condolence_lines: a line that has a payment cannot be deleted'
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    DELETE FROM condolence_notice_lines nl USING old_rows o WHERE nl.tenant_id = o.tenant_id AND nl.line_id = o.id;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER condolence_lines_delete_children AFTER DELETE ON condolence_lines
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_lines_delete_children();

-- a payment batch or a campaign that payments point at cannot be deleted
CREATE FUNCTION condolence_payment_parents_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF (TG_TABLE_NAME = 'condolence_payment_batches' AND EXISTS (
            SELECT 1 FROM condolence_payments p JOIN old_rows o ON p.tenant_id = o.tenant_id AND p.batch_id = o.id))
       OR (TG_TABLE_NAME = 'condolence_campaigns' AND EXISTS (
            SELECT 1 FROM condolence_payments p JOIN old_rows o ON p.tenant_id = o.tenant_id AND p.campaign_id = o.id)) THEN
        RAISE EXCEPTION '%: payments still refer to the deleted row', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END
$fn$;
CREATE TRIGGER condolence_payment_batches_keep_payments AFTER DELETE ON condolence_payment_batches
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_payment_parents_keep();
CREATE TRIGGER condolence_campaigns_keep_payments AFTER DELETE ON condolence_campaigns
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION condolence_payment_parents_keep();
"""

DROP_TRIGGERS_SQL = """
DROP TRIGGER IF EXISTS condolence_campaigns_keep_payments ON condolence_campaigns;
DROP TRIGGER IF EXISTS condolence_payment_batches_keep_payments ON condolence_payment_batches;
DROP TRIGGER IF EXISTS condolence_lines_delete_children ON condolence_lines;
DROP TRIGGER IF EXISTS condolence_notices_delete_lines ON condolence_notices;
DROP TRIGGER IF EXISTS condolence_payments_parents_on_update ON condolence_payments;
DROP TRIGGER IF EXISTS condolence_payments_parents_on_insert ON condolence_payments;
DROP TRIGGER IF EXISTS condolence_notice_lines_parents_on_update ON condolence_notice_lines;
DROP TRIGGER IF EXISTS condolence_notice_lines_parents_on_insert ON condolence_notice_lines;
DROP FUNCTION IF EXISTS condolence_payment_parents_keep();
DROP FUNCTION IF EXISTS condolence_lines_delete_children();
DROP FUNCTION IF EXISTS condolence_notices_delete_lines();
DROP FUNCTION IF EXISTS condolence_payments_parents_exist();
DROP FUNCTION IF EXISTS condolence_notice_lines_parents_exist();
"""


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('condolence_exports',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('job_id', sa.BigInteger(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=True),
    sa.Column('ascii_filename', sa.String(length=255), nullable=True),
    sa.Column('mimetype', sa.String(length=100), nullable=True),
    sa.Column('storage_key', sa.String(length=300), nullable=True),
    sa.Column('s3_version_id', sa.String(length=200), nullable=True),
    sa.Column('key_enc', sa.LargeBinary(), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.Column('downloads', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.BigInteger(), nullable=True),
    sa.Column('requester_name', sa.String(length=100), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['condolence_campaigns.tenant_id', 'condolence_campaigns.id'], name=op.f('fk_condolence_exports_tenant_id_campaign_id_condolence_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_condolence_exports_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_condolence_exports'))
    )
    with op.batch_alter_table('condolence_exports', schema=None) as batch_op:
        batch_op.create_index('ix_condolence_exports_subject', ['tenant_id', 'kind', 'subject_id', 'id'], unique=False)

    # ### end Alembic commands ###

    for table, names in DROPPED_FKS.items():
        for name in names:
            op.drop_constraint(name, table, type_='foreignkey')
    op.execute(TRIGGERS_SQL)

    role = current_app.config["APP_DB_ROLE"]
    rls.grant_app_role(role, TABLES)
    for table in TABLES:
        rls.tenant_policy(table)


def downgrade():
    op.execute(DROP_TRIGGERS_SQL)
    op.create_foreign_key('fk_condolence_notice_lines_tenant_id_line_id_condolence_lines', 'condolence_notice_lines',
                          'condolence_lines', ['tenant_id', 'line_id'], ['tenant_id', 'id'], ondelete='CASCADE')
    op.create_foreign_key('fk_condolence_notice_lines_tenant_id_notice_id_condolen_b921', 'condolence_notice_lines',
                          'condolence_notices', ['tenant_id', 'notice_id'], ['tenant_id', 'id'], ondelete='CASCADE')
    op.create_foreign_key('fk_condolence_notice_lines_tenant_id_tenants', 'condolence_notice_lines', 'tenants',
                          ['tenant_id'], ['id'])
    op.create_foreign_key('fk_condolence_payments_tenant_id_batch_id_condolence_pa_e79d', 'condolence_payments',
                          'condolence_payment_batches', ['tenant_id', 'batch_id'], ['tenant_id', 'id'])
    op.create_foreign_key('fk_condolence_payments_tenant_id_campaign_id_condolence_b6d6', 'condolence_payments',
                          'condolence_campaigns', ['tenant_id', 'campaign_id'], ['tenant_id', 'id'])
    op.create_foreign_key('fk_condolence_payments_tenant_id_line_id_condolence_lines', 'condolence_payments',
                          'condolence_lines', ['tenant_id', 'line_id'], ['tenant_id', 'id'])
    op.create_foreign_key('fk_condolence_payments_tenant_id_tenants', 'condolence_payments', 'tenants',
                          ['tenant_id'], ['id'])
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('condolence_exports', schema=None) as batch_op:
        batch_op.drop_index('ix_condolence_exports_subject')

    op.drop_table('condolence_exports')
    # ### end Alembic commands ###
