"""Reads the criterion results and the Flask baseline and prints the comparison table.

    python3 benches/report.py [TARGET_DIR]

Last line, exactly:
    min decode speedup vs Flask: X.Xx; min encode speedup: Y.Yx; max decode/floor: Z.ZZ
"""
import json
import pathlib
import sys

target = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target")
crit = target / "criterion"


def us(group, bench):
    """Median time in microseconds of one criterion benchmark."""
    path = crit / group / bench.replace("/", "_") / "new" / "estimates.json"
    if not path.exists():
        # criterion keeps the function id's slashes as directories
        path = crit / group / pathlib.Path(bench) / "new" / "estimates.json"
    data = json.loads(path.read_text())
    return data["median"]["point_estimate"] / 1000.0


flask = json.loads((target / "bench" / "flask.json").read_text())["shapes"]
shapes = ["login", "flashes", "cart", "large"]
rows = []
header = ("shape", "cookie B", "Flask loads", "ours dyn", "ours typed", "speed-up dyn/typed",
          "floor", "dyn/floor", "Flask dumps", "enc dyn", "enc typed", "enc speed-up dyn/typed")
min_dec, min_enc, max_floor = float("inf"), float("inf"), 0.0
lines = []
for s in shapes:
    f = flask[s]
    dec_dyn, dec_typed = us("decode", f"dynamic/{s}"), us("decode", f"typed/{s}")
    enc_dyn, enc_typed = us("encode", f"dynamic/{s}"), us("encode", f"typed/{s}")
    parts = {p: us("floor", f"{p}/{s}") for p in ["hmac", "base64", "inflate", "json"]}
    floor = sum(parts.values())
    sp_dyn, sp_typed = f["loads_us"] / dec_dyn, f["loads_us"] / dec_typed
    esp_dyn, esp_typed = f["dumps_us"] / enc_dyn, f["dumps_us"] / enc_typed
    min_dec = min(min_dec, sp_dyn, sp_typed)
    min_enc = min(min_enc, esp_dyn, esp_typed)
    max_floor = max(max_floor, dec_dyn / floor)
    lines.append((s, f"{f['cookie_len']}", f"{f['loads_us']:.2f}", f"{dec_dyn:.2f}", f"{dec_typed:.2f}",
                  f"{sp_dyn:.1f}x / {sp_typed:.1f}x", f"{floor:.2f}", f"{dec_dyn / floor:.2f}",
                  f"{f['dumps_us']:.2f}", f"{enc_dyn:.2f}", f"{enc_typed:.2f}", f"{esp_dyn:.1f}x / {esp_typed:.1f}x"))
    lines.append(("", "", "floor parts:", " ".join(f"{k} {v:.2f}" for k, v in parts.items()), "", "", "", "", "", "", "", ""))
    try:
        zi, zd = us("zlib-reused", f"inflate/{s}"), us("zlib-reused", f"deflate/{s}")
        lines.append(("", "", "zlib-rs reset:", f"inflate {zi:.2f} deflate {zd:.2f}", "", "", "", "", "", "", "", ""))
        oi, od = us("zlib-ours", f"inflate/{s}"), us("zlib-ours", f"deflate/{s}")
        lines.append(("", "", "our zlib:", f"inflate {oi:.2f} deflate {od:.2f}", "", "", "", "", "", "", "", ""))
    except FileNotFoundError:
        pass

print("| " + " | ".join(header) + " |")
print("|" + "---|" * len(header))
for l in lines:
    print("| " + " | ".join(l) + " |")
try:
    ours, theirs = us("plain", "ours"), us("plain", "itsdangerous-crate")
    print(f"\nuncompressed plain-JSON cookie: ours {ours:.2f} us, itsdangerous crate 0.4.1 {theirs:.2f} us ({theirs / ours:.1f}x)")
except FileNotFoundError:
    pass
print("(times in microseconds, medians; speed-up = Flask time / our time)")
print(f"min decode speedup vs Flask: {min_dec:.1f}x; min encode speedup: {min_enc:.1f}x; max decode/floor: {max_floor:.2f}")
