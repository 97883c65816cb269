"""Server-side sessions per request over loopback, against a real redis-server (a free
port, no persistence, stopped at the end): this crate's axum layer and actix-web
middleware (Flask-Session 0.8's rules), actix-session's RedisSessionStore and
tower-sessions' Redis store (benches/server_side, a package of its own), and
Flask-Session 0.8.0 under gunicorn (2 workers, benches/server_side_app.py), each
driven by examples/loadgen.rs (32 clients with their own cookie jars) on the same
2 cores, one after the other. Then the stored-value codec: msgspec and pickle per
operation on the sessions of benches/stored.rs (criterion measures ours).

    python3 benches/server_side_bench.py BENCH_BIN LOADGEN PYTHON [--quick]
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request

bench_bin, loadgen_bin, python = sys.argv[1:4]
quick = "--quick" in sys.argv
seconds = "2" if quick else "8"
clients = "32"
here = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port):
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"nothing listens on {port}")


redis_port = free_port()
redis_dir = tempfile.mkdtemp(prefix="fsc-bench-redis-")
redis = subprocess.Popen(
    ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
     "--appendonly", "no", "--dir", redis_dir, "--loglevel", "warning"],
    stdout=subprocess.DEVNULL,
)
wait_port(redis_port)
redis_url = f"redis://127.0.0.1:{redis_port}/0"


def redis_cmd(*args):
    subprocess.run(["redis-cli", "-p", str(redis_port), *args], check=True,
                   stdout=subprocess.DEVNULL)


def first_cookie(port):
    """The session cookie of one /modify: the session the read load shares."""
    resp = urllib.request.urlopen(f"http://127.0.0.1:{port}/modify")
    cookie = resp.headers.get("Set-Cookie")
    return cookie.split(";", 1)[0]


def load(port, path, cookie):
    out = subprocess.run(
        [loadgen_bin, f"http://127.0.0.1:{port}{path}", cookie, clients, seconds],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert " 0 failed" in out, out
    return float(out.split()[1]), out


def measure(port, cookie_name):
    redis_cmd("FLUSHALL")
    modify = load(port, "/modify", f"{cookie_name}=")
    read = load(port, "/read", first_cookie(port))
    return modify, read


def rust(framework, cookie_name):
    proc = subprocess.Popen([bench_bin, framework, redis_url], stdout=subprocess.PIPE, text=True)
    try:
        port = int(proc.stdout.readline().split()[1])
        wait_port(port)
        return measure(port, cookie_name)
    finally:
        proc.kill()
        proc.wait()


def gunicorn():
    port = free_port()
    proc = subprocess.Popen(
        [python, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--chdir", here,
         "--log-level", "warning", "server_side_app:app"],
        env={**os.environ, "REDIS_URL": redis_url},
    )
    try:
        wait_port(port)
        return measure(port, "session")
    finally:
        proc.terminate()
        proc.wait()


try:
    results = [
        ("axum, this crate (Flask-Session 0.8's rules)", rust("axum", "session")),
        ("actix-web, this crate (Flask-Session 0.8's rules)", rust("actix", "session")),
        ("actix-web, actix-session 0.11 RedisSessionStore", rust("actix-session", "id")),
        ("axum, tower-sessions 0.14 + tower-sessions-redis-store 0.16", rust("tower-sessions", "id")),
        ("Flask 3.1.3 + Flask-Session 0.8.0, gunicorn 2 workers", gunicorn()),
    ]
finally:
    redis.kill()
    redis.wait()

flask_modify, flask_read = results[-1][1][0][0], results[-1][1][1][0]
print(f"| {clients} clients, {seconds} s each | modify req/s | vs Flask | read req/s | vs Flask |")
print("|---|---|---|---|---|")
for name, ((m, _), (r, _)) in results:
    print(f"| {name} | {m:,.0f} | {m / flask_modify:.1f}x | {r:,.0f} | {r / flask_read:.1f}x |")
for name, ((_, ml), (_, rl)) in results:
    print(f"{name}: modify {ml}; read {rl}")

# The codec: msgspec and pickle on the sessions of benches/stored.rs.
codec = r'''
import msgspec, pickle, timeit
login = {"_permanent": True, "_user_id": "1", "_fresh": True,
         "_id": "36646aa58fb1704b0c91f63d25a2ea3f" * 4,
         "csrf_token": "fb733f25b22cb3bb70cf1dfdc4c1d73a3d40db00"}
cart = dict(login)
cart["cart"] = [(i, f"item-{i}", 1.5) for i in range(20)]
cart["_flashes"] = [("info", "Added to your cart.")]
n = 20000 if QUICK else 200000
best = lambda f: min(timeit.repeat(f, number=n, repeat=5)) / n * 1e9
for name, d in (("login", login), ("cart", cart)):
    for fmt, mod in (("msgpack", msgspec.msgpack), ("json", msgspec.json)):
        enc, dec = mod.Encoder(), mod.Decoder()
        b = enc.encode(d)
        print(f"msgspec {fmt}/{name}: encode {best(lambda: enc.encode(d)):.0f} ns, "
              f"decode {best(lambda: dec.decode(b)):.0f} ns")
p = pickle.dumps(login, protocol=4)
print(f"pickle.loads/login: {best(lambda: pickle.loads(p)):.0f} ns")
'''.replace("QUICK", str(quick))
print(subprocess.run([python, "-c", codec], capture_output=True, text=True, check=True).stdout, end="")
