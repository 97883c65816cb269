"""A Quart app keeping its session in Redis with Quart-Session 3.0.0, served by
Hypercorn: the Rust services beside it share its server-side sessions
(tests/integration/server_side.rs). Settings from the environment: REDIS_URL,
SECRET_KEY (dev-secret), SESSION_USE_SIGNER (0/1), SESSION_KEY_PREFIX (session:),
SESSION_PROTECTION (0/1), SESSION_PERMANENT (0/1, default 1),
PERMANENT_SESSION_LIFETIME (seconds, default 31 days). Prints `PORT <n>` and stops when stdin closes.
"""
import json
import os

from quart import Quart, request, session
from quart_session import Session

import session_steps
from serve_quart import run

app = Quart(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "dev-secret"),
    SESSION_TYPE="redis",
    SESSION_URI=os.environ["REDIS_URL"],
    SESSION_USE_SIGNER=os.environ.get("SESSION_USE_SIGNER") == "1",
    SESSION_KEY_PREFIX=os.environ.get("SESSION_KEY_PREFIX", "session:"),
    SESSION_PROTECTION=os.environ.get("SESSION_PROTECTION") == "1",
    SESSION_PERMANENT=os.environ.get("SESSION_PERMANENT", "1") == "1",
    PERMANENT_SESSION_LIFETIME=int(os.environ.get("PERMANENT_SESSION_LIFETIME", 31 * 86400)),
)
Session(app)


@app.route("/whoami")
async def whoami():
    return json.dumps({"session": {k: repr(v) for k, v in session.items()}})


@app.route("/modify")
async def modify():
    session["counter"] = session.get("counter", 0) + 1
    session["who"] = request.args.get("who", "quart")
    return "modified"


@app.route("/mark")
async def mark():
    return session_steps.mark(session, request.args["who"])


@app.route("/clear")
async def clear():
    session.clear()
    return "cleared"


if __name__ == "__main__":
    run(app)
