"""Serves a live-test app: on 127.0.0.1 on a free port, single-threaded (so that
per-request settings cannot race), `PORT <n>` on stdout once listening, stopped when
stdin closes (the test process went away)."""
import sys
import threading

from werkzeug.serving import make_server


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=False)
    print(f"PORT {server.port}", flush=True)

    def watch_stdin():
        sys.stdin.read()
        server.shutdown()

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()
