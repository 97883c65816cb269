"""A Flask 3.1 app keeping its session in Redis with Flask-Session 0.8.0, with
Flask-Login and Flask-WTF's CSRFProtect: the Rust services beside it share its
server-side sessions (tests/integration/server_side.rs).

Settings from the environment: REDIS_URL (one Redis) or REDIS_CLUSTER (host:port
of cluster nodes, comma-separated; with REDIS_TLS_CA, the path of a CA certificate,
over TLS), SECRET_KEY (dev-secret), SESSION_USE_SIGNER
(0/1), SESSION_KEY_PREFIX (session:), SESSION_PERMANENT and
SESSION_REFRESH_EACH_REQUEST (0/1, default 1), PERMANENT_SESSION_LIFETIME (seconds,
default 31 days), SESSION_ID_LENGTH (default 32), SESSION_COOKIE_NAME, SESSION_COOKIE_SAMESITE,
SESSION_COOKIE_HTTPONLY (0/1). Prints `PORT <n>` and stops when stdin closes.

Flask-Session 0.8 takes only a `redis.Redis` (anything else, it silently connects
to localhost instead), so for a cluster it gets a `redis.Redis` subclass that
hands its three commands (GET, SET with EX, DELETE) to redis-py's RedisCluster.
"""
import json
import logging
import os

import redis
from flask import Flask, flash, get_flashed_messages, request, session
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_session import Session
from flask_wtf.csrf import CSRFProtect, generate_csrf

import session_steps
from serve import serve


class ClusterAsRedis(redis.Redis):
    """Passes Flask-Session's isinstance check; every command goes to the cluster."""

    def __init__(self, cluster):
        self.cluster = cluster

    def get(self, name):
        return self.cluster.get(name)

    def set(self, name, value, ex=None):
        return self.cluster.set(name, value, ex=ex)

    def delete(self, *names):
        return self.cluster.delete(*names)


def client():
    nodes = os.environ.get("REDIS_CLUSTER")
    if nodes:
        startup = [redis.cluster.ClusterNode(*n.split(":")) for n in nodes.split(",")]
        ca = os.environ.get("REDIS_TLS_CA")
        tls = {"ssl": True, "ssl_ca_certs": ca} if ca else {}
        return ClusterAsRedis(redis.RedisCluster(startup_nodes=startup, **tls))
    return redis.Redis.from_url(os.environ["REDIS_URL"])


app = Flask(__name__)
app.config.update(
    SECRET_KEY=os.environ.get("SECRET_KEY", "dev-secret"),
    SESSION_TYPE="redis",
    SESSION_REDIS=client(),
    SESSION_USE_SIGNER=os.environ.get("SESSION_USE_SIGNER") == "1",
    SESSION_KEY_PREFIX=os.environ.get("SESSION_KEY_PREFIX", "session:"),
    SESSION_PERMANENT=os.environ.get("SESSION_PERMANENT", "1") == "1",
    SESSION_REFRESH_EACH_REQUEST=os.environ.get("SESSION_REFRESH_EACH_REQUEST", "1") == "1",
    PERMANENT_SESSION_LIFETIME=int(os.environ.get("PERMANENT_SESSION_LIFETIME", 31 * 86400)),
    SESSION_ID_LENGTH=int(os.environ.get("SESSION_ID_LENGTH", 32)),
    SESSION_COOKIE_NAME=os.environ.get("SESSION_COOKIE_NAME", "session"),
    SESSION_COOKIE_SAMESITE=os.environ.get("SESSION_COOKIE_SAMESITE"),
    SESSION_COOKIE_HTTPONLY=os.environ.get("SESSION_COOKIE_HTTPONLY", "1") == "1",
)
Session(app)
manager = LoginManager(app)
CSRFProtect(app)


class User(UserMixin):
    def __init__(self, user_id):
        self.id = user_id


@manager.user_loader
def load_user(user_id):
    return User(user_id)


@app.route("/login")
def login():
    login_user(User(request.args.get("user", "7")))
    return "logged in"


@app.route("/whoami")
def whoami():
    user = current_user.get_id() if current_user.is_authenticated else None
    return json.dumps({"user": user, "session": {k: repr(v) for k, v in session.items()}})


@app.route("/flashes")
def flashes():
    return json.dumps(get_flashed_messages(with_categories=True))


@app.route("/modify")
def modify():
    session["counter"] = session.get("counter", 0) + 1
    session["pair"] = (1, "a")
    flash("from flask", "info")
    return "modified"


@app.route("/mark")
def mark():
    return session_steps.mark(session, request.args["who"])


@app.route("/clear")
def clear():
    session.clear()
    return "cleared"


@app.route("/logout")
def logout():
    logout_user()
    return "logged out"


@app.route("/regenerate")
def regenerate():
    app.session_interface.regenerate(session)
    return "regenerated"


@app.route("/form")
def form():
    return generate_csrf()


@app.route("/submit", methods=["POST"])
def submit():
    return "accepted"


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    serve(app)
