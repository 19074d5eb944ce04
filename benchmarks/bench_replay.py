"""``tokx replay`` on a large Claude Code-style session log, next to a bare line-by-line msgspec
decode of the same file. Prints wall time and peak memory (max RSS) of each, each in its own
process, best of ``--repeat`` alternating runs (a shared machine is noisy), and the ratio;
asserts nothing. Targets (issue 15): 1 GB in at most 60 s, under
300 MB, at most 2x the bare decode.

    python benchmarks/bench_replay.py [--size-mb 1024] [--path FOLDER] [--keep] [--repeat 3]

The log is generated: sessions of user turns, tool results and assistant calls written one line
per content block (two lines per call repeating its usage, as Claude Code does), with text of
realistic length; 1 in 20 calls is repeated in a second file as a subagent copy would be.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE_DECODE = """
import sys, msgspec
decode = msgspec.json.decode
lines = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        if line.strip():
            decode(line)
            lines += 1
print(lines)
"""


def generate(folder: Path, size_mb: int, seed: int = 7) -> Path:
    """Write a session file of about ``size_mb`` MB (plus a small subagent file)."""
    rng = random.Random(seed)
    words = [
        "the",
        "checkout",
        "total",
        "rounds",
        "each",
        "line",
        "item",
        "before",
        "tax",
        "so",
        "a",
        "cent",
        "goes",
        "missing",
    ]
    session = folder / "session.jsonl"
    subagent = folder / "session" / "subagents" / "agent-1.jsonl"
    subagent.parent.mkdir(parents=True, exist_ok=True)
    target = size_mb * 1024 * 1024
    written = 0
    call = 0
    start = 1_780_000_000
    with session.open("w") as out, subagent.open("w") as side:
        while written < target:
            call += 1
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(start + call * 7))
            text = " ".join(rng.choice(words) for _ in range(rng.randint(80, 700)))
            user = {
                "parentUuid": f"a{call - 1}",
                "isSidechain": False,
                "type": "user",
                "uuid": f"u{call}",
                "sessionId": "s1",
                "timestamp": stamp,
                "message": {
                    "role": "user",
                    "content": [
                        {"type": "tool_result", "tool_use_id": f"t{call}", "content": text}
                    ],
                },
            }
            usage = {
                "input_tokens": rng.randint(1, 40),
                "cache_creation_input_tokens": rng.randint(0, 4000),
                "cache_read_input_tokens": rng.randint(10_000, 150_000),
                "output_tokens": rng.randint(20, 2000),
                "service_tier": "standard",
            }
            lines = []
            for block in (
                {"type": "thinking", "thinking": text[:400]},
                {"type": "text", "text": text},
            ):
                lines.append(
                    {
                        "parentUuid": f"u{call}",
                        "isSidechain": False,
                        "type": "assistant",
                        "uuid": f"a{call}-{block['type']}",
                        "sessionId": "s1",
                        "timestamp": stamp,
                        "requestId": f"req_{call}",
                        "message": {
                            "id": f"msg_{call}",
                            "type": "message",
                            "role": "assistant",
                            "model": "claude-sonnet-4-5-20250929",
                            "content": [block],
                            "usage": usage,
                        },
                    }
                )
            chunk = "".join(json.dumps(item) + "\n" for item in (user, *lines))
            out.write(chunk)
            written += len(chunk)
            if call % 20 == 0:
                side.write(json.dumps(lines[-1]) + "\n")
    return folder


PEAK = """
import atexit, resource, runpy, sys
atexit.register(lambda: sys.stderr.write(
    f"\\npeak-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n"))
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__") if sys.argv[0].endswith(".py") else (
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True))
"""


def measure(command: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of that process alone, stdout) of a child process."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command], capture_output=True, text=True, check=True
    )
    seconds = time.perf_counter() - started
    peak_kb = int(done.stderr.rsplit("peak-kb ", 1)[1].split()[0])
    return seconds, peak_kb / 1024, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--path", type=Path, default=None, help="folder for the generated log")
    parser.add_argument("--keep", action="store_true", help="keep the generated log")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each, alternating; the best is shown"
    )
    args = parser.parse_args()
    folder = args.path or Path(tempfile.mkdtemp(prefix="tokx-replay-bench-"))
    session = folder / "session.jsonl"
    if not session.exists():
        started = time.perf_counter()
        generate(folder, args.size_mb)
        print(f"generated {folder} in {time.perf_counter() - started:.1f} s")
    size = sum(path.stat().st_size for path in folder.rglob("*.jsonl")) / 1024 / 1024
    replay_command = [
        "tokenexport_cli",
        "replay",
        str(folder),
        "-m",
        "claude-sonnet-4.5",
        "-m",
        "deepseek-v3.2",
        "--provider",
        "anthropic,deepseek",
        "--format",
        "json",
    ]
    bare_runs, replay_runs = [], []
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "bare_decode.py"
        script.write_text(BARE_DECODE)
        for _ in range(args.repeat):  # alternating, so that both see the same machine load
            bare_runs.append(measure([str(script), str(session)]))
            replay_runs.append(measure(replay_command))
    bare_s, bare_mb, lines = min(bare_runs)
    replay_s, replay_mb, output = min(replay_runs)
    print("bare decode runs (s): " + ", ".join(f"{run[0]:.1f}" for run in bare_runs))
    print("replay runs (s):      " + ", ".join(f"{run[0]:.1f}" for run in replay_runs))
    payload = json.loads(output)
    print(f"log: {size:,.0f} MB, {int(lines):,} lines, {payload['requests']:,} calls")
    print(f"bare msgspec decode (best): {bare_s:6.1f} s  peak {bare_mb:5.0f} MB")
    print(f"tokx replay, 2 models (best): {replay_s:4.1f} s  peak {replay_mb:5.0f} MB")
    print(f"ratio replay / bare decode (best of each): {replay_s / bare_s:.2f}x")
    if not args.keep and args.path is None:
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()


if __name__ == "__main__":
    main()
