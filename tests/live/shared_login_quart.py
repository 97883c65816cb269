"""The Quart twin of examples/shared_login_flask.py (Flask's async twin, the same
session cookie), served by Hypercorn on 127.0.0.1: the conformance suite runs the
Rust services beside it as beside Flask. SECRET_KEY (default dev-secret) and
SECRET_KEY_FALLBACKS (comma-separated) come from the environment. Prints
`PORT <n>` and stops when stdin closes.
"""
import json
import os

from quart import Quart, flash, get_flashed_messages, request, session
from quart.sessions import session_json_serializer

from serve_quart import run

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


if __name__ == "__main__":
    run(app)
