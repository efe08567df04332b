"""jobs: the table that mirrors every background job (tenant-owned, RLS)

Revision ID: 0003
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op
from flask import current_app
from sqlalchemy.dialects import postgresql

from unionhome.core import rls

revision = '0003'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jobs',
    sa.Column('tenant_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('parent_id', sa.BigInteger(), nullable=True),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.Column('queue', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_by', sa.BigInteger(), nullable=True),
    sa.Column('scope_path', sa.String(length=500), nullable=True),
    sa.Column('func', sa.String(length=200), nullable=False),
    sa.Column('args', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('state', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('progress_done', sa.BigInteger(), nullable=False),
    sa.Column('progress_total', sa.BigInteger(), nullable=True),
    sa.Column('counts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.Column('error_detail', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('retries', sa.Integer(), nullable=False),
    sa.Column('max_retries', sa.Integer(), nullable=False),
    sa.Column('retry_intervals', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('recoveries', sa.Integer(), nullable=False),
    sa.Column('timeout_s', sa.Integer(), nullable=False),
    sa.Column('rq_job_id', sa.String(length=100), nullable=True),
    sa.Column('dispatch_seq', sa.Integer(), nullable=False),
    sa.Column('worker_name', sa.String(length=100), nullable=True),
    sa.Column('idempotency_key', sa.String(length=120), nullable=True),
    sa.Column('cancel_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('chunks_total', sa.Integer(), nullable=False),
    sa.Column('chunks_done', sa.Integer(), nullable=False),
    sa.Column('chunks_failed', sa.Integer(), nullable=False),
    sa.Column('waiting', sa.Boolean(), nullable=False),
    sa.Column('resume_after_chunks', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
                       name=op.f('ck_jobs_status')),
    sa.ForeignKeyConstraint(['started_by'], ['users.id'], name=op.f('fk_jobs_started_by_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'parent_id'], ['jobs.tenant_id', 'jobs.id'],
                            name=op.f('fk_jobs_tenant_id_parent_id_jobs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_jobs_tenant_id_tenants')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_jobs'))
    )
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index('ix_jobs_active', ['status', 'heartbeat_at'], unique=False,
                              postgresql_where=sa.text("status IN ('queued', 'running')"))
        batch_op.create_index('ix_jobs_parent', ['tenant_id', 'parent_id'], unique=False)
        batch_op.create_index('ix_jobs_started_by', ['tenant_id', 'started_by'], unique=False)
        batch_op.create_index('uq_jobs_idempotency', ['tenant_id', 'kind', 'idempotency_key'], unique=True,
                              postgresql_where=sa.text('idempotency_key IS NOT NULL'))

    role = current_app.config["APP_DB_ROLE"]
    rls.grant_app_role(role, ['jobs'])
    rls.tenant_policy('jobs')


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('uq_jobs_idempotency', postgresql_where=sa.text('idempotency_key IS NOT NULL'))
        batch_op.drop_index('ix_jobs_started_by')
        batch_op.drop_index('ix_jobs_parent')
        batch_op.drop_index('ix_jobs_active', postgresql_where=sa.text("status IN ('queued', 'running')"))

    op.drop_table('jobs')
