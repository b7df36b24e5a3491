"""search index

Keyword search tables, per dialect, outside the models (see app/fair/search.py): FTS5
tables on SQLite, tsvector tables with GIN indexes on PostgreSQL. Filled from the data
already there.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from app.fair.search import document_text

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (search table, FTS5 table, key column, indexed table)
TABLES = (
    ('posting_search', 'posting_fts', 'posting_id', 'posting'),
    ('booth_search', 'booth_fts', 'booth_id', 'booth'),
)

# Written against the schema as of this revision, not the current models.
POSTING_DOCUMENTS = """
SELECT p.id, v.title, v.category, v.city, v.district, v.description, v.requirements,
       v.benefits, o.name
FROM posting p
JOIN posting_version v ON v.posting_id = p.id AND v.status = 'live'
JOIN organization o ON o.id = p.org_id
WHERE p.withdrawn_at IS NULL AND p.hidden_at IS NULL
"""
BOOTH_DOCUMENTS = """
SELECT b.id, o.name, o.description, b.intro
FROM booth b JOIN organization o ON o.id = b.org_id
"""


def _create(dialect: str) -> None:
    for search, fts, key, target in TABLES:
        if dialect == 'sqlite':
            op.execute(f"CREATE VIRTUAL TABLE {fts} USING fts5(tokens, tokenize='unicode61')")
            continue
        op.create_table(
            search,
            sa.Column(key, sa.Integer(), nullable=False),
            sa.Column('tokens', postgresql.TSVECTOR(), nullable=False),
            sa.ForeignKeyConstraint(
                [key], [f'{target}.id'], name=f'fk_{search}_{key}_{target}', ondelete='CASCADE'
            ),
            sa.PrimaryKeyConstraint(key, name=f'pk_{search}'),
        )
        op.create_index(f'ix_{search}_tokens', search, ['tokens'], postgresql_using='gin')


def _backfill(dialect: str) -> None:
    bind = op.get_bind()
    for (search, fts, key, _), documents in zip(TABLES, (POSTING_DOCUMENTS, BOOTH_DOCUMENTS)):
        rows = [
            {'id': row[0], 'text': document_text(*(part or '' for part in row[1:]))}
            for row in bind.execute(sa.text(documents))
        ]
        if not rows:
            continue
        if dialect == 'sqlite':
            insert = f'INSERT INTO {fts} (rowid, tokens) VALUES (:id, :text)'
        else:
            insert = f"INSERT INTO {search} ({key}, tokens) VALUES (:id, to_tsvector('simple', :text))"
        bind.execute(sa.text(insert), rows)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _create(dialect)
    _backfill(dialect)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for search, fts, _, _ in TABLES:
        if dialect == 'sqlite':
            op.execute(f'DROP TABLE {fts}')
        else:
            op.drop_index(f'ix_{search}_tokens', table_name=search, postgresql_using='gin')
            op.drop_table(search)
