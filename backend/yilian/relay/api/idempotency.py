"""Idempotency-Key: a retried request gets the first answer and changes nothing.

The record is written in the same database transaction as the effect, so either both exist or
neither does; a concurrent duplicate loses on the record's primary key and gets the winner's answer.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import Row, bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from yilian.relay.db.models import ApiKey, IdempotencyRecord, table_of
from yilian.relay.db.session import transaction
from yilian.relay.services.errors import Conflict, Unprocessable


def run_idempotent(
    sessions: sessionmaker[Session],
    *,
    api_key: ApiKey,
    idempotency_key: str | None,
    scope: str,
    request_body: Any,
    handler: Callable[[Session], tuple[int, Any]],
) -> Response:
    """Runs `handler(session)` → (status, body) once per (API key, scope, Idempotency-Key)."""
    request_hash = hashlib.sha256(json.dumps(_plain(request_body), sort_keys=True).encode()).hexdigest()
    record_key = f"{api_key.id}:{scope}:{idempotency_key}" if idempotency_key else None
    try:
        with transaction(sessions) as session:
            if record_key and (earlier := session.execute(_EARLIER, {"key": record_key}).one_or_none()):
                return _replay(earlier, request_hash)
            status, body = handler(session)
            text = _json(_plain(body))  # serialised once: the answer sent and the answer recorded
            if record_key:
                answer = {"status_code": status, "body": text}
                session.execute(_RECORD, {"key": record_key, "request_hash": request_hash, **answer})
            return Response(text, status_code=status, media_type="application/json")
    except IntegrityError as error:
        if record_key:
            with sessions() as session:
                if earlier := session.execute(_EARLIER, {"key": record_key}).one_or_none():
                    return _replay(earlier, request_hash)
        raise Conflict("a conflicting request was processed at the same time", code="concurrent_request") from error


def _plain(value: Any) -> Any:
    """JSON-ready data; a pydantic model dumps itself (what jsonable_encoder gives, at a fraction of the cost)."""
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else jsonable_encoder(value)


def _json(body: Any) -> str:
    """What JSONResponse would send."""
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


# Built once: every keyed check-in and check-out looks its key up and records its answer.
_EARLIER = select(IdempotencyRecord.request_hash, IdempotencyRecord.status_code, IdempotencyRecord.body).where(
    IdempotencyRecord.key == bindparam("key")
)
_RECORD = insert(table_of(IdempotencyRecord))


def _replay(record: Row[str, int, str], request_hash: str) -> Response:
    if record.request_hash != request_hash:
        raise Unprocessable("this Idempotency-Key was used with a different request", code="idempotency_key_reused")
    return Response(
        record.body,
        status_code=record.status_code,
        media_type="application/json",
        headers={"Idempotent-Replay": "true"},
    )
