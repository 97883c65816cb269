"""The Flask half of examples/shared_login.rs: a tiny app whose login the Rust service
shares. `SECRET_KEY` (default dev-secret), `SECRET_KEY_FALLBACKS` (comma-separated) and
`PORT` (default 5000; 0 picks a free one) come from the environment.

    pip install flask==3.1.3 && python examples/shared_login_flask.py
"""
import json
import logging
import os
import sys

from flask import Flask, flash, get_flashed_messages, request, session
from flask.sessions import session_json_serializer
from werkzeug.serving import make_server

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-secret")
fallbacks = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
if fallbacks:
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks


@app.route("/login")
def login():
    session["_user_id"] = request.args.get("user", "42")
    session["_fresh"] = True
    flash("Logged in on Flask.")
    return "logged in"


@app.route("/whoami")
def whoami():
    return json.dumps({
        "user": session.get("_user_id"),
        "permanent": session.permanent,
        "session": session_json_serializer.dumps(dict(session)),
    })


@app.route("/flashes")
def flashes():
    return json.dumps(get_flashed_messages(with_categories=True))


@app.route("/logout")
def logout():
    session.clear()
    return "logged out"


@app.route("/")
def index():
    return json.dumps({"user": session.get("_user_id"), "flashes": get_flashed_messages()})


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", int(os.environ.get("PORT", "5000")), app, threaded=False)
    print(f"PORT {server.port}", flush=True)
    if "--stop-on-stdin-close" in sys.argv:
        import threading

        def watch():
            sys.stdin.read()
            server.shutdown()

        threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()
