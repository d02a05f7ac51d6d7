from django.core.paginator import InvalidPage, Page
from django.utils.translation import gettext
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

from audit.context import note_listed

# The lists whose rows the audit trail names (audit.context.note_listed), by view name.
AUDITED_LISTS = {"api:client-list": "client", "api:session-list": "session"}


def _positive_int(request, name, default):
    """A query parameter that must be a whole number from 1 up (400 otherwise)."""
    value = request.query_params.get(name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and int(value) >= 1):
        raise ValidationError({name: [gettext("Give a whole number from 1 up.")]})
    return int(value)


class Pagination(PageNumberPagination):
    """DRF's page numbers, but a malformed `page` or `page_size` is 400 (DRF: ignored, 404);
    only a page past the last one is 404."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        size = _positive_int(request, self.page_size_query_param, self.page_size)
        return min(size, self.max_page_size)

    def get_page_number(self, request, paginator):
        return _positive_int(request, self.page_query_param, 1)

    def requested(self, request):
        """(page size, page number) asked for; 400 for a malformed one."""
        return self.get_page_size(request), self.get_page_number(request, None)

    def paginate_read(self, request, rows, count, *, size, number):
        """paginate_queryset for `rows` read with their total `count`; past the last page, 404."""
        self.request = request
        paginator = self.django_paginator_class(rows, size)
        paginator.count = count
        try:
            self.page = Page(rows, paginator.validate_number(number), paginator)
        except InvalidPage as exc:
            msg = self.invalid_page_message.format(page_number=number, message=str(exc))
            raise NotFound(msg) from exc

    def get_paginated_response(self, data):
        match = self.request.resolver_match
        object_type = AUDITED_LISTS.get(match.view_name if match else "")
        if object_type:
            note_listed(object_type, [row["id"] for row in data], self.page.paginator.count)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        # What the schema's examples show around their one row: a page of one.
        for name, example in (("count", 1), ("next", None), ("previous", None)):
            paginated["properties"][name]["example"] = example
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        descriptions = {
            self.page_query_param: "Page number, from 1; a page past the last one is 404.",
            self.page_size_query_param: f"Results per page: default {self.page_size}, "
            f"at most {self.max_page_size} (a larger value gives {self.max_page_size}).",
        }
        defaults = {self.page_query_param: 1, self.page_size_query_param: self.page_size}
        for parameter in parameters:
            parameter["schema"].update(minimum=1, default=defaults[parameter["name"]])
            parameter["description"] = descriptions[parameter["name"]]
        return parameters
