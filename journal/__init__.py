"""The decision journal: the fund's append-only record of why something was done."""
