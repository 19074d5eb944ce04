"""Warehouse-scale replay: usage tables aggregated into pricing cells, in DuckDB or in SQL."""
