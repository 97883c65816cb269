"""A Flask 2.3 app with Flask-Session 0.6.0 (sessions pickled into Redis): it writes
the legacy sessions the Rust services must read (tests/integration/server_side.rs).
REDIS_URL from the environment. Prints `PORT <n>` and stops when stdin closes.
"""
import datetime as dt
import logging
import os

import redis
from flask import Flask, flash, request, session
from flask_session import Session

from serve import serve

app = Flask(__name__)
app.config.update(
    SECRET_KEY="dev-secret",
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis.from_url(os.environ["REDIS_URL"]),
)
Session(app)


@app.route("/write")
def write():
    session["_user_id"] = request.args.get("user", "7")
    session["_fresh"] = True
    session["when"] = dt.datetime(2024, 1, 2, 3, 4, 5)
    session["pair"] = (1, "a")
    session["counter"] = 41
    flash("from flask-session 0.6", "info")
    return "written"


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    serve(app)
