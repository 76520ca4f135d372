"""Cursor pagination for every list: stable under appends, as fast deep as on page one."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-pk"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception as exc:  # DRF raises NotFound; a garbage cursor is the client's error
            error = ValidationError({"cursor": ["Invalid cursor: use the `next` or `previous` link as given."]})
            error.pms_code = "invalid_cursor"
            raise error from exc
