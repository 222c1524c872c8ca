"""The review's web app (Flask): routes, and the protections every request goes through.

- Host: only the addresses it was started on are answered (a page on another
  site that resolves its own name to 127.0.0.1 gets nothing: DNS rebinding).
- Token: served on another interface than loopback, every request needs the
  token printed at start (once in the URL, then an HttpOnly, SameSite=Strict
  cookie), as Jupyter does.
- CSRF: every form carries the process's token and every POST is refused
  without it, or when the browser says it comes from another site.
- Student text is escaped by the templates (autoescape; the content security
  policy forbids inline script as a second line); student ids and check ids
  are looked up in the results, never joined into a path.
"""

from __future__ import annotations

import hmac
import secrets
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, abort, g, make_response, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from grader.review import actions, i18n
from grader.review.ledger import TaFiles
from grader.review.pages import AnswerCache, check_page, locate
from grader.review.store import ResultStore, counts, filtered

STATIC = {"review.css": "text/css", "review.js": "text/javascript"}
FONTS = ("Vazirmatn-Regular.ttf", "Vazirmatn-Bold.ttf")
FILTERS = ("question", "check", "student")
PAGE = 100  # rows of the queue per page: a class of 200 has ~3,000 waiting checks
POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; font-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")  # fmt: skip


def _assets() -> dict[str, tuple[bytes, str]]:
    root = resources.files("hw4_templates")
    found = {name: ((root / "review" / name).read_bytes(), kind) for name, kind in STATIC.items()}
    found.update({f"fonts/{name}": ((root / "fonts" / name).read_bytes(), "font/ttf") for name in FONTS})
    return found


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def hostname(host: str) -> str:
    """'127.0.0.1:8000' -> '127.0.0.1', '[::1]:8000' -> '::1'."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def create_app(results_dir: Path, overrides: Path | None = None, *, reviewer: str = "",
               hosts: tuple[str, ...] | None = LOOPBACK, token: str | None = None) -> Flask:  # fmt: skip
    """The app over one class's results.

    hosts: the host names it answers to (None: any, only with a token); token: required when not None."""
    if hosts is None and token is None:
        raise ValueError("an app that answers any host name needs a token")
    store = ResultStore(results_dir)
    files = TaFiles((overrides or store.manifest.overrides or store.root.parent / "overrides.yaml").resolve())
    cache = AnswerCache(store, files)
    app = Flask(__name__, template_folder=str(resources.files("hw4_templates") / "review"), static_folder=None)
    app.secret_key = secrets.token_bytes(32)
    app.jinja_env.autoescape = True
    csrf = secrets.token_urlsafe(32)
    assets = _assets()
    app.config.update(STORE=store, FILES=files, CACHE=cache, REVIEWER=reviewer)

    def lang() -> str:
        chosen = request.args.get("lang") or request.cookies.get("lang", "en")
        return chosen if chosen in i18n.LANGS else "en"

    @app.before_request
    def guard() -> BaseResponse | None:
        g.lang = lang()
        if hosts is not None and hostname(request.host) not in hosts:
            abort(400)
        if token is not None:
            given = request.args.get("token", "")
            if given and hmac.compare_digest(given, token):
                kept = {k: v for k, v in request.args.items() if k != "token"}
                reply = redirect(request.path + ("?" + urlencode(kept) if kept else ""))
                reply.set_cookie("review_token", token, httponly=True, samesite="Strict")
                return reply
            if not hmac.compare_digest(request.cookies.get("review_token", ""), token):
                return _page("message.html", 403, message=i18n.text("forbidden", g.lang))
        if request.method == "POST":
            if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
                abort(400)
            origin = request.headers.get("Origin")
            if origin not in (None, "null") and origin.split("://", 1)[-1] != request.host:
                abort(400)
            if not hmac.compare_digest(request.form.get("csrf", ""), csrf):
                abort(400)
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if response.mimetype == "text/html":
            response.headers["Cache-Control"] = "no-store"
        if request.args.get("lang") in i18n.LANGS:
            response.set_cookie("lang", g.lang, samesite="Strict")
        return response

    @app.errorhandler(HTTPException)
    def failed(error: HTTPException) -> Response:
        key = {404: "not_found", 400: "bad_request"}.get(error.code or 0, "bad_request")
        return _page("message.html", error.code or 400, message=i18n.text(key, g.get("lang", "en")))

    def _page(template: str, status: int = 200, **context: Any) -> Response:
        chosen = g.get("lang", "en")
        reply = make_response(render_template(template, lang=chosen, t=lambda key, **v: i18n.text(key, chosen, **v),
                                              csrf=csrf, filters=_filters(), link=_link, files=files,
                                              store=store, reviewer=request.cookies.get("reviewer") or reviewer,
                                              **context), status)  # fmt: skip
        return reply

    @app.get("/static/<path:name>")
    def static_file(name: str) -> Response:
        if name not in assets:
            abort(404)
        data, kind = assets[name]
        reply = Response(data, mimetype=kind)
        reply.headers["Cache-Control"] = "max-age=3600"
        return reply

    @app.get("/")
    def queue() -> Response:
        everything = store.queue()
        shown = filtered(everything, **_filters())
        pages = max(1, -(-len(shown) // PAGE))
        number = min(max(1, request.args.get("page", 1, type=int) or 1), pages)
        first = (number - 1) * PAGE
        return _page("queue.html", items=shown[first : first + PAGE], first=first, matching=len(shown),
                     number=number, pages=pages, total=len(everything), counts=counts(everything),
                     messages=actions.pop_messages())  # fmt: skip

    @app.get("/student/<sid>")
    def student_page(sid: str) -> Response:
        try:
            result = store.result(sid)
        except KeyError:
            abort(404)
        waiting = {(i.student, i.check_id) for i in store.queue()}
        return _page("student.html", student=sid, result=result, waiting=waiting)

    @app.get("/student/<sid>/<check_id>")
    def check(sid: str, check_id: str) -> Response:
        try:
            located = locate(store, sid, check_id)
        except KeyError:
            abort(404)
        shown = filtered(store.queue(), **_filters())
        page = check_page(store, files, cache, located, shown, g.lang)
        return _page("check.html", p=page, messages=actions.pop_messages(), form={})

    @app.get("/student/<sid>/<check_id>/heatmaps.png")
    def heatmaps(sid: str, check_id: str) -> Response:
        from grader.render import pdf_report

        try:
            located = locate(store, sid, check_id)
            image = pdf_report.heatmaps(pdf_report.student_maps(located.rebuilt()))
        except (KeyError, ImportError, OSError):
            abort(404)
        return Response(image, mimetype="image/png")

    @app.post("/student/<sid>/<check_id>/decide")
    def decide(sid: str, check_id: str) -> BaseResponse:
        try:
            located = locate(store, sid, check_id)
        except KeyError:
            abort(404)
        outcome = actions.decide(store, files, located, request.form, g.lang)
        return _after(located, outcome, check_id)

    @app.post("/student/<sid>/<check_id>/correct")
    def correct(sid: str, check_id: str) -> BaseResponse:
        try:
            located = locate(store, sid, check_id)
        except KeyError:
            abort(404)
        sheet = cache.sheet(sid)
        field = request.form.get("field", "")
        raw = sheet.raw.get(tuple(field.split("."))) if sheet is not None else None
        saved = {str(s["field"]): s for s in located.check["details"].get("sources") or ()}.get(field)
        current = raw.text if raw is not None else str(saved["excerpt"]) if saved else ""
        outcome = actions.correct(store, files, located, request.form, g.lang, current)
        return _after(located, outcome, check_id, stay=True)

    def _after(located: Any, outcome: actions.Outcome, check_id: str, stay: bool = False) -> BaseResponse:
        if outcome.problem is not None:  # refused or conflicting: the same page again, with what the TA typed
            page = check_page(store, files, cache, locate(store, located.student, check_id),
                              filtered(store.queue(), **_filters()), g.lang)  # fmt: skip
            return _page("check.html", 409 if outcome.conflict else 422, p=page, form=dict(request.form),
                         messages=[("error", outcome.problem)])  # fmt: skip
        actions.push_messages(outcome.messages)
        target = (located.student, check_id) if stay else _next_after(located.student, check_id)
        reply = redirect(_link(*target) if target else _link())
        name = request.form.get("by", "").strip()
        if name:
            reply.set_cookie("reviewer", name, samesite="Strict", httponly=True)
        return reply

    def _next_after(student: str, check_id: str) -> tuple[str, str] | None:
        """The next item of the (filtered) queue after this one, which has just left it."""
        before = request.form.get("next_student", ""), request.form.get("next_check", "")
        keys = [(i.student, i.check_id) for i in filtered(store.queue(), **_filters())]
        if before in keys:
            return before
        return keys[0] if keys else None

    return app


def _filters() -> dict[str, str]:
    source = request.form if request.method == "POST" else request.args
    return {name: source.get(name, "").strip() for name in FILTERS if source.get(name, "").strip()}


def _link(student: str | None = None, check_id: str | None = None, **extra: str) -> str:
    """A page's address, carrying the queue's filters (url_for quotes every part, so no id can break out)."""
    from flask import url_for

    query: dict[str, Any] = {**_filters(), **extra}
    if student is None:
        return url_for("queue", **query)
    if check_id is None:
        return url_for("student_page", sid=student, **query)
    return url_for("check", sid=student, check_id=check_id, **query)
