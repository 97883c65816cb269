"""A real Flask app for the live tests, served on 127.0.0.1 on a free port.

    python tests/live/app.py

Prints `PORT <n>` once listening. Single-threaded, so per-request settings (keys,
clock) cannot race. Every cookie is read by Flask's own `open_session` and written by
Flask's own `save_session`: the views below only move data in and out.

Per-request settings, as headers on the single-cookie routes or fields of each batch
item:
- key: `X-Secret-Key-Hex` / `key_hex`: SECRET_KEY as hex bytes;
- fallbacks: `X-Fallbacks-Hex` / `fallbacks_hex`: SECRET_KEY_FALLBACKS, comma-separated hex;
- clock: `X-Now` / `now` (reading) and `X-Timestamp` / `timestamp` (writing), Unix seconds.

Routes:
- GET  /session        the Cookie header's session as Flask sees it: {"status", "tagged"}
- POST /session        body = the session as Flask's tagged JSON; answers with Flask's Set-Cookie
- POST /batch/load     {"items": [{cookie, key_hex, fallbacks_hex, now}]} -> {"results": [{status, tagged}]}
- POST /batch/save     {"items": [{tagged, key_hex, fallbacks_hex, timestamp}]} -> {"results": [{cookie}]}
- GET  /health
"""

import json
import logging

import flask
from flask import Flask, jsonify, request, session
from flask.sessions import session_json_serializer
from itsdangerous import TimestampSigner

from serve import serve

logging.disable(logging.CRITICAL)

_apps = {}


def set_clock(now):
    TimestampSigner.get_timestamp = lambda self: int(now)


def inner_app(key_hex, fallbacks_hex):
    """The app a batch item runs through: one per key configuration."""
    cache_key = (key_hex, tuple(fallbacks_hex))
    app = _apps.get(cache_key)
    if app is not None:
        return app
    app = Flask("inner")
    app.secret_key = bytes.fromhex(key_hex)
    if fallbacks_hex:
        app.config["SECRET_KEY_FALLBACKS"] = [bytes.fromhex(f) for f in fallbacks_hex]

    @app.route("/seen")
    def seen():
        return session_json_serializer.dumps(dict(session))

    @app.route("/set", methods=["POST"])
    def set_():
        session.update(session_json_serializer.loads(request.get_data(as_text=True)))
        return "ok"

    _apps[cache_key] = app
    return app


def session_cookie(resp):
    for header in resp.headers.getlist("Set-Cookie"):
        name, _, rest = header.partition("=")
        if name == "session":
            return rest.split(";", 1)[0], header
    return None, None


def load_one(cookie, key_hex, fallbacks_hex, now):
    set_clock(now)
    client = inner_app(key_hex, fallbacks_hex).test_client(use_cookies=False)
    resp = client.get("/seen", headers={"Cookie": "session=" + cookie})
    if resp.status_code != 200:
        return {"status": "error", "tagged": str(resp.status_code)}
    text = resp.get_data(as_text=True)
    return {"status": "empty" if text == "{}" else "ok", "tagged": text}


def save_one(tagged, key_hex, fallbacks_hex, timestamp):
    set_clock(timestamp)
    client = inner_app(key_hex, fallbacks_hex).test_client(use_cookies=False)
    resp = client.post("/set", data=tagged.encode("utf-8"))
    cookie, header = session_cookie(resp)
    return {"cookie": cookie, "set_cookie": header, "status": resp.status_code}


outer = Flask("live")


def fallbacks_header():
    raw = request.headers.get("X-Fallbacks-Hex", "")
    return [f for f in raw.split(",") if f]


@outer.route("/health")
def health():
    return jsonify(flask=getattr(flask, "__version__", "?"))


@outer.route("/session", methods=["GET"])
def get_session():
    cookie = request.cookies.get("session", "")
    return jsonify(load_one(cookie, request.headers["X-Secret-Key-Hex"], fallbacks_header(), request.headers["X-Now"]))


@outer.route("/session", methods=["POST"])
def post_session():
    result = save_one(
        request.get_data(as_text=True),
        request.headers["X-Secret-Key-Hex"],
        fallbacks_header(),
        request.headers["X-Timestamp"],
    )
    resp = flask.make_response(jsonify(status=result["status"]))
    if result["set_cookie"]:
        resp.headers.add("Set-Cookie", result["set_cookie"])
    return resp


@outer.route("/batch/load", methods=["POST"])
def batch_load():
    items = request.get_json()["items"]
    return jsonify(results=[load_one(i["cookie"], i["key_hex"], i.get("fallbacks_hex", []), i["now"]) for i in items])


@outer.route("/batch/save", methods=["POST"])
def batch_save():
    items = request.get_json()["items"]
    return jsonify(results=[save_one(i["tagged"], i["key_hex"], i.get("fallbacks_hex", []), i["timestamp"]) for i in items])


def main():
    serve(outer)


if __name__ == "__main__":
    main()
