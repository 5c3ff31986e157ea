"""Keyset pagination for every list endpoint: `?limit=&cursor=` in, `{items, next_cursor}` out.

The cursor is opaque to clients: the sort key of the last item returned, base64url-encoded JSON.
Keyset (not offset) pagination keeps a page's cost independent of how deep the client has read and
never skips or repeats a row when rows are added meanwhile.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field

from yilian.relay.services.errors import Unprocessable

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 512

Item = TypeVar("Item")
Row = TypeVar("Row")

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")]
Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the previous page; omit for the first"),
]


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last page")


def encode_cursor(key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, *, arity: int) -> list[Any] | None:
    """The sort key a cursor carries, or None for the first page; a cursor this endpoint did not
    hand out is refused (422 `invalid_cursor`)."""
    if cursor is None:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        key = None
    if not isinstance(key, list) or len(key) != arity or not all(isinstance(v, int | str) for v in key):
        raise Unprocessable("cursor is not one this list handed out", code="invalid_cursor")
    return key


def page_of(rows: Sequence[Row], limit: int, sort_key: Callable[[Row], Sequence[Any]]) -> tuple[list[Row], str | None]:
    """Rows were fetched with `limit + 1`: the extra one only tells whether a next page exists."""
    if len(rows) <= limit:
        return list(rows), None
    kept = list(rows[:limit])
    return kept, encode_cursor(list(sort_key(kept[-1])))
