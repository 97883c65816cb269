"""Requests per second over loopback for the modify endpoint (every request writes
a new session cookie): the axum and actix-web services of examples/bench_server.rs
beside the same endpoint in Flask under gunicorn (2 workers, benches/modify_app.py),
driven by examples/loadgen.rs, one after the other on this machine.

    python benches/loopback_bench.py BENCH_SERVER LOADGEN PYTHON [--quick]
"""
import os
import subprocess
import sys
import time

server_bin, loadgen_bin, python = sys.argv[1:4]
quick = "--quick" in sys.argv
seconds = "2" if quick else "8"
clients = "32"
here = os.path.dirname(os.path.abspath(__file__))

# The login session, signed now by Flask itself.
cookie = subprocess.run(
    [python, "-c", """
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
app = Flask("x"); app.secret_key = "dev-secret"
s = SecureCookieSessionInterface().get_signing_serializer(app)
print(s.dumps({"_user_id": "42", "_fresh": True, "_id": "%s"}))
""" % ("36646aa58fb1704b0c91f63d25a2ea3f" * 4)],
    capture_output=True, text=True, check=True,
).stdout.strip()


def load(port):
    out = subprocess.run(
        [loadgen_bin, f"http://127.0.0.1:{port}/modify", f"session={cookie}", clients, seconds],
        capture_output=True, text=True, check=True,
    ).stdout
    line = out.strip()
    rate = float(line.split()[1])
    assert " 0 failed" in line, line
    return rate, line


def rust(framework):
    proc = subprocess.Popen([server_bin, framework], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().split()[1])
        return load(port)
    finally:
        proc.kill()
        proc.wait()


def gunicorn():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [python, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", here,
         "--log-level", "warning", "modify_app:app"],
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        return load(port)
    finally:
        proc.terminate()
        proc.wait()


results = [("axum (this crate's layer)", rust("axum")), ("actix-web (this crate's middleware)", rust("actix")),
           ("Flask 3.1.3 under gunicorn, 2 workers", gunicorn())]
print(f"| modify endpoint over loopback ({clients} clients, {seconds} s each) | requests/s | vs Flask |")
print("|---|---|---|")
flask = results[-1][1][0]
for name, (rate, _) in results:
    print(f"| {name} | {rate:,.0f} | {rate / flask:.1f}x |")
for name, (_, line) in results:
    print(f"{name}: {line}")
