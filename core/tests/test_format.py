"""One way to show a moment, money, a number and a duration on every page (`{% load pms %}`)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone

from core.templatetags.pms import EMPTY


def render(text: str, **context) -> str:
    return Template("{% load pms %}" + text).render(Context(context))


def test_a_moment_shows_in_the_users_timezone_with_utc_on_hover():
    moment = dt.datetime(2026, 3, 2, 10, 30, 5, tzinfo=dt.UTC)
    with timezone.override("Asia/Kolkata"):
        html = render("{{ t|when }}", t=moment)
    assert html == (
        '<time datetime="2026-03-02T10:30:05+00:00" title="2026-03-02 10:30:05 UTC">2026-03-02 16:00:05 IST</time>'
    )


@pytest.mark.parametrize(
    ("value", "currency", "shown"),
    [
        (Decimal("1234567.891"), "INR", "1,234,567.89 INR"),
        ("-9000", "INR", "-9,000.00 INR"),
        (Decimal("-0.00"), "INR", "0.00 INR"),
        (0, "", "0.00"),
    ],
)
def test_money_has_two_places_separators_and_its_currency(value, currency, shown):
    assert render("{{ v|money:c }}", v=value, c=currency) == shown


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("71000.000000"), None, "71,000"),
        (Decimal("71000.500000"), None, "71,000.5"),
        (Decimal("0.000100"), None, "0.0001"),
        (Decimal("-0.000000"), None, "0"),
        (Decimal("71000.5"), 2, "71,000.50"),
        ("2.6", 0, "3"),
    ],
)
def test_numbers_keep_the_digits_that_matter_with_separators(value, places, shown):
    template = "{{ v|number }}" if places is None else "{{ v|number:p }}"
    assert render(template, v=value, p=places) == shown


def test_minutes():
    assert render("{{ v|minutes }}", v=12.5) == "12.5 min"


@pytest.mark.parametrize("tag", ["when", "money:'INR'", "number", "minutes"])
@pytest.mark.parametrize("value", [None, ""])
def test_nothing_is_one_dash_everywhere(tag, value):
    assert render(f"{{{{ v|{tag} }}}}", v=value) == EMPTY


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("12500.50", '<span class="pms-money pms-pnl-up">+12,500.50 INR</span>'),
        (Decimal("-300"), '<span class="pms-money pms-pnl-down">-300.00 INR</span>'),
        ("-0.00", '<span class="pms-money pms-pnl-flat">0.00 INR</span>'),
        (None, EMPTY),
    ],
)
def test_pnl_is_money_coloured_by_its_sign(value, shown):
    assert render("{{ v|pnl:'INR' }}", v=value) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [("70800.000000", "70,800"), ("-2", "-2"), ("SHORT", "SHORT"), ("1e5", "1e5"), (None, EMPTY), (3, "3")],
)
def test_a_fact_shows_numbers_with_separators_and_words_as_they_are(value, shown):
    assert render("{{ v|fact }}", v=value) == shown


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("entry_price", "Entry price"),
        ("correct_position_id", "Correct position"),
        ("size", "Size"),
        ("realized_pnl", "Realized P&amp;L"),  # escaped by the template
    ],
)
def test_a_field_name_reads_as_words(name, shown):
    assert render("{{ v|label }}", v=name) == shown
