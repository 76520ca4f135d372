"""Every workflow page as every demo role, on a desktop (1440x900) and a phone (390x844): nothing
overflows sideways, the navigation is on screen, and no link or button is shown that the role's
request would be refused (the server's own rule, `role_page`, decides). Axe-core (vendored from
npm) finds no serious or critical accessibility violation."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from core.roles import allows

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
ROLES = ("pam", "alice", "ivy", "oscar", "audrey")  # PM, Approver, Incident Commander, Ops, Auditor
SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

# Every action a page offers: links, forms a button can send, htmx requests; with the method they use.
ACTIONS_JS = """() => {
  const path = (url) => new URL(url, location.href).pathname;
  const actions = [];
  document.querySelectorAll("#content a[href], #header a[href]").forEach((a) => {
    if (a.origin === location.origin) actions.push(["GET", path(a.href), a.textContent.trim()]);
  });
  document.querySelectorAll("form").forEach((form) => {
    const submit = form.querySelector("button:enabled, input[type=submit]:enabled");
    const method = (form.getAttribute("method") || "get").toUpperCase();
    if (submit) actions.push([method, path(form.getAttribute("action") || location.href), submit.textContent.trim()]);
  });
  document.querySelectorAll("[hx-post]").forEach((el) => {
    actions.push(["POST", path(el.getAttribute("hx-post")), "htmx"]);
  });
  return actions;
}"""
OVERFLOW_JS = "() => document.documentElement.scrollWidth <= window.innerWidth"
NAV_JS = """() => [...document.querySelectorAll(".pms-nav a")].map((a) => {
  const box = a.getBoundingClientRect();
  return [a.textContent.trim(), box.width > 0 && box.left >= 0 && box.right <= window.innerWidth];
})"""
AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter((v) => ["serious", "critical"].includes(v.impact))
    .map((v) => v.id + ": " + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""


def _allowed(user, method: str, path: str) -> bool:
    """What the server would answer: a role page by its roles; the admin and the API by their own rules."""
    if path.startswith(("/admin/", "/api/", "/static/")) or path == "/":
        return True
    try:
        view = resolve(path).func
    except Resolver404:
        return False
    page_roles = getattr(view, "page_roles", None)
    return page_roles is None or allows(user, "GET" if method == "GET" else "POST", *page_roles)


def _pages(desk) -> list[str]:
    position, approval = desk["position"], desk["approval"]
    incident, entry = desk["incident"], desk["entry"]
    return [
        "/admin/",
        "/book/positions/",
        "/book/corrections/new/",
        f"/book/corrections/new/?q={position.pk}",
        "/book/prices/",
        "/book/prices/?status=held",
        "/book/positions/open/",
        f"/book/positions/{desk['other'].pk}/close/",
        "/book/positions/close-all/",
        "/approvals/",
        f"/approvals/{approval.pk}/",
        "/incidents/",
        "/incidents/metrics",
        f"/incidents/{incident.pk}/",
        f"/incidents/{incident.pk}/postmortem",
        "/journal/",
        f"/journal/{entry.pk}/",
        "/ops/",
        "/recon/",
        "/desk/",
        f"/recon/breaks/{desk['break'].pk}/",
        "/no-such-page/",
    ]


def _check(page, user, path: str, size: str, axe: bool) -> list[str]:
    problems = []
    response = page.goto(path)
    expected = 404 if path == "/no-such-page/" else 200 if _allowed(user, "GET", urlsplit(path).path) else 403
    if response.status != expected:
        problems.append(f"status {response.status}, expected {expected}")
    if expected != 200 and not page.locator("#error-page").is_visible():
        problems.append("the error page is not the product's")
    if not page.evaluate(OVERFLOW_JS):
        problems.append("horizontal overflow")
    hidden = [label for label, on_screen in page.evaluate(NAV_JS) if not on_screen]
    if hidden:
        problems.append(f"navigation off screen: {hidden}")
    for method, target, label in page.evaluate(ACTIONS_JS):
        if not _allowed(user, method, target):
            problems.append(f"offers {label!r}: {method} {target}, which the role may not")
    if axe:
        page.add_script_tag(path=str(AXE))
        problems += [f"axe {violation}" for violation in page.evaluate(AXE_JS)]
    return [f"{user.username} {size} {path}: {problem}" for problem in problems]


def test_every_role_sees_every_page_at_both_sizes(desk, people, login):
    problems = []
    for name in ROLES:
        page = login(people[name])
        for size, viewport in SIZES.items():
            page.set_viewport_size(viewport)
            for path in _pages(desk):
                problems += _check(page, people[name], path, size, axe=size == "desktop")
    assert not problems, "\n".join(problems)


def test_the_auditor_is_offered_no_decision_and_no_correction(desk, people, login):
    auditor = login(people["audrey"])
    auditor.goto(f"/approvals/{desk['approval'].pk}/")
    assert auditor.locator("#approve, #reject").count() == 0
    assert "needs the role Approver" in auditor.inner_text("#decided-by-others")
    auditor.goto("/admin/")
    assert auditor.locator("a[href='/book/corrections/new/']").count() == 0
    assert "Correct a position" not in auditor.inner_text(".pms-nav")
    auditor.goto("/book/positions/")
    assert auditor.locator(f"#correct-{desk['other'].pk}").count() == 0

    approver = login(people["alice"])
    approver.goto(f"/approvals/{desk['approval'].pk}/")
    assert approver.locator("#approve").is_visible() and approver.locator("#reject").is_visible()
    pm = login(people["pam"])
    pm.goto("/admin/")
    assert pm.locator("#panel-book a[href='/book/corrections/new/']").is_visible()
    assert "Correct a position" in pm.inner_text(".pms-nav")
    pm.goto("/book/positions/")
    pending = desk["position"]  # under a pending correction: flagged, linked, not offered again
    assert pm.locator(f"#correct-{pending.pk}").count() == 0
    pm.click(f"#pending-{pending.pk}")
    pm.wait_for_url(f"**/approvals/{desk['approval'].pk}/")
    other = desk["other"]
    pm.goto("/book/positions/")
    pm.click(f"#correct-{other.pk}")  # the row's own "Correct": the wizard, filled in
    assert "LONG 1 GOLD_MINI @ 70,800.5" in pm.inner_text("#recorded-facts")
