"""import staging: what a running (sliced, resumable) import has read so far, tenant-owned with RLS;
progress columns on import_batches

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from unionhome.core import rls

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TABLES = ['import_member_rows', 'import_employer_rows', 'import_issues', 'import_parts']


def _keys(table, *pk):
    # No foreign keys (see domains/orgs/imports/models.py): a million staged rows would pay two FK
    # checks each; rows of batches that are gone are removed by the periodic imports.cleanup.
    return [sa.PrimaryKeyConstraint('tenant_id', 'batch_id', *pk, name=op.f(f'pk_{table}'))]


def _staged(table, key_type, *payload):
    op.create_table(
        table,
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('batch_id', sa.BigInteger(), nullable=False),
        sa.Column('row_no', sa.Integer(), nullable=False),
        sa.Column('key', key_type, nullable=False),
        sa.Column('digest', sa.String(length=32), nullable=False),
        sa.Column('ok', sa.Boolean(), server_default=sa.text('true'), nullable=False),
        *payload,
        *_keys(table, 'row_no'),
    )


def upgrade():
    op.add_column('import_batches', sa.Column('step', sa.String(length=20), nullable=True))
    op.add_column('import_batches', sa.Column('step_done', sa.BigInteger(), server_default='0', nullable=False))
    op.add_column('import_batches', sa.Column('step_total', sa.BigInteger(), nullable=True))

    _staged('import_member_rows', sa.LargeBinary(),
            sa.Column('id_enc', sa.LargeBinary(), nullable=True),
            sa.Column('region_code', sa.Text(), nullable=True),
            sa.Column('last4', sa.Text(), nullable=True),
            sa.Column('birth_date', sa.Date(), nullable=True),
            sa.Column('gender', sa.Text(), nullable=True),
            sa.Column('name', sa.Text(), nullable=True),
            sa.Column('mobile', sa.Text(), nullable=True),
            sa.Column('org_id', sa.BigInteger(), nullable=True),
            sa.Column('employer_id', sa.BigInteger(), nullable=True),
            sa.Column('join_date', sa.Date(), nullable=True),
            sa.Column('employment_type', sa.Text(), nullable=True),
            sa.Column('member_card_number', sa.Text(), nullable=True),
            sa.Column('remark', sa.Text(), nullable=True))
    _staged('import_employer_rows', sa.Text(),
            sa.Column('is_new', sa.Boolean(), nullable=False),
            sa.Column('name', sa.Text(), nullable=True),
            sa.Column('ownership_type', sa.Text(), nullable=True),
            sa.Column('sector', sa.Text(), nullable=True),
            sa.Column('staff_count', sa.Integer(), nullable=True),
            sa.Column('women_count', sa.Integer(), nullable=True),
            sa.Column('migrant_count', sa.Integer(), nullable=True),
            sa.Column('address', sa.Text(), nullable=True),
            sa.Column('legal_representative', sa.Text(), nullable=True),
            sa.Column('contact_phone', sa.Text(), nullable=True),
            sa.Column('township_org_id', sa.BigInteger(), nullable=True),
            sa.Column('union_status', sa.Text(), nullable=True),
            sa.Column('covering_org_id', sa.BigInteger(), nullable=True),
            sa.Column('remark', sa.Text(), nullable=True))
    op.create_table(
        'import_issues',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('batch_id', sa.BigInteger(), nullable=False),
        sa.Column('row_no', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('col', sa.Integer(), nullable=True),
        sa.Column('label', sa.Text(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        *_keys('import_issues', 'row_no', 'seq'),
    )
    op.create_table(
        'import_parts',
        sa.Column('tenant_id', sa.BigInteger(), nullable=False),
        sa.Column('batch_id', sa.BigInteger(), nullable=False),
        sa.Column('stream', sa.String(length=1), nullable=False),
        sa.Column('part_no', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        *_keys('import_parts', 'stream', 'part_no'),
    )
    # Staged rows come and go by the million: vacuum them early rather than at 20 % dead rows.
    for table in TABLES:
        op.execute(f'ALTER TABLE {table} SET (autovacuum_vacuum_scale_factor = 0.02, '
                   'autovacuum_analyze_scale_factor = 0.02)')

    role = current_app.config["APP_DB_ROLE"]
    rls.grant_app_role(role, TABLES)
    for table in TABLES:
        rls.tenant_policy(table)
        # ANALYZE after a million rows are staged (PostgreSQL 17+ has a privilege for it).
        op.execute(f"DO $$ BEGIN IF current_setting('server_version_num')::int >= 170000 THEN "
                   f"EXECUTE 'GRANT MAINTAIN ON {table} TO \"{role}\"'; END IF; END $$")


def downgrade():
    for table in reversed(TABLES):
        op.drop_table(table)
    op.drop_column('import_batches', 'step_total')
    op.drop_column('import_batches', 'step_done')
    op.drop_column('import_batches', 'step')
