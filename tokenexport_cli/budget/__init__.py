"""CI budgets: the project config (``config``), budget evaluation (``check``), baselines and
their diffs (``baseline``)."""
