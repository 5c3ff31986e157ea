"""The faults, at random moments: SIGKILLs of the relay replicas (each restarted at once), the
chain stopped and started again on its database, RPC endpoints dropping out and coming back."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.env import RelayServer

from yilian.chain.localchain import LocalChain

from .proxy import Endpoint


@dataclass
class Plan:
    duration_s: float
    kills: int  # at least this many: the load goes on until they are done
    chain_restarts: int
    chain_down_s: tuple[float, float] = (5.0, 15.0)
    drop_every_s: tuple[float, float] = (2.0, 10.0)
    drop_for_s: tuple[float, float] = (1.0, 8.0)


@dataclass
class Faults:
    chain: LocalChain
    replicas: list[RelayServer]
    endpoints: list[Endpoint]
    plan: Plan
    rng: random.Random
    in_flight: Callable[[], bool]  # whether the outbox holds attestations not yet confirmed
    chain_restarts: int = 0
    kills_in_flight: int = 0  # kills that found attestations in the outbox
    restart_s: list[float] = field(default_factory=list)  # SIGKILL → serving again, per kill
    _restarting: set[int] = field(default_factory=set)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _stop: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def kills(self) -> int:
        return sum(replica.kills for replica in self.replicas)

    @property
    def drops(self) -> int:
        return sum(endpoint.drops for endpoint in self.endpoints)

    def done(self, started: float) -> bool:
        return time.monotonic() - started >= self.plan.duration_s and self.kills >= self.plan.kills

    async def run(self, started: float) -> None:
        """Until `done`, then everything back up: replicas serving, chain running, endpoints open."""
        drops = asyncio.create_task(self._drops())
        chain = asyncio.create_task(self._chain_restarts(started))
        await self._kills(started)
        self._stop.set()
        await asyncio.gather(drops, chain, *self._tasks)
        for endpoint in self.endpoints:
            await endpoint.open()

    async def _kills(self, started: float) -> None:
        while not self.done(started):
            left_s = max(1.0, self.plan.duration_s - (time.monotonic() - started))
            gap = left_s / max(1, self.plan.kills - self.kills)
            await asyncio.sleep(self.rng.uniform(0.2, 1.8) * gap)
            serving = [i for i in range(len(self.replicas)) if i not in self._restarting]
            if not serving:
                await asyncio.sleep(0.2)
                continue
            index = self.rng.choice(serving)
            self.replicas[index].kill()
            self._restarting.add(index)
            self.kills_in_flight += await asyncio.to_thread(self.in_flight)
            self._spawn(self._restart(index))

    async def _restart(self, index: int) -> None:
        killed = time.monotonic()
        while True:
            try:
                await asyncio.to_thread(self.replicas[index].start)
                break
            except RuntimeError:  # it died or hung while starting (a busy machine): again
                await asyncio.to_thread(self.replicas[index].stop)
                await asyncio.sleep(1)
        self.restart_s.append(time.monotonic() - killed)
        self._restarting.discard(index)

    async def _chain_restarts(self, started: float) -> None:
        for n in range(1, self.plan.chain_restarts + 1):
            at = started + self.plan.duration_s * n / (self.plan.chain_restarts + 1)
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            await asyncio.to_thread(self.chain.stop)
            await asyncio.sleep(self.rng.uniform(*self.plan.chain_down_s))
            await asyncio.to_thread(self.chain.start)
            self.chain_restarts += 1

    async def _drops(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.rng.uniform(*self.plan.drop_every_s))
            if self._stop.is_set():
                return
            endpoint = self.rng.choice(self.endpoints)
            if endpoint.is_open:
                await endpoint.close()
                self._spawn(self._reopen(endpoint, self.rng.uniform(*self.plan.drop_for_s)))

    async def _reopen(self, endpoint: Endpoint, after_s: float) -> None:
        await asyncio.sleep(after_s)
        await endpoint.open()

    def _spawn(self, work: object) -> None:
        task = asyncio.ensure_future(work)  # type: ignore[arg-type]
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
