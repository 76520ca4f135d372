"""The API's one body parser: JSON, refused whole at parse time when it could only do harm later.

A NUL byte cannot be stored in a PostgreSQL text column and a lone surrogate cannot be
encoded as UTF-8 at all, so either would surface as a 500 deep in a service; a body
nested deeper than anything the API accepts would exhaust the recursion limit of every
walk over it (validation, hashing). All three are the client's error: a 400 naming the
field, before any view code runs.
"""

import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No request body of the API nests anywhere near this deep (the deepest is about 4).
MAX_DEPTH = 32
# NUL, and UTF-16 surrogates that survived decoding unpaired (`"\ud800"` in JSON text).
BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
BAD_TEXT_MESSAGE = "Text may not contain NUL characters or unpaired surrogates."


def printable(text: str) -> str:
    """`text` safe to echo in an error body: JSON escapes for the characters that cannot be encoded."""
    return BAD_TEXT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def bad_text_problem(data) -> tuple[str, str] | None:
    """(field, message) for the first string, key or value, that cannot be stored; None if all can.

    Iterative, so that a hostile nesting depth is measured rather than recursed into."""
    stack = [(data, None, 0)]
    while stack:
        value, field, depth = stack.pop()
        if depth > MAX_DEPTH:
            return field or "non_field_errors", f"Nested deeper than {MAX_DEPTH} levels."
        if isinstance(value, str):
            if BAD_TEXT.search(value):
                return field or "non_field_errors", BAD_TEXT_MESSAGE
        elif isinstance(value, dict):
            for key, item in value.items():
                name = field or printable(key)
                if BAD_TEXT.search(key):
                    return name, f"{BAD_TEXT_MESSAGE} (in the key {printable(key)!r})"
                stack.append((item, name, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, field, depth + 1) for item in value)
    return None


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, plus: bounded nesting, no NUL, no lone surrogates (keys included)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise _invalid("non_field_errors", f"Nested deeper than {MAX_DEPTH} levels.") from exc
        problem = bad_text_problem(data)
        if problem:
            raise _invalid(*problem)
        return data


def _invalid(field: str, message: str) -> ParseError:
    error = ParseError(f"{field}: {message}" if field != "non_field_errors" else message)
    error.fields = {field: [message]}
    return error


def max_body_bytes() -> int | None:
    """The largest request body the API reads: Django's own limit for form data, reused (None: no limit)."""
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE
