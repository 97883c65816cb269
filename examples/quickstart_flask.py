"""The Flask half of examples/quickstart.rs: an app with Flask-Login (session
protection "strong") that keeps a cart of tuples in the session. `SECRET_KEY`
(default dev-secret) and `PORT` (default 5000; 0 picks a free one) come from the
environment.

    pip install flask==3.1.3 flask-login==0.6.3 && python examples/quickstart_flask.py
    curl -c jar -b jar '127.0.0.1:5000/login?user=7'
    cargo run --example quickstart -- "$(grep session jar | cut -f7)" 2 pear 1.25
    curl -b 'session=<the printed cookie>' 127.0.0.1:5000/cart
"""
import json
import logging
import os
import sys

from flask import Flask, request, session
from flask_login import LoginManager, UserMixin, current_user, login_fresh, login_user
from werkzeug.serving import make_server

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev-secret")
login_manager = LoginManager(app)
# A session whose `_id` does not match this client's is logged out.
login_manager.session_protection = "strong"


class User(UserMixin):
    def __init__(self, user_id):
        self.id = user_id


@login_manager.user_loader
def load_user(user_id):
    return User(user_id)


@app.route("/login")
def login():
    login_user(User(request.args.get("user", "7")))
    session["cart"] = [(1, "apple", 0.5)]
    return "logged in"


@app.route("/cart")
def cart():
    items = session.get("cart", [])
    return json.dumps({
        "user": current_user.get_id() if current_user.is_authenticated else None,
        "fresh": login_fresh(),
        "cart": repr(items),
        "tuples": all(type(item) is tuple for item in items),
    })


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
