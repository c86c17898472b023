"""Every route of the staff app is @public or @requires(role), and refuses strangers.

This walks the real router, report pages included: a new route that forgets its mark fails here.
"""

import re
from html.parser import HTMLParser

import pytest
from aiohttp import web

from bot.staff import keys
from bot.staff.access import StaffUser, is_public, required_role, requires

PUBLIC_PATHS = {"/staff/login", "/staff/enrol/{token}", r"/staff/static/{name}"}


def concrete(path: str) -> str:
    """A path of a resource with its variables filled in."""
    return re.sub(r"\{[^}]+\}", "1", path)


def routes(app: web.Application):
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter") or info.get("prefix")
        yield route.method, path, route.handler


async def test_every_route_is_public_or_has_a_role(staff):
    seen = list(routes(staff.app))
    assert len(seen) >= 10
    for method, path, handler in seen:
        assert is_public(handler) or required_role(handler), f"{method} {path} has no mark"
        if is_public(handler):
            assert re.sub(r":[^}]+", "", path) in PUBLIC_PATHS, f"{path} should not be public"


async def test_every_non_public_route_refuses_a_request_without_a_session(staff):
    browser = staff.anonymous()
    checked = 0
    for method, path, handler in routes(staff.app):
        if is_public(handler) or method == "HEAD":
            continue
        url = concrete(path)
        if method == "GET":
            response = await browser.get(url)
            assert response.status == 303, (method, path, response.status)
            assert response.headers["Location"] == "/staff/login"
        else:
            response = (
                await browser.post(url, {"csrf_token": "x"})
                if method == "POST"
                else (await browser.client.request(method, url, headers={"Origin": browser.origin}))
            )
            assert response.status == 403, (method, path, response.status)
        checked += 1
    assert checked >= 8


async def test_every_non_public_route_refuses_a_stale_cookie(staff):
    browser = staff.anonymous()
    browser.token = "nep" * 14
    for method, path, handler in routes(staff.app):
        if is_public(handler) or method != "GET":
            continue
        response = await browser.get(concrete(path))
        assert response.status == 303, path
        assert "__Host-zicht_staff=" in response.headers.get("Set-Cookie", "")  # cleared


async def test_requires_refuses_a_lower_role():
    @requires("handler")
    async def change(_request):
        return web.Response(text="ok")

    assert change.__zicht_role__ == "handler"

    class FakeRequest(dict):
        pass

    for role, allowed in (("viewer", False), ("handler", True), ("admin", True)):
        request = FakeRequest(staff=StaffUser(1, "x", role))
        if allowed:
            assert (await change(request)).text == "ok"
        else:
            with pytest.raises(web.HTTPForbidden):
                await change(request)
    with pytest.raises(web.HTTPForbidden):
        await change(FakeRequest())
    with pytest.raises(ValueError):
        requires("superuser")


async def test_a_route_without_a_mark_is_refused_even_when_signed_in(aiohttp_client, tmp_path):
    from staff_helpers import FakeClock, StaffEnv, migrate, staff_config

    from bot.staff.app import create_staff_app

    async def forgotten(_request):
        return web.Response(text="geheim")

    config = staff_config(f"sqlite:///{tmp_path / 'z.db'}")
    migrate(config)
    clock = FakeClock()
    app = create_staff_app(config, None, clock=clock)
    app.router.add_get("/staff/vergeten", forgotten)
    env = StaffEnv(app, await aiohttp_client(app), clock)
    admin = await env.login("admin")
    response = await admin.get("/staff/vergeten")
    assert response.status == 403
    assert "geheim" not in await response.text()


async def test_staff_redirects_to_the_reports(staff):
    viewer = await staff.login("viewer")
    for path in ("/staff", "/staff/"):
        response = await viewer.get(path)
        assert response.status == 303
        assert response.headers["Location"] == "/staff/reports"


async def test_security_headers_on_pages_errors_redirects_and_static(staff):
    browser = staff.anonymous()
    for path, status in (
        ("/staff/login", 200),
        ("/staff/users", 303),
        ("/staff/bestaat-niet", 404),
        ("/staff/static/staff.css", 200),
    ):
        response = await browser.get(path)
        assert response.status == status, path
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["Cache-Control"] == "no-store"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    # The pages relax it for themselves, so that their form posts carry a real Origin.
    page = await (await browser.get("/staff/login")).text()
    assert '<meta name="referrer" content="same-origin">' in page


async def test_static_files_do_not_leave_their_folder(staff):
    browser = staff.anonymous()
    for path in ("/staff/static/../app.py", "/staff/static/%2e%2e/app.py", "/staff/static/x.py"):
        assert (await browser.get(path)).status == 404


class Page(HTMLParser):
    """Collects what the accessibility checks need."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.labels_for: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "label" and attributes.get("for"):
            self.labels_for.add(attributes["for"])

    def handle_data(self, data):
        self.text.append(data)


def check_accessible(html: str) -> Page:
    assert "&#34;" not in html.split("<main", 1)[1].split("<svg", 1)[0], "escaped attributes"
    page = Page()
    page.feed(html)
    tags = page.tags
    assert ("html", {"lang": "nl"}) in [
        (t, {"lang": a.get("lang")}) for t, a in tags if t == "html"
    ]
    assert any(t == "a" and a.get("href") == "#inhoud" for t, a in tags), "skip link"
    assert any(t == "main" and a.get("id") == "inhoud" for t, a in tags)
    assert any(t == "h1" for t, _ in tags)
    for tag, attributes in tags:
        if tag == "form" and attributes.get("method") == "post":
            assert 'name="csrf_token" value=""' not in html, "empty CSRF field"
        assert "style" not in attributes, f"inline style on <{tag}>"
        assert not any(name.startswith("on") for name in attributes), f"inline handler on <{tag}>"
        assert tag != "script"
        if tag in {"input", "select", "textarea"} and attributes.get("type") != "hidden":
            if attributes.get("hidden") is not None or "hidden" in attributes:
                continue
            assert attributes.get("id") in page.labels_for, f"no label for {attributes}"
    ids = [a["id"] for _, a in tags if "id" in a]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for _, attributes in tags:
        for ref in attributes.get("aria-describedby", "").split():
            assert ref in ids, f"aria-describedby points nowhere: {ref}"
    return page


async def test_pages_are_accessible(staff):
    anonymous = staff.anonymous()
    check_accessible(await (await anonymous.get("/staff/login")).text())
    token = staff.accounts.add("nieuwe.collega", "viewer")
    check_accessible(await (await anonymous.get(f"/staff/enrol/{token}")).text())
    check_accessible(await (await anonymous.get("/staff/bestaat-niet")).text())
    admin = await staff.login("admin")
    users = await admin.get("/staff/users")
    page = check_accessible(await users.text())
    assert any(t == "button" for t, _ in page.tags)
    check_accessible(await (await admin.get("/staff/audit")).text())
    error = await admin.post("/staff/users", {"name": "?", "role": "viewer"})
    html = await error.text()
    check_accessible(html)
    assert 'aria-invalid="true"' in html and 'role="alert"' in html


async def test_the_nav_shows_admin_pages_to_admins_only(staff):
    viewer = await staff.login("viewer")
    admin = await staff.login("admin")
    viewer_page = await (await viewer.get("/staff/bestaat-niet")).text()
    admin_page = await (await admin.get("/staff/users")).text()
    for href in ("/staff/users", "/staff/audit", "/staff/retention"):
        assert f'href="{href}"' not in viewer_page
        assert f'href="{href}"' in admin_page
    for href in ("/staff/reports", "/staff/stats"):
        assert f'href="{href}"' in viewer_page
    assert 'action="/staff/logout"' in viewer_page
    assert f'value="{viewer.csrf_token}"' in viewer_page
    assert f'name="csrf_token" value="{admin.csrf_token}"' in admin_page
    assert 'aria-current="page"' in admin_page


async def test_output_is_escaped(staff):
    admin = await staff.login("admin")
    response = await admin.post(
        "/staff/users", {"name": "<script>alert(1)</script>", "role": "viewer"}
    )
    html = await response.text()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


async def test_the_audit_log_is_paged_newest_first(staff):
    admin = await staff.login("admin")
    log = staff.app[keys.AUDIT]
    for number in range(120):
        log.write("report_viewed", actor="anna", report_id=number + 1)
    first = await (await admin.get("/staff/audit")).text()
    assert "pagina 1 van 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    assert '/staff/reports/120"' in first  # newest first
    last = await (await admin.get("/staff/audit?pagina=3")).text()
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert "Ingelogd" in last  # the sign-in was the first event
    assert (await admin.get("/staff/audit?pagina=abc")).status == 200


async def test_expired_sessions_are_purged_at_sign_in(staff):
    from sqlalchemy import func, select

    from bot.staff.models import StaffSession

    await staff.login("viewer")
    staff.clock.advance(hours=9)
    await staff.login("viewer")
    with staff.app[keys.ENGINE].connect() as connection:
        assert connection.scalar(select(func.count(StaffSession.token_hash))) == 1
