"""On a phone (390 px) every card keeps its contents: sparklines, long hashes and tables stay inside it."""

import pytest

from audit.services import chains_verify_incremental
from ops.checks import ok
from ops.services import probe_result_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each card's sparklines, hashes, code and tables whose box sticks out of the card's (by more than a pixel).
SPILLS_JS = """() => [...document.querySelectorAll(".pms-card")].flatMap((card) => {
  const box = card.getBoundingClientRect();
  return [...card.querySelectorAll("svg, code, pre, table, img")].filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1);
  }).map((el) => `${el.tagName.toLowerCase()} (right ${Math.round(el.getBoundingClientRect().right)}`
    + ` > ${Math.round(box.right)}) in ${card.id || card.className}`);
})"""


def test_cards_keep_their_sparklines_and_hashes_on_a_phone(desk, people, login):
    for latency in (12.5, 40.0, 8.0):
        probe_result_record(name="database", outcome=ok("answered"), latency_ms=latency)
    chains_verify_incremental()
    problems = []
    for name in ("audrey", "oscar"):
        page = login(people[name])
        page.set_viewport_size({"width": 390, "height": 844})
        pages = {
            "/admin/": "#panel-chains code",
            "/ops/": "svg.ops-chart",
            f"/journal/{desk['entry'].pk}/": ".journal-chain code",
            f"/approvals/{desk['approval'].pk}/": "#diff",
        }
        for path, shown in pages.items():
            page.goto(path)
            assert page.locator(shown).count() > 0, f"{path} shows no {shown}: nothing was checked"
            problems += [f"{name} {path}: {spill}" for spill in page.evaluate(SPILLS_JS)]
            assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), path
    assert not problems, "\n".join(problems)
