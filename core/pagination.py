"""Cursor pagination for every list: stable under appends, as fast deep as on page one."""

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


def _refused(field: str, message: str, code: str) -> ValidationError:
    error = ValidationError({field: [message]})
    error.pms_code = code
    return error


def _invalid_cursor() -> ValidationError:
    return _refused("cursor", "Invalid cursor: use the `next` or `previous` link as given.", "invalid_cursor")


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def get_page_size(self, request) -> int:
        """A page size that is not a whole number from 1 to the maximum is refused, not silently replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= self.max_page_size):
            raise _refused("page_size", f"A whole number from 1 to {self.max_page_size}.", "invalid")
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.cursor_query_param:
                parameter["description"] = "Opaque: the `next` or `previous` link of a page, as given."
        return parameters

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
            field.run_validators(field.to_python(position))  # the column's range too: p=99…9 overflows bigint
        except FieldDoesNotExist:
            return True
        except DjangoValidationError:
            return False
        return True
