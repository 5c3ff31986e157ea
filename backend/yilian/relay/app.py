"""The relay application: API plus the outbox worker, sharing one database and one chain."""

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from yilian.relay.api import errors
from yilian.relay.api.deps import json_bodies_only
from yilian.relay.api.openapi import EVERY_OPERATION, KEYED_DOMAIN
from yilian.relay.api.routes import (
    activities,
    attestations,
    attesters,
    certificates,
    checkins,
    corrections,
    discover,
    health,
    lockouts,
    matching,
    merchants,
    public,
    record,
    signups,
    stats,
    time_bank,
    volunteers,
)
from yilian.relay.config import Settings
from yilian.relay.db.migrate import upgrade
from yilian.relay.db.session import make_engine, make_sessionmaker
from yilian.relay.services.chain import RelayChain
from yilian.relay.services.statistics import Statistics
from yilian.relay.services.transactions import Submitter
from yilian.relay.worker import OutboxWorker


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        chain = RelayChain.from_settings(settings)
        app.state.settings = settings
        app.state.sessions = make_sessionmaker(engine)
        app.state.chain = chain
        app.state.submitter = Submitter(chain.w3, chain.submitter, settings)
        app.state.statistics = Statistics(chain)
        worker = OutboxWorker(app.state.sessions, chain, settings)
        app.state.worker = worker
        if settings.run_worker:
            worker.start()
        _freeze_start_up_heap()
        yield
        worker.stop()
        engine.dispose()

    app = FastAPI(
        title="Yilian relay (益链)",
        version="1.0",
        description="Verified volunteer check-ins to confirmed on-chain hours.",
        lifespan=lifespan,
        dependencies=[Depends(json_bodies_only)],
        # operationId = the route's name (create_activity, check_in): what generated clients call
        generate_unique_id_function=lambda route: route.name,
    )
    errors.install(app)
    for module in (volunteers, activities, checkins, attestations, merchants, certificates, stats):
        app.include_router(module.router, responses=EVERY_OPERATION)  # each route declares its own refusals
    for module in (record, discover, attesters, lockouts, signups, corrections, matching, time_bank):
        app.include_router(module.router, responses=EVERY_OPERATION | KEYED_DOMAIN)
    app.include_router(health.router)  # its own answers, for probes and Prometheus
    # Pages for people (no API key), documented in the README: HTML, not part of the API's contract.
    app.include_router(public.router, include_in_schema=False)
    return app


def _freeze_start_up_heap() -> None:
    """What start-up built (libraries, contracts, the chain connection) lives as long as the
    process: out of the cyclic collector's scans, whose full passes over it paused every request
    for hundreds of milliseconds under load. Once per process (tests start many apps in one)."""
    if not gc.get_freeze_count():
        gc.collect()
        gc.freeze()
