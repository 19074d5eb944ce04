"""Renderers: turn results into tables, JSON and other formats. Only this stage and cli use rich."""
