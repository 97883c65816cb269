"""Serves a live-test Quart app with Hypercorn on 127.0.0.1 on a free port, `PORT <n>`
on stdout once it accepts connections, stopped when stdin closes."""
import asyncio
import logging
import socket
import sys

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def main(app):
    # A free port, announced before serving.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.accesslog = None
    config.errorlog = None
    logging.getLogger("hypercorn.error").setLevel(logging.ERROR)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def watch():
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    import threading

    threading.Thread(target=watch, daemon=True).start()
    task = asyncio.create_task(serve(app, config, shutdown_trigger=stop.wait))
    # Announce once the socket accepts connections.
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.05):
                break
        except OSError:
            await asyncio.sleep(0.02)
    print(f"PORT {port}", flush=True)
    await task




def run(app):
    asyncio.run(main(app))
