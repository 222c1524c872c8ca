"""Starting the review: the address, the token when it is served beyond this machine, the threaded server."""

from __future__ import annotations

import secrets
from pathlib import Path

from werkzeug.serving import make_server

from grader.review.app import LOOPBACK, create_app


def address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def serve(results_dir: Path, overrides: Path | None, host: str, port: int, reviewer: str,
          allow_remote: bool) -> None:  # fmt: skip
    """Serve until interrupted. Not loopback: only with allow_remote, and then every request needs a token."""
    remote = host not in LOOPBACK
    if remote and not allow_remote:
        raise ValueError(f"--host {host} serves the results beyond this machine: add --allow-remote to mean it "
                         "(a token is then required, printed below)")  # fmt: skip
    token = secrets.token_urlsafe(24) if remote else None
    app = create_app(results_dir, overrides, reviewer=reviewer, hosts=None if remote else LOOPBACK, token=token)
    server = make_server(host, port, app, threaded=True)
    files, store = app.config["FILES"], app.config["STORE"]
    waiting = len(store.queue())  # reads every result once, so that the first page is served from the cache
    print(f"grader review: {len(store.ids())} students from {store.root}, {waiting} checks waiting for a TA; "
          f"decisions go to {files.overrides}", flush=True)  # fmt: skip
    print(f"grader review: open {address(host, server.server_port, token)}  (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
