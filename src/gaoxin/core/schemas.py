"""Shared API schema pieces: identifier types validated by core.identifiers, the error shape."""

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, Field

from .identifiers import check_id_card, check_uscc


def _uscc(value: str) -> str:
    result = check_uscc(value)
    if not result.valid:
        raise ValueError(result.message)
    return result.normalized


def _id_card(value: str) -> str:
    result = check_id_card(value)
    if not result.valid:
        raise ValueError(result.message)
    return result.normalized


USCC = Annotated[str, AfterValidator(_uscc)]
# A row id in a path or query: bounded so that an oversized number is a 422, not a database error.
ObjectId = Annotated[int, Field(ge=1, le=2**63 - 1)]
IdCard = Annotated[str, AfterValidator(_id_card)]


class Error(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}
