"""evidence: archived files (evidence_items) and zip bundles (evidence_bundles), tenant-owned with RLS

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from unionhome.core import rls

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

TABLES = ['evidence_items', 'evidence_bundles']


def upgrade():
    op.create_table('evidence_items',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=True),
    sa.Column('declared_size', sa.BigInteger(), nullable=False),
    sa.Column('declared_type', sa.String(length=120), nullable=False),
    sa.Column('declared_sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_reason', sa.String(length=1000), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('detected_type', sa.String(length=120), nullable=True),
    sa.Column('s3_version_id', sa.String(length=200), nullable=True),
    sa.Column('s3_etag', sa.String(length=200), nullable=True),
    sa.Column('retention_mode', sa.String(length=20), nullable=True),
    sa.Column('retain_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('uploaded_by', sa.BigInteger(), nullable=True),
    sa.Column('uploader_name', sa.String(length=60), nullable=False),
    sa.Column('job_id', sa.BigInteger(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_by', sa.BigInteger(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['deleted_by'], ['users.id'], name=op.f('fk_evidence_items_deleted_by_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_evidence_items_tenant_id_tenants')),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_evidence_items_uploaded_by_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_evidence_items')),
    sa.UniqueConstraint('tenant_id', 'storage_key', name='uq_evidence_items_storage_key')
    )
    op.create_index('ix_evidence_items_subject', 'evidence_items',
                    ['tenant_id', 'subject_type', 'subject_id', 'id'], unique=False)
    op.create_index('ix_evidence_items_status', 'evidence_items', ['tenant_id', 'status', 'created_at'], unique=False)

    op.create_table('evidence_bundles',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('subject_type', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.BigInteger(), nullable=False),
    sa.Column('subject_name', sa.String(length=200), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('job_id', sa.BigInteger(), nullable=True),
    sa.Column('requested_by', sa.BigInteger(), nullable=True),
    sa.Column('requester_name', sa.String(length=60), nullable=False),
    sa.Column('storage_key', sa.String(length=300), nullable=True),
    sa.Column('item_count', sa.Integer(), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('s3_version_id', sa.String(length=200), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_evidence_bundles_requested_by_users')),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_evidence_bundles_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_evidence_bundles'))
    )
    op.create_index('ix_evidence_bundles_subject', 'evidence_bundles',
                    ['tenant_id', 'subject_type', 'subject_id', 'id'], unique=False)

    role = current_app.config["APP_DB_ROLE"]
    rls.grant_app_role(role, TABLES)
    for table in TABLES:
        rls.tenant_policy(table)


def downgrade():
    op.drop_index('ix_evidence_bundles_subject', table_name='evidence_bundles')
    op.drop_table('evidence_bundles')
    op.drop_index('ix_evidence_items_status', table_name='evidence_items')
    op.drop_index('ix_evidence_items_subject', table_name='evidence_items')
    op.drop_table('evidence_items')
