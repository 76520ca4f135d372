"""An executed request's result on its page: ids as digits and links, amounts as people read them."""

from approvals.templatetags.approvals import result_rows


def test_ids_keep_their_digits_and_amounts_their_separators():
    rows = result_rows({"realized_pnl": "12500.50", "journal_entry_id": 1073, "correct_position_id": 20417})
    assert [(r["label"], str(r["value"])) for r in rows] == [
        ("Realized P&L", "12,500.5"),
        ("Journal entry", "1073"),
        ("Correct position", "20417"),
    ]
    assert rows[1]["url"] == "/journal/1073/"
    assert rows[2]["url"] == "/book/positions/#position-20417"
