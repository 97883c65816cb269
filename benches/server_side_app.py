"""The server-side benchmark's endpoints in Flask 3.1 with Flask-Session 0.8.0 over
Redis (REDIS_URL), for gunicorn:
`gunicorn -w 2 -b 127.0.0.1:PORT --chdir benches server_side_app:app`.
`/modify` adds one to a counter in the session (SET … EX), `/read` only reads it
(Flask-Session then re-SETs it to renew the TTL).
"""
import os

import redis
from flask import Flask, session
from flask_session import Session

app = Flask(__name__)
app.config.update(
    SECRET_KEY="dev-secret",
    SESSION_TYPE="redis",
    SESSION_REDIS=redis.Redis.from_url(os.environ["REDIS_URL"]),
)
Session(app)


@app.route("/modify")
def modify():
    session["counter"] = session.get("counter", 0) + 1
    return str(session["counter"])


@app.route("/read")
def read():
    return str(session.get("counter", 0))
