"""A TCP proxy on 127.0.0.1 that adds a fixed latency each way, for the benchmarks that time
pgwright over a slow network (push_benchmark.py, plan_benchmark.py). It runs in a thread of
the benchmark's own process and stops with it."""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit, urlunsplit


class DelayingProxy:
    """A TCP proxy on 127.0.0.1 that holds every chunk of bytes ``delay`` seconds before it
    passes it on, in each direction: a network ``2 * delay`` of round trip away."""

    def __init__(self, target_host: str, target_port: int, delay: float,
                 lifetime: float = 3600.0):
        self.target = (target_host, target_port)
        self.lifetime = lifetime  # it stops by itself after this many seconds, at the latest
        self.delay = delay
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DelayingProxy:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.call_later(self.lifetime, self._loop.stop)
        self._loop.run_forever()
        server.close()

    async def _serve(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(self._pipe(client_reader, server_writer),
                             self._pipe(server_reader, client_writer), return_exceptions=True)

    async def _pipe(self, reader, writer) -> None:
        # Each chunk is delivered ``delay`` after it arrived, in order, however many are in
        # flight: a fixed latency, not a bandwidth limit.
        queue: asyncio.Queue = asyncio.Queue()

        async def deliver() -> None:
            while True:
                due, data = await queue.get()
                if data is None:
                    break
                await asyncio.sleep(max(0.0, due - self._loop.time()))
                writer.write(data)
                await writer.drain()
            writer.close()

        delivering = asyncio.ensure_future(deliver())
        try:
            while data := await reader.read(65536):
                queue.put_nowait((self._loop.time() + self.delay, data))
        finally:
            queue.put_nowait((0.0, None))
            await delivering


def through(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{user}127.0.0.1:{port}"))
