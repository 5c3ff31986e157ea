"""The stack's floor for the check-in API: FastAPI, pydantic and uvicorn with one POST taking the
check-in's body (the relay's own CheckInIn model, so the same validation) and doing one SQLite
INSERT and commit (the relay's engine settings: WAL, synchronous=NORMAL), nothing else. A route
declared like the relay's (a plain function, run in the framework's thread pool).

Run by scripts/bench/api.py: `uvicorn --app-dir scripts/bench floor:app` with FLOOR_DATABASE set.
"""

from __future__ import annotations

import os
import time
import uuid

from fastapi import FastAPI
from sqlalchemy import BigInteger, Column, MetaData, String, Table, Text, insert

from yilian.relay.api.schemas import CheckInIn
from yilian.relay.db.session import make_engine

metadata = MetaData()
check_ins = Table(
    "check_ins", metadata,
    Column("id", String(36), primary_key=True), Column("body", Text), Column("at", BigInteger),
)  # fmt: skip
engine = make_engine(f"sqlite:///{os.environ['FLOOR_DATABASE']}")
with engine.begin() as ddl:  # every worker process runs this: IF NOT EXISTS
    ddl.exec_driver_sql("CREATE TABLE IF NOT EXISTS check_ins (id VARCHAR(36) PRIMARY KEY, body TEXT, at BIGINT)")
app = FastAPI()


@app.post("/v1/activities/{activity_id}/check-ins", status_code=201)
def check_in(activity_id: int, body: CheckInIn) -> dict[str, object]:
    row = {"id": str(uuid.uuid4()), "body": body.model_dump_json(), "at": int(time.time())}
    with engine.begin() as connection:
        connection.execute(insert(check_ins), row)
    # The fields relay.lua reads from a check-in's answer.
    return {"id": row["id"], "activity_id": activity_id, "app_user_id": body.app_user_id, "checked_in_at": row["at"]}


@app.get("/healthz")
def healthz() -> dict[str, str]:
    """What relay.lua's idle connections send (it recognises the answer by "database")."""
    return {"database": "ok"}
