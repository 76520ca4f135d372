"""The position book: instruments, positions, prices and mark-to-market, corrections, risk."""
