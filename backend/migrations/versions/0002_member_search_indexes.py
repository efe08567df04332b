"""member search indexes: name prefix (C collation), mobile, last 4 ID digits, employment type

Lists and searches on a county with 1,000,000 members (bench/README.md). Row-level security lets
PostgreSQL use an index only for leakproof operators: `name LIKE '张%'` is not one, so the member
service searches a name prefix as a range in the "C" collation (`'张' <= name < '弡'`), which this
index serves in any database collation. Mobile and last-4 searches and the employment-type filter
had no index and read the whole tenant.

Revision ID: 0002
Revises: 0004
"""
from alembic import op

revision = '0002'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.execute('CREATE INDEX ix_members_name_prefix ON members (tenant_id, name COLLATE "C")')
    op.create_index('ix_members_mobile', 'members', ['tenant_id', 'mobile'])
    op.create_index('ix_members_last4', 'members', ['tenant_id', 'id_last4'])
    op.create_index('ix_members_employment', 'members', ['tenant_id', 'employment_type', 'id'])


def downgrade():
    op.drop_index('ix_members_employment', table_name='members')
    op.drop_index('ix_members_last4', table_name='members')
    op.drop_index('ix_members_mobile', table_name='members')
    op.drop_index('ix_members_name_prefix', table_name='members')
