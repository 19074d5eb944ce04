"""Pricing stage: workload token shapes x catalog offers -> exact Decimal monthly costs."""
