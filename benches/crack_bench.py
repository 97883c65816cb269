"""The benchmark of `crack`: candidates per second on a login-shaped Flask cookie,
single thread and all threads, beside flask-unsign on the same cookie and the SHA-1
limit of this machine measured in the same run.

    python benches/crack_bench.py BINARY SHA1_LIMIT_BINARY UNSIGN_PYTHON [--quick]

Prints a table and, last, one line:
    crack: X/s single, Y/s all; flask-unsign: Z/s; N x flask-unsign; P% of the SHA-1 limit per core
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time

binary, sha1_limit, unsign_python = sys.argv[1:4]
quick = "--quick" in sys.argv
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

# Flask-Login's session as Flask 3.1.3 writes it (fixtures/flask/flask-3.1.3.json).
vectors = json.load(open(os.path.join(root, "fixtures/flask/flask-3.1.3.json")))["vectors"]
cookie = next(v["cookie"] for v in vectors if v["name"] == "flask_login")

n_ours = 2_000_000 if quick else 20_000_000
n_unsign = 30_000 if quick else 200_000
tmp = tempfile.mkdtemp()
words = os.path.join(tmp, "words.txt")
with open(words, "w") as f:
    # Keys like a real list: mixed lengths, none of them the key.
    for i in range(n_ours):
        f.write(f"candidate-{i * 7919 % 1000003:x}-{i}\n")
small = os.path.join(tmp, "small.txt")
with open(words) as src, open(small, "w") as dst:
    for _ in range(n_unsign):
        dst.write(src.readline())


def crack(threads):
    args = [binary, "crack", "--verbose", "--no-progress", "--wordlist", words, cookie]
    if threads:
        args[2:2] = ["--threads", str(threads)]
    out = subprocess.run(args, capture_output=True, text=True)
    line = next(l for l in out.stderr.splitlines() if l.startswith("tried "))
    m = re.match(r"tried (\d+) candidates in ([\d.]+) s on (\d+) threads: (\d+) candidates/s; each costs (\d+)", line)
    tried, seconds, threads_used, rate, cost = m.groups()
    assert int(tried) == n_ours, line
    return float(rate), int(cost), int(threads_used)


def unsign():
    start = time.perf_counter()
    out = subprocess.run(
        [unsign_python, "-m", "flask_unsign", "--unsign", "--cookie", cookie, "--wordlist", small,
         "--no-literal-eval", "--quiet"],
        capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - start
    assert "dev-secret" not in out.stdout, out.stdout
    return n_unsign / elapsed


limit = float(subprocess.run([sha1_limit, "3"], capture_output=True, text=True).stdout.split(":")[1])
single, cost, _ = crack(1)
both, _, threads = crack(None)
baseline = unsign()
cores = os.cpu_count()
share = single * cost / limit
print(f"cookie: Flask-Login session, {len(cookie)} characters (compressed), key not in the list")
print(f"SHA-1 limit, one core: {limit:,.0f} compressions/s; one candidate costs {cost} compressions")
print(f"| | candidates/s | vs flask-unsign |")
print(f"|---|---|---|")
print(f"| crack, 1 thread | {single:,.0f} | {single / baseline:.0f}x |")
print(f"| crack, {threads} threads | {both:,.0f} | {both / baseline:.0f}x |")
print(f"| flask-unsign 1.2.1 (8 threads, --no-literal-eval), {n_unsign:,} lines | {baseline:,.0f} | 1x |")
print(f"| SHA-1 limit per core / {cost} | {limit / cost:,.0f} | |")
print(f"crack: {single:,.0f}/s single, {both:,.0f}/s all; flask-unsign: {baseline:,.0f}/s; "
      f"{both / baseline:.0f} x flask-unsign; {share:.0%} of the SHA-1 limit per core")
