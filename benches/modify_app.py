"""The modify endpoint of the loopback benchmark in Flask, for gunicorn:
`gunicorn -w 2 -b 127.0.0.1:PORT --chdir benches modify_app:app`. Every request
increments a counter in the login session and so writes a new cookie.
"""
from flask import Flask, session

app = Flask(__name__)
app.config["SECRET_KEY"] = "dev-secret"


@app.route("/modify")
def modify():
    session["visits"] = session.get("visits", 0) + 1
    return str(session["visits"])
