"""URL converters. `<id:pk>` accepts at most 18 digits, so every value fits a 64-bit column:
Django's `<int:…>` would pass a 30-digit number to the database and fail there with a 500."""

from django.urls import register_converter


class IdConverter:
    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(IdConverter, "id")
