"""What the server-side apps' `/mark` does, shared by the Flask and Quart apps: the
same session change on both, as the Rust services make it
(tests/integration/server_side.rs `mark`)."""
import json


def mark(session, who):
    """Records `who` and counts the visits; answers what was seen before."""
    seen = session.get("who")
    n = session.get("n", 0) + 1
    session["who"] = who
    session["n"] = n
    return json.dumps({"seen": seen, "n": n}, separators=(",", ":"))
