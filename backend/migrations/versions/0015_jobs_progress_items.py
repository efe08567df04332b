"""jobs: a fan-out parent may count items its chunks report instead of its chunks (progress_items)

Readers of the festival roster share a roster job's workbooks among themselves; the job's progress is
the workbooks read, which the readers add as they commit (`JobContext.add_parent_progress`), not the
two or three readers done. The flag says so, for `child_finished` to leave that progress alone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-22 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('jobs', sa.Column('progress_items', sa.Boolean(), server_default=sa.text('false'), nullable=False))


def downgrade():
    op.drop_column('jobs', 'progress_items')
