"""The workload stage: workload files and sample inputs (text, chat JSONL, usage CSV) into a
Workload, per-family token statistics, and calibration against recorded usage.

Public API: ``load_workload``, ``quick_workload``, ``Workload``, ``Request``, ``RecordedUsage``,
``WorkloadWarning``, ``RequestStream``, ``TrafficProfile``, ``TokenStats``, ``FamilyStats``,
``token_stats``, ``family_stats``, ``DAYS_PER_MONTH``; calibration lives in
``tokenexport_cli.workload.calibrate``.
"""

from __future__ import annotations

from tokenexport_cli.workload.inputs import RequestStream
from tokenexport_cli.workload.load import Workload, load_workload, quick_workload
from tokenexport_cli.workload.request import RecordedUsage, Request, WorkloadWarning
from tokenexport_cli.workload.spec import DAYS_PER_MONTH
from tokenexport_cli.workload.stats import FamilyStats, TokenStats, family_stats, token_stats
from tokenexport_cli.workload.traffic import TrafficProfile

__all__ = [
    "DAYS_PER_MONTH",
    "FamilyStats",
    "RecordedUsage",
    "Request",
    "RequestStream",
    "TokenStats",
    "TrafficProfile",
    "Workload",
    "WorkloadWarning",
    "family_stats",
    "load_workload",
    "quick_workload",
    "token_stats",
]
