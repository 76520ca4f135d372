"""Fault-injection drills (`make drill`, `python -m drills`): real processes, real faults, counted outcomes."""
