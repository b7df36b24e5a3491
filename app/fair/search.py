"""Keyword search over postings and booths, for Chinese and English, on SQLite and PostgreSQL.

Chinese has no spaces between words, SQLite's trigram tokenizer cannot answer two-character
queries (销售, 司机) and pg_trgm drops CJK in a C-locale database. So text is tokenized here,
the same way for documents and queries, and each database indexes the tokens natively:
an FTS5 table on SQLite, a ``tsvector`` column with a GIN index on PostgreSQL.

Latin words and numbers are whole tokens. A run of CJK characters becomes its overlapping
bigrams plus its last character, so every character starts some token: a multi-character
query is a phrase of its bigrams (exact substring), a single character a prefix query.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import Organization
from app.fair.models import Booth, Posting, PostingVersion, VersionStatus

# Not SQLModel models: migrations create them per dialect, env.py leaves them alone.
SEARCH_TABLES: tuple[str, ...] = ("posting_fts", "booth_fts", "posting_search", "booth_search")
# The tables FTS5 keeps behind each virtual table.
FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")

MAX_QUERY_CHARS = 100
MAX_QUERY_RUNS = 10
# Queries are at most MAX_QUERY_CHARS long and Latin words are prefix queries, so cutting
# longer words here loses no match (and keeps PostgreSQL under its lexeme size limit).
MAX_WORD_CHARS = MAX_QUERY_CHARS

_CJK_RANGES = (
    (0x3041, 0x30FF),  # hiragana, katakana
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0x20000, 0x3134F),  # CJK extensions B to G
)


def is_search_table(name: str | None) -> bool:
    """Whether a table in the database is a search table or an FTS5 shadow table of one."""
    return name in SEARCH_TABLES or any(
        name == f"{table}_{shadow}" for table in SEARCH_TABLES for shadow in FTS5_SHADOWS
    )


def include_in_autogenerate(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic ``include_name`` filter: the search tables are made by hand, per dialect."""
    return not (type_ == "table" and is_search_table(name))


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def _runs(text: str) -> list[tuple[bool, str]]:
    """Maximal runs of letters and digits, each CJK or not: ``(is_cjk, run)``."""
    runs: list[tuple[bool, str]] = []
    current: list[str] = []
    current_cjk = False
    for char in unicodedata.normalize("NFKC", text).lower():
        # Only letters and digits: both databases' tokenizers treat the rest as separators.
        kind = _is_cjk(char) if char.isalnum() else None
        if current and kind != current_cjk:
            runs.append((current_cjk, "".join(current)))
            current = []
        if kind is not None:
            current.append(char)
            current_cjk = kind
    if current:
        runs.append((current_cjk, "".join(current)))
    return runs


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokenize(text: str) -> list[str]:
    """The index tokens of ``text``: whole Latin words, CJK bigrams plus each run's last char."""
    tokens: list[str] = []
    for cjk, run in _runs(text):
        if not cjk:
            tokens.append(run[:MAX_WORD_CHARS])
        else:
            tokens.extend([*_bigrams(run), run[-1]])
    return tokens


def document_text(*parts: str) -> str:
    """The indexed form of a document; parts are tokenized apart so no bigram spans two."""
    return " ".join(token for part in parts for token in tokenize(part))


@dataclass(frozen=True, slots=True)
class _Term:
    tokens: tuple[str, ...]  # one token, or a phrase of adjacent bigrams
    prefix: bool


def _terms(query: str) -> list[_Term]:
    terms: list[_Term] = []
    for cjk, run in _runs(query[:MAX_QUERY_CHARS])[:MAX_QUERY_RUNS]:
        if cjk and len(run) > 1:
            terms.append(_Term(tuple(_bigrams(run)), prefix=False))
        else:
            terms.append(_Term((run,), prefix=True))
    return list(dict.fromkeys(terms))


def fts5_query(query: str) -> str | None:
    """An FTS5 MATCH string for the user's query; ``None`` if it has nothing to search for."""
    # Tokens hold only letters and digits, so double quotes cannot be escaped out of.
    terms = [
        '"' + " ".join(term.tokens) + '"' + ("*" if term.prefix else "") for term in _terms(query)
    ]
    return " ".join(terms) or None


def tsquery(query: str) -> str | None:
    """A ``to_tsquery`` string for the user's query; ``None`` if it has nothing to search for."""
    terms = [
        "(" + " <-> ".join(f"'{token}'" for token in term.tokens) + ")"
        if len(term.tokens) > 1
        else f"'{term.tokens[0]}'" + (":*" if term.prefix else "")
        for term in _terms(query)
    ]
    return " & ".join(terms) or None


# -- Matching ----------------------------------------------------------------------------

_SIMPLE: sa.ColumnClause[str] = sa.literal_column("'simple'::regconfig")


@dataclass(frozen=True, slots=True)
class _Index:
    """One searchable table's index: ``fts`` on SQLite, ``search`` on PostgreSQL."""

    fts: sa.TableClause  # rowid is the indexed row's id
    search: sa.TableClause  # key column, tokens
    key: str

    @classmethod
    def of(cls, name: str) -> _Index:
        key = f"{name}_id"
        return cls(
            fts=sa.table(f"{name}_fts", sa.column("rowid", sa.Integer), sa.column("tokens")),
            search=sa.table(
                f"{name}_search",
                sa.column(key, sa.Integer),
                sa.column("tokens", postgresql.TSVECTOR),
            ),
            key=key,
        )

    def matching_ids(self, dialect: str, query: str) -> sa.Select[int] | None:
        """The ids of the rows matching the user's query, as a subquery."""
        if dialect == "sqlite":
            match = fts5_query(query)
            if match is None:
                return None
            where = sa.literal_column(self.fts.name).match(match)
            return sa.select(self.fts.c.rowid).where(where)
        ts_query = tsquery(query)
        if ts_query is None:
            return None
        matches = self.search.c.tokens.bool_op("@@")(sa.func.to_tsquery(_SIMPLE, ts_query))
        return sa.select(self.search.c[self.key]).where(matches)

    async def store(self, session: AsyncSession, row_id: int, text: str | None) -> None:
        """Replace the indexed document of ``row_id`` with ``text``; ``None`` removes it."""
        if session.get_bind().dialect.name == "sqlite":
            # FTS5 tables have no upsert: delete, then insert.
            await session.exec(sa.delete(self.fts).where(self.fts.c.rowid == row_id))
            if text is not None:
                await session.exec(sa.insert(self.fts).values(rowid=row_id, tokens=text))
            return
        key = self.search.c[self.key]
        if text is None:
            await session.exec(sa.delete(self.search).where(key == row_id))
            return
        upsert = postgresql.insert(self.search).values(
            {key: row_id, "tokens": sa.func.to_tsvector(_SIMPLE, text)}
        )
        await session.exec(
            upsert.on_conflict_do_update(
                index_elements=[key], set_={"tokens": upsert.excluded.tokens}
            )
        )


_POSTINGS = _Index.of("posting")
_BOOTHS = _Index.of("booth")


def posting_match(dialect: str, query: str) -> sa.ColumnElement[bool] | None:
    """``posting.id IN (postings matching query)``, or ``None`` if the query has no tokens."""
    ids = _POSTINGS.matching_ids(dialect, query)
    return None if ids is None else col(Posting.id).in_(ids)


def booth_match(dialect: str, query: str) -> sa.ColumnElement[bool] | None:
    """``booth.id IN (booths matching query)``, or ``None`` if the query has no tokens."""
    ids = _BOOTHS.matching_ids(dialect, query)
    return None if ids is None else col(Booth.id).in_(ids)


# -- Indexing ----------------------------------------------------------------------------


async def index_posting(session: AsyncSession, posting_id: int) -> None:
    """Bring the posting's index entry in line with the database: its live version, or none."""
    await session.flush()
    row = (
        await session.exec(
            select(PostingVersion, Organization.name)
            .join(Posting, col(Posting.id) == col(PostingVersion.posting_id))
            .join(Organization, col(Organization.id) == col(Posting.org_id))
            .where(
                col(Posting.id) == posting_id,
                col(PostingVersion.status) == VersionStatus.LIVE,
                col(Posting.withdrawn_at).is_(None),
                col(Posting.hidden_at).is_(None),
            )
        )
    ).first()
    text = None
    if row is not None:
        live, org_name = row
        text = document_text(
            live.title,
            live.category,
            live.city,
            live.district,
            live.description,
            live.requirements,
            live.benefits,
            org_name,
        )
    await _POSTINGS.store(session, posting_id, text)


async def index_booth(session: AsyncSession, booth_id: int) -> None:
    """Bring the booth's index entry in line with the database (removed if it is gone)."""
    await session.flush()
    row = (
        await session.exec(
            select(Organization.name, Organization.description, Booth.intro)
            .join(Organization, col(Organization.id) == col(Booth.org_id))
            .where(col(Booth.id) == booth_id)
        )
    ).first()
    text = None if row is None else document_text(*row)
    await _BOOTHS.store(session, booth_id, text)
