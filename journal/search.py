"""Full-text search over entry content.

PostgreSQL: a stored generated `tsvector` column (English stemming, so "volatilities"
finds "volatility") with a GIN index, added by a PostgreSQL-only migration operation so
that SQLite still migrates; ranked with `ts_rank`, highlighted with `ts_headline`.
SQLite (the embedded default): a case-insensitive substring match, highlighted in Python.
"""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.migrations.operations.base import Operation
from django.db.models import Case, Expression, F, FloatField, TextField, When
from django.db.models.functions import Cast, Length

from .rendering import markdown_inline_html

CONFIG = "english"
TABLE = "journal_journalentry"
# ts_headline marks matches with these; they are swapped for <mark> after rendering and sanitizing
# the snippet, so entry text can never inject markup. Content may not contain them (services.py).
START, STOP = "\x02", "\x03"
WINDOW = 500
SHORT = 600  # characters: an entry this short is its own search snippet


class SearchColumn(Expression):
    """The generated `search_vector` column (PostgreSQL only; the model does not declare it)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


class AddSearchVector(Operation):
    """Migration operation: the generated tsvector column and GIN indexes, on PostgreSQL only."""

    reversible = True
    reduces_to_sql = False
    FORWARD = (
        f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('{CONFIG}'::regconfig, content)) STORED",
        f"CREATE INDEX journal_entry_search ON {TABLE} USING GIN (search_vector)",
        f"CREATE INDEX journal_entry_tags ON {TABLE} USING GIN (tags jsonb_path_ops)",
    )
    BACKWARD = (
        "DROP INDEX IF EXISTS journal_entry_tags",
        "DROP INDEX IF EXISTS journal_entry_search",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
    )

    def state_forwards(self, app_label, state):
        pass

    def _run(self, schema_editor, statements) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.FORWARD)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self._run(schema_editor, self.BACKWARD)

    def describe(self) -> str:
        return "Add the full-text search vector and GIN indexes (PostgreSQL only)"

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


def matching(queryset, q: str):
    """Entries matching `q`; on PostgreSQL the WINDOW newest matches, annotated with `rank`.

    Ranking every match of a common word in a million entries costs a heap visit per match,
    so relevance orders the newest WINDOW matches (filters such as `since`/`until` reach
    older ones). The planner walks the id index backwards for common words and uses the
    GIN index for rare ones.
    """
    if not is_full_text():
        return queryset.filter(content__icontains=q)
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    newest = queryset.alias(search=SearchColumn()).filter(search=query).order_by("-pk").values("pk")[:WINDOW]
    return queryset.filter(pk__in=newest).annotate(rank=Cast(SearchRank(SearchColumn(), query), FloatField()))


def attach_headlines(entries: list, q: str) -> list:
    """Set `headline` on one page of entries (ts_headline is costly: only for rows shown)."""
    if not is_full_text() or not entries or not q:
        return entries
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    fragments = SearchHeadline(
        F("content"), query, config=CONFIG, start_sel=START, stop_sel=STOP,
        max_words=30, min_words=12, max_fragments=2, fragment_delimiter=" … ",
    )  # fmt: skip
    # A short entry is shown whole, so its Markdown renders (a fragment starts at a word and may cut a `**`).
    whole = SearchHeadline(F("content"), query, config=CONFIG, start_sel=START, stop_sel=STOP, highlight_all=True)
    headline = Case(When(length__lte=SHORT, then=whole), default=fragments, output_field=TextField())
    model = type(entries[0])
    rows = model.objects.filter(pk__in=[e.pk for e in entries]).alias(length=Length("content"))
    found = dict(rows.annotate(h=headline).values_list("pk", "h"))
    for entry in entries:
        entry.headline = found.get(entry.pk)
    return entries


# Private-use characters stand for the match marks while the snippet is rendered (Markdown and the
# sanitizer keep them as text), then become <mark> in the safe HTML.
_OPEN, _CLOSE = "\ue000", "\ue001"


def snippet_html(entry, q: str) -> str:
    """HTML-safe snippet of an entry, its Markdown rendered inline, with the matches in <mark>."""
    raw = getattr(entry, "headline", None)
    if raw is None:
        raw = _substring_headline(entry.content, q)
    plain = raw.replace(_OPEN, "").replace(_CLOSE, "").replace(START, _OPEN).replace(STOP, _CLOSE)
    return markdown_inline_html(plain).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _substring_headline(content: str, q: str, width: int = 80) -> str:
    """SQLite's stand-in for ts_headline: a window around the first match, matches marked."""
    pattern = re.compile(re.escape(q.strip()), re.IGNORECASE) if q.strip() else None
    found = pattern.search(content) if pattern else None
    if found is None:
        return content[: 2 * width]
    start, end = max(0, found.start() - width), min(len(content), found.end() + width)
    window = content[start:end]
    marked = pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", window)
    return ("…" if start else "") + marked + ("…" if end < len(content) else "")
