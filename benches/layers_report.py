"""Prints the per-request table of benches/layers.rs from criterion's results.

    python3 benches/layers_report.py [TARGET_DIR]

Last line: `layer adds: read X.XX us, modify Y.YY us (axum); read ..., modify ... (actix);
fastest signed-cookie peer vs ours: Z.ZZx`
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
peer_ratio = 0.0
for framework, group, peers in [
    ("axum", "layers-axum", ["tower-sessions", "axum-extra"]),
    ("actix-web", "layers-actix", ["actix-session"]),
]:
    none = us(group, "none")
    ours_read, ours_modify = us(group, "ours/read"), us(group, "ours/modify")
    rows.append((framework, "no session layer", f"{none:.2f}", "", "", ""))
    rows.append((framework, "this crate", f"{ours_read:.2f}", f"{ours_read - none:.2f}",
                 f"{ours_modify:.2f}", f"{ours_modify - none:.2f}"))
    for peer in peers:
        read, modify = us(group, f"{peer}/read"), us(group, f"{peer}/modify")
        rows.append((framework, peer, f"{read:.2f}", f"{read - none:.2f}", f"{modify:.2f}", f"{modify - none:.2f}"))
        if peer != "tower-sessions":  # signed-cookie peers: the target compares with them
            peer_ratio = max(peer_ratio, ours_read / read, ours_modify / modify)
    summary.append(f"read {ours_read - none:.2f} us, modify {ours_modify - none:.2f} us ({framework})")

print("| framework | session layer | read µs | adds | modify µs | adds |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print("layer adds: " + "; ".join(summary) + f"; fastest signed-cookie peer vs ours: {peer_ratio:.2f}x")
