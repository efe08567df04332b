"""condolence: notices and payment batches are prepared by a background job (job_id, error)

A county notice or bank batch of 300,000 lines took seconds to write inside a request: the request now
records the notice / batch as `preparing` with the job that writes its lines (`job_id`), and the job's
failure message lands in `error`. No new tables (RLS of both tables is from 0009).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-22 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ('condolence_notices', 'condolence_payment_batches')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('job_id', sa.BigInteger(), nullable=True))
        op.add_column(table, sa.Column('error', sa.String(length=500), nullable=True))


def downgrade():
    for table in TABLES:
        op.drop_column(table, 'error')
        op.drop_column(table, 'job_id')
