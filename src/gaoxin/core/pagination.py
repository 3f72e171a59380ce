"""The API's one list pagination: `limit`/`offset` in, `{"items", "count", "next_offset"}` out.

Every list operation uses it: `@paginate(Page)`, or `@paginate(Page, limit=25, max_limit=100,
count=False)` for a list too large to count on every request (then `count` is null and a client
pages with `next_offset` until it is null). Both bounds are checked, so a huge limit or offset is a
422 and not a PostgreSQL bigint overflow (a 500)."""

from typing import Any

from ninja import Field
from ninja.pagination import PaginationBase
from pydantic import create_model

from .schemas import QuerySchema, Schema

PARAMETERS = ("limit", "offset")


class Page(PaginationBase):
    class Output(Schema):
        items: list[Any]
        count: int | None = Field(None, description="总条数；大表不计数时为 null")
        next_offset: int | None = Field(None, description="下一页的 offset；已是最后一页时为 null")

    items_attribute = "items"

    def __init__(
        self,
        *,
        limit: int = 100,
        max_limit: int = 1000,
        max_offset: int = 10_000_000,
        count: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.count = count
        self.Input = create_model(
            "PageInput",
            __base__=QuerySchema,
            limit=(int, Field(limit, ge=1, le=max_limit, description=f"每页条数（1—{max_limit}）")),
            offset=(int, Field(0, ge=0, le=max_offset, description="跳过的条数")),
        )

    def paginate_queryset(self, queryset, pagination, request=None, **params):
        start, limit = pagination.offset, pagination.limit
        rows = list(queryset[start : start + limit + 1])
        more = len(rows) > limit
        return {
            "items": rows[:limit],
            "count": self._items_count(queryset) if self.count else None,
            "next_offset": start + limit if more else None,
        }
