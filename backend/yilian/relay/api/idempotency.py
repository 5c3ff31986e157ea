"""Idempotency-Key: a retried request gets the first answer and changes nothing.

The record is written in the same database transaction as the effect, so either both exist or
neither does; a concurrent duplicate loses on the record's primary key and gets the winner's answer.
"""

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from yilian.relay.db.models import ApiKey, IdempotencyRecord
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
) -> JSONResponse:
    """Runs `handler(session)` → (status, body) once per (API key, scope, Idempotency-Key)."""
    request_hash = hashlib.sha256(json.dumps(jsonable_encoder(request_body), sort_keys=True).encode()).hexdigest()
    record_key = f"{api_key.id}:{scope}:{idempotency_key}" if idempotency_key else None
    try:
        with transaction(sessions) as session:
            if record_key and (earlier := session.get(IdempotencyRecord, record_key)):
                return _replay(earlier, request_hash)
            status, body = handler(session)
            body = jsonable_encoder(body)
            if record_key:
                record = IdempotencyRecord(
                    key=record_key, request_hash=request_hash, status_code=status, body=json.dumps(body)
                )
                session.add(record)
            return JSONResponse(body, status_code=status)
    except IntegrityError as error:
        if record_key:
            with sessions() as session:
                if earlier := session.get(IdempotencyRecord, record_key):
                    return _replay(earlier, request_hash)
        raise Conflict("a conflicting request was processed at the same time", code="concurrent_request") from error


def _replay(record: IdempotencyRecord, request_hash: str) -> JSONResponse:
    if record.request_hash != request_hash:
        raise Unprocessable("this Idempotency-Key was used with a different request", code="idempotency_key_reused")
    return JSONResponse(json.loads(record.body), status_code=record.status_code, headers={"Idempotent-Replay": "true"})
