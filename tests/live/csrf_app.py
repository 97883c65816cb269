"""A Flask app with Flask-WTF's CSRFProtect and nothing else, for the CSRF
differential test: the Rust services answer the same random requests, and must
accept or refuse each the same way, for the same reason.

Routes (every method): /any (checked, plain HTTP), /s/any (HTTPS, WTF_CSRF_SSL_STRICT
on), /n/any (HTTPS, strict off), /exempt (csrf.exempt). A small WSGI wrapper picks the
scheme and the strictness from the path, and reads the request body before Flask
does, so that every connection ends cleanly even when CSRFProtect refuses a body it
never reads; Werkzeug then reads the same bytes in the same 64 KiB steps as from the
socket. Prints `PORT <n>` and stops when stdin closes.
"""
import io
import logging

from flask import Flask, request
from flask_wtf.csrf import CSRFProtect

from serve import serve

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

app = Flask(__name__)
app.config["SECRET_KEY"] = "dev-secret"
csrf = CSRFProtect(app)


def accepted():
    request.get_data()
    return "accepted"


for prefix in ("", "/s", "/n"):
    app.add_url_rule(f"{prefix}/any", f"any{prefix.replace('/', '_')}", accepted, methods=METHODS)


@app.route("/exempt", methods=METHODS)
@csrf.exempt
def exempt():
    return accepted()


@app.route("/health")
def health():
    import flask
    return {"flask": flask.__version__}


class Modes:
    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        stream = environ["wsgi.input"]
        length = environ.get("CONTENT_LENGTH")
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        path = environ.get("PATH_INFO", "")
        https = path.startswith(("/s/", "/n/"))
        environ["wsgi.url_scheme"] = "https" if https else "http"
        app.config["WTF_CSRF_SSL_STRICT"] = not path.startswith("/n/")
        return self.wsgi_app(environ, start_response)


app.wsgi_app = Modes(app.wsgi_app)

if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("flask_wtf.csrf").setLevel(logging.ERROR)
    app.logger.disabled = True
    serve(app)
