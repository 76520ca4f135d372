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
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Q,
    Subquery,
    TextField,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Length

from .rendering import markdown_inline_html

CONFIG = "english"
TABLE = "journal_journalentry"
# ts_headline marks matches with these; they are swapped for <mark> after rendering and sanitizing
# the snippet, so entry text can never inject markup. Content may not contain them (services.py).
START, STOP = "\x02", "\x03"
WINDOW = 500
SPAN = 16 * WINDOW  # ids in the first range searched for the WINDOW newest matches
SHORT = 600  # characters: an entry this short is its own search snippet


class SearchColumn(Expression):
    """The generated `search_vector` column (PostgreSQL only; the model does not declare it)."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


class PostgresOnly(Operation):
    """Migration operation: FORWARD's statements on PostgreSQL, nothing on SQLite (BACKWARD undoes them)."""

    reversible = True
    reduces_to_sql = False
    FORWARD: tuple[str, ...] = ()
    BACKWARD: tuple[str, ...] = ()

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

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {})


class AddSearchVector(PostgresOnly):
    """The generated tsvector column and GIN indexes."""

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

    def describe(self) -> str:
        return "Add the full-text search vector and GIN indexes (PostgreSQL only)"


class AddIdRangeIndex(PostgresOnly):
    """A BRIN index on id: the append-only table's newest ids sit in its last pages (see `newest_matches`)."""

    FORWARD = (f"CREATE INDEX journal_entry_id_range ON {TABLE} USING BRIN (id) WITH (pages_per_range = 16)",)
    BACKWARD = ("DROP INDEX IF EXISTS journal_entry_id_range",)

    def describe(self) -> str:
        return "Add a BRIN index on id for the newest-first search ranges (PostgreSQL only)"


def is_full_text() -> bool:
    return connection.vendor == "postgresql"


class Scanned(Func):
    """`(condition) IS TRUE`: the same rows as the condition, but no index can answer it, so the
    planner reads the id range it is given instead of every match from the GIN index."""

    template = "(%(expressions)s) IS TRUE"
    output_field = BooleanField()


def matching(queryset, q: str):
    """Entries matching `q`; on PostgreSQL the WINDOW newest matches, annotated with `rank`.

    Ranking every match of a common word in a million entries costs a heap visit per match,
    so relevance orders the newest WINDOW matches (filters such as `since`/`until` reach
    older ones), found by `newest_matches`.
    """
    if not is_full_text():
        return queryset.filter(content__icontains=q)
    query = SearchQuery(q, config=CONFIG, search_type="websearch")
    newest = newest_matches(queryset.alias(search=SearchColumn()), query)
    # One array parameter, not WINDOW of them: the statement compiles and binds in a third of the time.
    ids = RawSQL("SELECT unnest(%s::bigint[])", [newest])
    return queryset.filter(pk__in=ids).annotate(rank=Cast(SearchRank(SearchColumn(), query), FloatField()))


def newest_matches(queryset, query: SearchQuery) -> list[int]:
    """Ids of the WINDOW newest entries of `queryset` matching `query`, newest first.

    The GIN index finds every match of the whole table, and each is a heap visit (to check a
    phrase, to read its id): "USDBRL stop-loss", 1% of a million entries, read ~10,000 pages
    to keep 500. Ids grow with the append-only table, so the newest ids hold the newest
    matches: the SPAN newest ids are read first (a short backward walk, no GIN index), and
    when they hold fewer than WINDOW matches, their density sizes a range of the newest ids
    that the GIN index and the BRIN index on id search together (grown until it holds WINDOW
    or is the whole table). The answer is that of ordering every match by id; only the cost
    differs.
    """
    hit = ExpressionWrapper(Q(search=query), output_field=BooleanField())
    newest = queryset.order_by("-pk").values_list("pk", flat=True)
    top_id = queryset.model.objects.order_by("-pk").values("pk")[:1]
    ids = list(newest.filter(Scanned(hit), pk__gt=Subquery(top_id) - SPAN)[:WINDOW])
    if len(ids) == WINDOW:
        return ids
    top, span = queryset.model.objects.aggregate(top=Max("pk"))["top"] or 0, SPAN
    while len(ids) < WINDOW and top - span > 0:
        # Enough ids for WINDOW matches at the density seen, with a margin; eight times more if none.
        span = max(2 * span, span * WINDOW * 5 // (4 * len(ids))) if ids else 8 * span
        ids = list(newest.filter(search=query, pk__gt=top - span)[:WINDOW])
    return ids


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
