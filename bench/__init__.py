"""`python -m bench`: side-by-side performance figures for ssm-tui (see README, Performance)."""
