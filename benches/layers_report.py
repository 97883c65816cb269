"""Prints the per-request table of benches/layers.rs from criterion's results.

    python3 benches/layers_report.py [TARGET_DIR]

Last line: what the layer adds per request for each framework (cold read, warm
read, refresh, modify).
"""
import json
import pathlib
import sys

crit = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target") / "criterion"


def us(group, bench):
    # criterion names the directory of "a/b" as "a_b"
    path = crit / group / bench.replace("/", "_") / "new" / "estimates.json"
    return json.loads(path.read_text())["median"]["point_estimate"] / 1000.0


rows = []
summary = []
for framework, group, peers in [
    ("axum", "layers-axum", ["tower-sessions", "axum-extra"]),
    ("actix-web", "layers-actix", ["actix-session"]),
]:
    none = us(group, "none")
    rows.append((framework, "no session layer", f"{none:.2f}", "", "", "", "", "", "", "", "", ""))
    cold, warm, refresh, modify, modify_cold = (us(group, f"ours/{k}") for k in ("read-cold", "read-warm", "refresh", "modify", "modify-cold"))
    rows.append((framework, "this crate", f"{cold:.2f}", f"{cold - none:.2f}", f"{warm:.2f}", f"{warm - none:.2f}",
                 f"{refresh:.2f}", f"{refresh - none:.2f}", f"{modify_cold:.2f}", f"{modify_cold - none:.2f}", f"{modify:.2f}", f"{modify - none:.2f}"))
    for peer in peers:
        read, mod = us(group, f"{peer}/read"), us(group, f"{peer}/modify")
        rows.append((framework, peer, f"{read:.2f}", f"{read - none:.2f}", "", "", "", "", f"{mod:.2f}", f"{mod - none:.2f}", "", ""))
    summary.append(f"{framework}: cold read adds {cold - none:.2f} us, warm {warm - none:.2f}, refresh {refresh - none:.2f}, modify cold {modify_cold - none:.2f}, warm {modify - none:.2f}")

print("| framework | session layer | read (cold) µs | adds | read (warm) µs | adds | refresh µs | adds | modify µs | adds | modify, same cookie µs | adds |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print("; ".join(summary))
