"""The workload stage: workload files and sample inputs (text, chat JSONL, usage CSV) into a
Workload, per-family token statistics, and calibration against recorded usage.

Public API: ``load_workload``, ``quick_workload``, ``Workload``, ``Request``, ``RecordedUsage``,
``WorkloadWarning``, ``RequestStream``, ``TrafficProfile``, ``TokenStats``, ``FamilyStats``,
``token_stats``, ``family_stats``, ``DAYS_PER_MONTH``; calibration lives in
``tokenexport_cli.workload.calibrate``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tokenexport_cli.workload.inputs import RequestStream
    from tokenexport_cli.workload.load import Workload, load_workload, quick_workload
    from tokenexport_cli.workload.request import RecordedUsage, Request, WorkloadWarning
    from tokenexport_cli.workload.spec import DAYS_PER_MONTH
    from tokenexport_cli.workload.stats import FamilyStats, TokenStats, family_stats, token_stats
    from tokenexport_cli.workload.traffic import TrafficProfile

# Each name is imported from its module on first use, so that a command that needs one
# constant (DAYS_PER_MONTH for quick flags) does not load the whole input stack.
_HOMES = {
    "RequestStream": "inputs",
    "Workload": "load",
    "load_workload": "load",
    "quick_workload": "load",
    "RecordedUsage": "request",
    "Request": "request",
    "WorkloadWarning": "request",
    "DAYS_PER_MONTH": "spec",
    "FamilyStats": "stats",
    "TokenStats": "stats",
    "family_stats": "stats",
    "token_stats": "stats",
    "TrafficProfile": "traffic",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


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
