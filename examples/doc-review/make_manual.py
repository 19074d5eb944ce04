"""Regenerate docs/maintenance-manual.txt, the long synthetic document of the doc-review example.

The text is made up (no third-party content) and fully deterministic: a fixed seed picks
sentences from the templates below. Run: python examples/doc-review/make_manual.py
"""

from __future__ import annotations

import random
from pathlib import Path

SEED = 2026
CHAPTERS = 40
SECTIONS_PER_CHAPTER = 8
TARGET = Path(__file__).parent / "docs" / "maintenance-manual.txt"

SYSTEMS = [
    "feed pump",
    "cooling loop",
    "conveyor drive",
    "hydraulic press",
    "air compressor",
    "boiler feed valve",
    "packaging robot",
    "label printer",
    "dust extractor",
    "chiller",
    "vacuum line",
    "servo axis",
    "spindle motor",
    "heat exchanger",
    "filling head",
]
PARTS = [
    "bearing",
    "seal",
    "gasket",
    "coupling",
    "belt",
    "filter cartridge",
    "pressure sensor",
    "limit switch",
    "relief valve",
    "drive chain",
    "encoder",
    "solenoid",
    "thermocouple",
    "impeller",
    "check valve",
    "fuse",
    "contactor",
    "nozzle",
]
ACTIONS = [
    "inspect",
    "clean",
    "replace",
    "tighten",
    "lubricate",
    "calibrate",
    "test",
    "record",
    "isolate",
    "drain",
    "flush",
    "align",
    "measure",
    "verify",
]
CONDITIONS = [
    "after every 500 operating hours",
    "at the start of each shift",
    "once a week",
    "whenever the alarm log shows a fault code in the 300 range",
    "before restarting after a stop",
    "when the ambient temperature exceeds 35 degrees Celsius",
    "at every planned shutdown",
    "if the vibration reading rises above 4.5 mm/s",
    "after any collision or overload trip",
]
CAUTIONS = [
    "Lock out and tag out the main isolator before opening any guard.",
    "Wear cut-resistant gloves; the edges of the sheet-metal covers are sharp.",
    "Never bypass an interlock, even for a short test run.",
    "Release stored pressure from the accumulator before loosening any fitting.",
    "Allow hot surfaces to cool below 50 degrees Celsius before touching them.",
    "Use only the lubricant grade listed in the parts table; mixing greases shortens bearing life.",
    "Keep a second person within sight when working above two metres.",
]
REASONS = [
    "a worn {part} lets the {system} run hot and wastes energy",
    "small leaks at the {part} grow quickly under cyclic load",
    "a misaligned {part} doubles the wear on the neighbouring components",
    "dirt on the {part} causes false readings that stop the line without need",
    "the {part} ages faster than the data sheet suggests in humid halls",
]


def sentence(rng: random.Random, system: str) -> str:
    part = rng.choice(PARTS)
    action = rng.choice(ACTIONS)
    condition = rng.choice(CONDITIONS)
    reason = rng.choice(REASONS).format(part=part, system=system)
    forms = [
        f"{action.capitalize()} the {part} of the {system} {condition}.",
        f"Operators should {action} the {part} {condition}, because {reason}.",
        f"Experience on site shows that {reason}; therefore {action} it {condition}.",
        f"If the {system} stops with a {part} fault, {action} the {part} first and then "
        f"check the wiring to the control cabinet.",
        f"The torque for the {part} fixings is {rng.randint(4, 90)} Nm; {action} and note "
        f"the value in the logbook.",
    ]
    return rng.choice(forms)


def build() -> str:
    rng = random.Random(SEED)
    lines = ["NORTHWIND PLANT SERVICES - MAINTENANCE MANUAL (SYNTHETIC EXAMPLE TEXT)", ""]
    for chapter in range(1, CHAPTERS + 1):
        system = SYSTEMS[(chapter - 1) % len(SYSTEMS)]
        lines += [f"CHAPTER {chapter}. THE {system.upper()}", ""]
        for section in range(1, SECTIONS_PER_CHAPTER + 1):
            lines.append(f"{chapter}.{section} {rng.choice(ACTIONS).capitalize()}ing tasks")
            lines.append("")
            for _ in range(rng.randint(3, 5)):
                lines.append(" ".join(sentence(rng, system) for _ in range(rng.randint(4, 7))))
                lines.append("")
            lines.append("CAUTION: " + rng.choice(CAUTIONS))
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    TARGET.write_text(build(), encoding="utf-8")
