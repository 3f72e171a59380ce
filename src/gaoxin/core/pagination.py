"""The API's list pagination: ninja's limit/offset with both bounded, so a huge offset is a 422 and
not a PostgreSQL bigint overflow (a 500). Every paginated endpoint uses this class."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class LimitOffset(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=10_000_000)
