"""An RPC endpoint that can drop out: a TCP proxy (asyncio) in front of the chain's node.

`close()` stops listening and cuts every open connection, as a node that went away does;
`open()` listens again on the same port, so the relay's configured URL comes back.
"""

from __future__ import annotations

import asyncio
import contextlib

from yilian.chain.localchain import free_port


class Endpoint:
    def __init__(self, upstream_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self.upstream_port = upstream_port
        self.drops = 0
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def is_open(self) -> bool:
        return self._server is not None

    async def open(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._serve, self.host, self.port)

    async def close(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.drops += 1
        server.close()
        for writer in list(self._connections):
            writer.transport.abort()  # a reset, not a polite end: what a dead node gives
        await asyncio.gather(*self._pipes, return_exceptions=True)
        await server.wait_closed()

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        task.add_done_callback(self._pipes.discard)
        try:
            node_reader, node_writer = await asyncio.open_connection(self.host, self.upstream_port)
        except OSError:  # the chain itself is down: the client sees its connection reset
            client_writer.transport.abort()
            return
        self._connections |= {client_writer, node_writer}
        try:
            await asyncio.gather(_pipe(client_reader, node_writer), _pipe(node_reader, client_writer))
        finally:
            self._connections -= {client_writer, node_writer}
            for writer in (client_writer, node_writer):
                writer.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    # One side finished or failed: end the other, so the pair never hangs half open.
    writer.transport.abort()
