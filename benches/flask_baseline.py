"""Times Flask 3.1.3's own session serializer on the benchmark shapes, inside an app
context as Flask runs it, and writes the cookies it makes (signed now) for the Rust
benches to decode.

    python benches/flask_baseline.py OUT_DIR [--quick]

Writes OUT_DIR/cookies.json ({shape: cookie}) and OUT_DIR/flask.json
({shape: {"loads_us", "dumps_us"}}), best of 5 repeats, per call in microseconds.
"""
import importlib.metadata
import json
import pathlib
import platform
import sys
import timeit

import flask
from flask import Flask
from flask.sessions import session_json_serializer

out = pathlib.Path(sys.argv[1])
quick = "--quick" in sys.argv
out.mkdir(parents=True, exist_ok=True)
shapes = json.loads(pathlib.Path(__file__).with_name("shapes.json").read_text())

app = Flask(__name__)
app.secret_key = "bench-secret-key"
max_age = int(app.permanent_session_lifetime.total_seconds())
cookies, results = {}, {}
with app.app_context():
    s = app.session_interface.get_signing_serializer(app)
    for name, tagged in shapes.items():
        session = session_json_serializer.loads(tagged)
        cookie = s.dumps(session)
        assert s.loads(cookie, max_age=max_age) == session
        assert session_json_serializer.dumps(s.loads(cookie)) == tagged
        cookies[name] = cookie
        row = {}
        for op, fn in [("loads", lambda: s.loads(cookie, max_age=max_age)), ("dumps", lambda: s.dumps(session))]:
            timer = timeit.Timer(fn)
            n, _ = timer.autorange()
            if quick:
                n = max(1, n // 4)
            best = min(timer.repeat(repeat=3 if quick else 5, number=n)) / n
            row[op + "_us"] = best * 1e6
        row["cookie_len"] = len(cookie)
        results[name] = row
        print(f"flask {name:8} loads {row['loads_us']:8.2f} us  dumps {row['dumps_us']:8.2f} us  ({len(cookie)} byte cookie)")
(out / "cookies.json").write_text(json.dumps(cookies, indent=1) + "\n")
(out / "flask.json").write_text(json.dumps({"flask": importlib.metadata.version("flask"),
                                            "python": platform.python_version(), "shapes": results}, indent=1) + "\n")
