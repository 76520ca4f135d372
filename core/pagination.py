"""Cursor pagination for every list: stable under appends, as fast deep as on page one."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


def _invalid_cursor() -> ValidationError:
    error = ValidationError({"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]})
    error.pms_code = "invalid_cursor"
    return error


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        try:
            cursor = super().decode_cursor(request)
        except Exception as exc:  # DRF raises NotFound; a garbage cursor is the client's error
            raise _invalid_cursor() from exc
        if cursor and cursor.position is not None and not self._position_fits(cursor.position):
            raise _invalid_cursor()
        return cursor

    def _position_fits(self, position: str) -> bool:
        """A forged position (`p=abc` for an id) would reach the database as a 500; check it here."""
        first = self.ordering[0]
        if not isinstance(first, str) or not hasattr(self, "_model"):
            return True  # an expression (a search rank): nothing to check it against
        name = first.lstrip("-")
        try:
            field = self._model._meta.pk if name == "pk" else self._model._meta.get_field(name)
            field.to_python(position)
        except FieldDoesNotExist:
            return True
        except DjangoValidationError:
            return False
        return True
