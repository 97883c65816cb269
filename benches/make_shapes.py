"""Writes benches/shapes.json: the four session shapes of the benchmarks, as Flask's
tagged JSON. Run once (the output is committed); both the Flask baseline and the
criterion benches read it, so they time identical sessions."""
import hashlib
import json
import pathlib

from flask import Flask
from flask.sessions import session_json_serializer


def h(s, n=None):
    d = hashlib.sha512(s.encode()).hexdigest()
    return d[:n] if n else d


shapes = {
    # What Flask-Login and Flask-WTF keep.
    "login": {
        "_fresh": True,
        "_id": h("127.0.0.1|Mozilla/5.0"),
        "_user_id": "42",
        "csrf_token": h("csrf", 40),
    },
    # Two messages from flash().
    "flashes": {"_flashes": [("message", "Hello!"), ("error", "Bad thing")]},
    # 40 small dicts, permanent.
    "cart": {
        "_permanent": True,
        "cart": [{"id": 1000 + i, "qty": 1 + i % 3, "price": round(4.99 + i * 1.25, 2)} for i in range(40)],
    },
    # Near the 4 KB cookie limit.
    "large": {
        "_permanent": True,
        "_user_id": "42",
        "csrf_token": h("csrf", 40),
        "history": [{"id": i, "slug": "product-" + h(str(i), 24), "ts": 1_700_000_000 + 37 * i} for i in range(126)],
    },
}
app = Flask(__name__)
with app.app_context():
    out = {name: session_json_serializer.dumps(s) for name, s in shapes.items()}
path = pathlib.Path(__file__).with_name("shapes.json")
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
