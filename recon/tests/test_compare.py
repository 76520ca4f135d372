"""The rule: a difference beyond tolerance is a break; exactly at tolerance is not, one tick past is."""

from decimal import Decimal

import pytest

from recon.compare import Tolerances, differences
from recon.selectors import Holding
from recon.statements import Line

D = Decimal
TOLERANCE = Tolerances(quantity=D("1"), price_pct=D("0.5"))  # 0.5 % of 71000 is 355


def _long(size, price) -> dict[str, Holding]:
    return {"GOLD_MINI": Holding(long=D(size), cost={"LONG": D(size) * D(price), "SHORT": D(0)}, positions=[7])}


def _kinds(line_qty, line_price, direction="LONG", book=("2", "71000")) -> list[str]:
    lines = [Line(2, "GOLD_MINI", direction, D(line_qty), D(line_price))]
    compared, found = differences(lines, _long(*book), TOLERANCE)
    assert compared == 1
    return [d.kind for d in found]


@pytest.mark.parametrize(
    ("qty", "price", "kinds"),
    [
        ("2", "71000", []),
        ("3", "71000", []),  # exactly the quantity tolerance
        ("3.0001", "71000", ["quantity"]),  # one tick past
        ("0.9999", "71000", ["quantity"]),
        ("2", "71355", []),  # exactly 0.5 %
        ("2", "71355.000001", ["price"]),  # one tick past
        ("2", "70644.999999", ["price"]),
        ("5", "72000", ["quantity", "price"]),
    ],
)
def test_tolerance_boundaries(qty, price, kinds):
    assert _kinds(qty, price) == kinds


def test_a_short_at_the_broker_against_a_long_in_the_book_is_a_direction_break():
    assert _kinds("2", "71000", direction="SHORT") == ["direction"]


def test_one_side_only_is_missing_on_the_other():
    only_broker = differences([Line(2, "GOLD_MINI", "LONG", D(2), D(71000))], {}, TOLERANCE)
    assert [d.kind for d in only_broker[1]] == ["missing_in_book"]
    only_book = differences([], _long("2", "71000"), TOLERANCE)
    assert [(d.kind, d.book["positions"], d.broker["quantity"]) for d in only_book[1]] == [
        ("missing_at_broker", [7], "0")
    ]


def test_a_flat_book_instrument_is_not_held():
    flat = {"GOLD_MINI": Holding(long=D(2), short=D(2), cost={"LONG": D(142000), "SHORT": D(142000)})}
    assert differences([], flat, TOLERANCE) == (0, [])


def test_the_book_average_is_weighted_by_size_on_the_net_side():
    holding = Holding(long=D(3), short=D(1), cost={"LONG": D(1) * D(100) + D(2) * D(103), "SHORT": D(200)})
    assert (holding.direction, holding.quantity, holding.average_price) == ("LONG", D(2), D("102.000000"))
