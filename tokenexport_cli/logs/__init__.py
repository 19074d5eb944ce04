"""Recorded traffic: read request logs, provider exports and agent session logs into usage
records (``record.py``), one reader per format (``detect.py`` picks it per file)."""
