"""The Quart twin of examples/shared_login_flask.py (Flask's async twin, the same
session cookie), served by Hypercorn on 127.0.0.1: the conformance suite runs the
Rust services beside it as beside Flask. SECRET_KEY (default dev-secret) and
SECRET_KEY_FALLBACKS (comma-separated) come from the environment. Prints
`PORT <n>` and stops when stdin closes.
"""
import asyncio
import json
import logging
import os
import socket
import sys

from hypercorn.asyncio import serve
from hypercorn.config import Config
from quart import Quart, flash, get_flashed_messages, request, session
from quart.sessions import session_json_serializer

app = Quart(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-secret")
fallbacks = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
if fallbacks:
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks


@app.route("/login")
async def login():
    session["_user_id"] = request.args.get("user", "42")
    session["_fresh"] = True
    await flash("Logged in on Quart.")
    return "logged in"


@app.route("/whoami")
async def whoami():
    return json.dumps({
        "user": session.get("_user_id"),
        "permanent": session.permanent,
        "session": session_json_serializer.dumps(dict(session)),
    })


@app.route("/flashes")
async def flashes():
    return json.dumps(get_flashed_messages(with_categories=True))


@app.route("/logout")
async def logout():
    session.clear()
    return "logged out"


async def main():
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


if __name__ == "__main__":
    asyncio.run(main())
