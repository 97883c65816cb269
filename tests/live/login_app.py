"""A Flask app with Flask-Login and Flask-WTF's CSRFProtect, for the live login tests:
the Rust service beside it must honour its remember-me logins, session protection
and CSRF tokens, and it must honour the Rust service's.

Settings from the environment: SECRET_KEY (dev-secret), SESSION_PROTECTION (basic,
strong or none), REMEMBER_COOKIE_REFRESH_EACH_REQUEST (0/1), WTF_CSRF_TIME_LIMIT
(seconds, default 3600). Prints `PORT <n>` and stops when stdin closes.
"""
import datetime as dt
import json
import logging
import os

from flask import Flask, request, session
from flask.sessions import session_json_serializer
from flask_login import LoginManager, UserMixin, current_user, login_fresh, login_user, logout_user
from flask_wtf.csrf import CSRFProtect, generate_csrf

from serve import serve

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-secret")
app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = os.environ.get("REMEMBER_COOKIE_REFRESH_EACH_REQUEST") == "1"
app.config["WTF_CSRF_TIME_LIMIT"] = int(os.environ.get("WTF_CSRF_TIME_LIMIT", "3600"))
protection = os.environ.get("SESSION_PROTECTION", "basic")
manager = LoginManager(app)
manager.session_protection = None if protection == "none" else protection
CSRFProtect(app)


class User(UserMixin):
    def __init__(self, user_id):
        self.id = user_id


@manager.user_loader
def load_user(user_id):
    return User(user_id)


@app.route("/login")
def login():
    duration = request.args.get("duration")
    login_user(
        User(request.args.get("user", "7")),
        remember=request.args.get("remember") == "1",
        duration=dt.timedelta(seconds=float(duration)) if duration else None,
    )
    return "logged in"


@app.route("/whoami")
def whoami():
    user = current_user.get_id() if current_user.is_authenticated else None
    return json.dumps({
        "user": user,
        "fresh": bool(login_fresh()),
        "session": session_json_serializer.dumps(dict(session)),
    })


@app.route("/logout")
def logout():
    logout_user()
    return "logged out"


@app.route("/form")
def form():
    return generate_csrf()


@app.route("/submit", methods=["POST"])
def submit():
    return "accepted"


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    serve(app)
