"""Benchmark of the tokens stage: tokx counting vs raw tiktoken batch, peak memory, warm-cache re-run.

Usage: python benchmarks/bench_tokens.py [--mb 104] [--family o200k_base] [--jobs 2] [--repeat 3]
       [--gigabyte] [--progress] [--per-family [--families glm,gemini,...] [--per-family-repeat 3]]

Builds a deterministic corpus (English, Chinese, code, chat JSONL) from text found on this
machine (Python's stdlib sources and docs, its CJK test files, /work/shared) in a temp
dir, then prints side by side: tokx throughput, raw tiktoken ``encode_ordinary_batch``
throughput on the same text, their ratio (counting alone, and whole runs with each side's
encoder build), tokx's peak memory (PSS of main process plus workers, sampled from /proc),
the warm-cache re-run time, and the quicktok fast path if installed (the fast extra:
``python3 -m pip install -e '.[fast]'`` from this checkout); then tiktoken on one thread with
the official pattern and with tokx's regrouped equivalent.
``--gigabyte`` also measures peak memory on one 1 GB file. Figures, not pass/fail.

``--per-family`` instead prints, for every exact family (or those of ``--families``), tokx's
default-path throughput, peak memory and CPU seconds (the run and its workers) on the same
corpus next to ``o200k_base`` measured in the same run, and for the reconstructed Claude families the time of ``o200k_base`` plus the
reconstruction against ``o200k_base`` alone; with ``--gigabyte``, also each word-by-word
family's (``gemini``) peak memory on one 1 GB file.

``--progress`` runs every tokx count with the CLI's progress bar drawing (``LazyProgress``
with no delay, rendered by rich to a forced terminal on /dev/null, its refresh thread running),
as ``tokx tokens`` does on a terminal, so peak memory and speed can be compared with the
quiet path that pipes and CI take.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILE_BYTES = 2 << 20
# Set by --progress: every tokx count runs with the CLI's progress bar drawing.
PROGRESS_BAR = False


def _lines(paths: list[Path]) -> list[str]:
    lines: list[str] = []
    for path in paths:
        try:
            lines += [
                line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
            ]
        except (UnicodeDecodeError, OSError):
            continue
    return lines


def _sources() -> dict[str, list[str]]:
    shared = sorted(Path("/work/shared").rglob("*.md")) + sorted(
        Path("/work/shared").rglob("*.txt")
    )
    english = _lines([*shared, STDLIB / "pydoc_data" / "topics.py"])
    chinese = _lines(sorted((STDLIB / "test" / "cjkencodings").glob("gb*-utf8.txt")))
    chinese += _lines([STDLIB / "test" / "cjkencodings" / "big5-utf8.txt"])
    chinese += [line for line in _lines(shared) if any("\u4e00" <= ch <= "\u9fff" for ch in line)]
    code = _lines(sorted(STDLIB.glob("*.py"))[:150])
    return {"english": english, "chinese": chinese, "code": code}


def build_corpus(folder: Path, total_mb: int) -> list[Path]:
    """Write about ``total_mb`` MB in 2 MB files, a quarter per class, deterministically."""
    rng = random.Random(20240611)
    sources = _sources()
    per_class = total_mb * (1 << 20) // 4
    paths: list[Path] = []

    def chat_line() -> str:
        ask = " ".join(rng.choice(sources[rng.choice(["english", "chinese"])]) for _ in range(3))
        answer = " ".join(rng.choice(sources["english"] + sources["chinese"]) for _ in range(5))
        messages = [{"role": "user", "content": ask}, {"role": "assistant", "content": answer}]
        return json.dumps({"messages": messages}, ensure_ascii=False)

    for kind in ("english", "chinese", "code", "chat"):
        written = 0
        index = 0
        while written < per_class:
            parts: list[str] = []
            size = 0
            while size < FILE_BYTES:
                line = chat_line() if kind == "chat" else rng.choice(sources[kind])
                parts.append(line)
                size += len(line.encode()) + 1
            path = folder / f"{kind}-{index:03d}.{'jsonl' if kind == 'chat' else 'txt'}"
            path.write_text("\n".join(parts) + "\n", encoding="utf-8")
            written += path.stat().st_size
            paths.append(path)
            index += 1
    return paths


def _tree_pss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between sharers) of a process tree, in KiB."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += int(rollup.split("\nPss:")[1].split()[0])
        except (OSError, IndexError):
            pass
        stack += children.get(current, [])
    return total


def run_tokx(
    paths: list[Path],
    family: str,
    jobs: int,
    cache_dir: Path,
    fast: bool,
    use_cache: bool,
    reconstructed: str | None = None,
    cpu: list[float] | None = None,
) -> tuple[float, float, float]:
    """Run tokx in a child process; return (seconds, encoder-load seconds, peak MB of the tree).

    ``reconstructed`` adds that reconstructed family to the count (its total is printed);
    ``cpu``, when given, gets the CPU seconds (user + system) of the child and its workers."""
    specs = repr(family)
    if reconstructed is not None:
        specs += (
            ", __import__('tokenexport_cli.tokens.results', fromlist=['x']).ReconstructedFamily("
            f"{reconstructed!r}, 'o200k_base', __import__('decimal').Decimal(1),"
            " __import__('decimal').Decimal('0.2'), 'bench')"
        )
    bar = "bar=None;"
    if PROGRESS_BAR:
        bar = (
            "import os; from rich.console import Console;"
            "from tokenexport_cli.cli.tokens_cmd import LazyProgress;"
            "bar=LazyProgress(sum(p.stat().st_size for p in paths), delay=0,"
            " console=Console(file=open(os.devnull, 'w'), force_terminal=True));"
        )
    code = (
        "import contextlib, sys, time, json; from pathlib import Path;"
        "from tokenexport_cli.tokens.counting import count_paths;"
        "from tokenexport_cli.tokens.cache import CountCache;"
        "paths=[Path(p) for p in json.load(sys.stdin)];"
        f"{bar}"
        f"cache=CountCache() if {use_cache} else None;"
        "from tokenexport_cli.tokens.registry import encoder;"
        "t=time.perf_counter();"
        f"encoder({family!r}, {fast});"
        "load=time.perf_counter()-t\n"
        "with bar or contextlib.nullcontext():\n"
        f" r=count_paths(paths, [{specs}], cache=cache, jobs={jobs}, fast={fast}, progress=bar)\n"
        "print(time.perf_counter()-t, load, r.totals[-1].tokens)"
    )
    env = {**os.environ, "TOKX_CACHE_DIR": str(cache_dir), "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_pss_kb(child.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out, _ = child.communicate(json.dumps([str(p) for p in paths]))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cpu is not None:
        # The workers are waited for by the child, so their time is in the child's.
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    done.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"tokx child failed with exit code {child.returncode}")
    seconds, load, tokens = out.split()
    print(f"    ({int(tokens):,} tokens)")
    return float(seconds), float(load), peak[0] / 1024


def _raw_inputs(
    paths: list[Path], family: str, counting: bool = False
) -> tuple[Any, list[str], float]:
    """A tiktoken Encoding from tokx's files, the corpus texts (read before any timing), and
    the seconds the Encoding took to build.

    The family's official pattern, unless ``counting`` asks for tokx's equivalent one."""
    from tokenexport_cli.tokens.registry import build_tiktoken, get_exact_family

    start = time.perf_counter()
    encoding = build_tiktoken(get_exact_family(family), counting=counting)
    load = time.perf_counter() - start
    return encoding, [path.read_text(encoding="utf-8") for path in paths], load


def run_tiktoken_batch(paths: list[Path], family: str, threads: int) -> tuple[float, float]:
    """Seconds for raw tiktoken encode_ordinary_batch over the same files (read beforehand),
    and the seconds its Encoding took to build."""
    encoding, texts, load = _raw_inputs(paths, family)
    # Batches of a few files: one batch of everything would hold every token id as a Python
    # int at once (about 1 GB here) and slow tiktoken down unfairly.
    group = 2 * threads
    start = time.perf_counter()
    tokens = 0
    for first in range(0, len(texts), group):
        batch = encoding.encode_ordinary_batch(texts[first : first + group], num_threads=threads)
        tokens += sum(len(ids) for ids in batch)
    seconds = time.perf_counter() - start
    print(f"    ({tokens:,} tokens)")
    return seconds, load


def run_tiktoken_single(paths: list[Path], family: str, counting: bool = False) -> float:
    """Seconds for tiktoken encode_ordinary on one thread (how far tiktoken's batch scales,
    and with ``counting``, what tokx's equivalent pattern alone gains)."""
    encoding, texts, _ = _raw_inputs(paths, family, counting)
    start = time.perf_counter()
    for text in texts:
        encoding.encode_ordinary(text)
    return time.perf_counter() - start


def per_family(
    paths: list[Path],
    folder: Path,
    families: list[str],
    jobs: int,
    gigabyte: bool,
    repeat: int = 1,
) -> None:
    """Each family's throughput and peak next to o200k_base, in the same run.

    With ``repeat`` > 1 the rounds are interleaved (o200k_base, then each family, per round),
    and each family's ratio is the median of its per-round ratios to that round's o200k_base:
    on a shared machine the load moves between rounds, so a ratio within one round is fairer
    than a ratio of medians."""
    from tokenexport_cli.tokens.registry import get_exact_family

    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    cache = folder / "cache"
    for family in ["o200k_base", *families]:
        if family not in ("claude", "claude-v4.7"):
            run_tokx(paths[:1], family, 1, cache, False, False)  # warm the parsed-ranks cache
    bases: list[float] = []
    base_cpu: list[float] = []
    runs: dict[str, list[tuple[float, float]]] = {family: [] for family in families}
    cpus: dict[str, list[float]] = {family: [] for family in families}
    base_peak = 0.0
    for round_number in range(repeat):
        if repeat > 1:
            print(f"round {round_number + 1} of {repeat}")
        base, _, peak = run_tokx(paths, "o200k_base", jobs, cache, False, False, cpu=base_cpu)
        bases.append(base)
        base_peak = max(base_peak, peak)
        for family in families:
            reconstructed = family if family in ("claude", "claude-v4.7") else None
            name = "o200k_base" if reconstructed else family
            seconds, _, peak = run_tokx(
                paths, name, jobs, cache, False, False, reconstructed, cpu=cpus[family]
            )
            runs[family].append((seconds, peak))
    base = statistics.median(bases)
    rounds = f"median of {repeat} interleaved rounds, " if repeat > 1 else ""
    print(f"\nper family, {megabytes:.0f} MB, {jobs} jobs, tokx default path, no count cache")
    print(f"({rounds}MB/s of the median time; ratio: median of per-round ratios; CPU: user +")
    print(
        " system seconds of the run and its workers, which other jobs on the machine disturb less)"
    )
    print(
        f"{'family':<16}{'engine':<15}{'MB/s':>8}{'vs o200k_base':>15}{'peak PSS':>10}"
        f"{'CPU s':>8}{'CPU vs o200k_base':>19}"
    )
    base_seconds = statistics.median(base_cpu)
    print(
        f"{'o200k_base':<16}{'tiktoken':<15}{megabytes / base:>8.1f}{1:>14.2f}x{base_peak:>7.0f} MB"
        f"{base_seconds:>8.2f}{1:>18.2f}x"
    )
    for family in families:
        seconds = statistics.median(time for time, _ in runs[family])
        ratio = statistics.median(
            b / time for b, (time, _) in zip(bases, runs[family], strict=True)
        )
        cpu_ratio = statistics.median(b / c for b, c in zip(base_cpu, cpus[family], strict=True))
        cpu_text = f"{statistics.median(cpus[family]):>8.2f}{cpu_ratio:>18.2f}x"
        peak = max(top for _, top in runs[family])
        if family in ("claude", "claude-v4.7"):
            print(
                f"{family:<16}{'reconstructed':<15}{megabytes / seconds:>8.1f}"
                f"{ratio:>14.2f}x{peak:>7.0f} MB{cpu_text}  (o200k_base + {family} vs o200k_base"
                f" alone: {1 / ratio:.2f}x the time)"
            )
            continue
        engine = get_exact_family(family).engine
        print(
            f"{family:<16}{engine:<15}{megabytes / seconds:>8.1f}{ratio:>14.2f}x{peak:>7.0f} MB"
            f"{cpu_text}"
        )
    if gigabyte:
        big = _gigabyte_file(folder, paths)
        for family in families:
            if family in ("claude", "claude-v4.7"):
                continue
            if get_exact_family(family).engine == "tiktoken":
                continue
            seconds, _, peak = run_tokx([big], family, jobs, folder / "c4", False, False)
            print(
                f"1 GB {family}: {big.stat().st_size / 1e6 / seconds:.1f} MB/s, peak {peak:.0f} MB"
            )


def _gigabyte_file(folder: Path, paths: list[Path]) -> Path:
    big = folder / "big.txt"
    with open(big, "wb") as out:
        while out.tell() < 1 << 30:
            for path in paths:
                out.write(path.read_bytes())
                if out.tell() >= 1 << 30:
                    break
    return big


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=104)
    parser.add_argument("--family", default="o200k_base")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--gigabyte", action="store_true", help="also measure memory on a 1 GB file"
    )
    parser.add_argument(
        "--per-family", action="store_true", help="every family next to o200k_base instead"
    )
    parser.add_argument(
        "--progress",
        action="store_true",
        help="count with the CLI's progress bar drawing (as on a terminal)",
    )
    parser.add_argument("--families", help="comma-separated families for --per-family")
    parser.add_argument(
        "--per-family-repeat",
        type=int,
        default=1,
        help="interleaved rounds for --per-family (ratios: median of per-round ratios)",
    )
    args = parser.parse_args()
    global PROGRESS_BAR
    PROGRESS_BAR = args.progress
    with tempfile.TemporaryDirectory(prefix="tokx-bench-") as temp:
        folder = Path(temp)
        corpus = folder / "corpus"
        corpus.mkdir()
        paths = build_corpus(corpus, args.mb)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        print(
            f"corpus: {len(paths)} files, {megabytes:.1f} MB, family {args.family}, {args.jobs} jobs"
            + (", progress bar drawing" if args.progress else "")
        )
        if args.per_family:
            from tokenexport_cli.tokens.registry import exact_family_names

            names = (
                args.families.split(",")
                if args.families
                else [
                    *(f for f in exact_family_names() if f != "o200k_base"),
                    "claude",
                    "claude-v4.7",
                ]
            )
            per_family(paths, folder, names, args.jobs, args.gigabyte, args.per_family_repeat)
            return 0
        cache = folder / "cache"
        print("warming the parsed-ranks cache (as after any first tokx run):")
        run_tokx(paths[:1], args.family, 1, cache, False, False)
        try:
            import quicktok  # noqa: F401

            has_fast = True
        except ImportError:
            has_fast = False
        raw_runs: list[tuple[float, float]] = []
        tokx_runs: list[tuple[float, float, float]] = []
        fast_runs: list[tuple[float, float, float]] = []
        # Interleaved repeats with medians: a shared 2-core VM is noisy.
        for repeat in range(args.repeat):
            print(
                f"round {repeat + 1}: raw tiktoken batch, tokx default (no count cache), tokx fast"
            )
            raw_runs.append(run_tiktoken_batch(paths, args.family, args.jobs))
            tokx_runs.append(run_tokx(paths, args.family, args.jobs, cache, False, False))
            if has_fast:
                fast_runs.append(run_tokx(paths, args.family, args.jobs, cache, True, False))
        print("tokx cold count cache, then warm-cache re-run:")
        run_tokx(paths, args.family, args.jobs, cache, False, True)
        warm_time, _, _ = run_tokx(paths, args.family, args.jobs, cache, False, True)
        raw = statistics.median(seconds for seconds, _ in raw_runs)
        raw_load = statistics.median(load for _, load in raw_runs)
        single = run_tiktoken_single(paths, args.family)
        single_counting = run_tiktoken_single(paths, args.family, counting=True)
        # (label, whole seconds, loaded seconds, load seconds, peak MB or None)
        rows: list[tuple[str, float, float, float, float | None]] = [
            ("raw tiktoken batch", raw + raw_load, raw, raw_load, None)
        ]
        for name, runs in (("tokx default", tokx_runs), ("tokx fast", fast_runs)):
            if runs:
                whole = statistics.median(total for total, _, _ in runs)
                counting = statistics.median(total - load for total, load, _ in runs)
                load = statistics.median(load for _, load, _ in runs)
                rows.append((name, whole, counting, load, max(peak for _, _, peak in runs)))
        print()
        print(
            f"median of {args.repeat} rounds, {megabytes:.0f} MB, {args.family}, {args.jobs} jobs"
        )
        print(
            "(loaded = counting with the encoder already loaded; whole = one-off encoder load"
            " + counting; each compared with the raw figure of the same kind)"
        )
        header = f"{'engine':<20}{'MB/s loaded':>12}{'vs raw':>8}{'MB/s whole':>11}{'vs raw':>8}"
        print(f"{header}{'load':>8}{'peak PSS':>10}")
        for label, total, loaded, load, top in rows:
            line = f"{label:<20}{megabytes / loaded:>12.1f}{raw / loaded:>7.2f}x"
            line += f"{megabytes / total:>11.1f}{(raw + raw_load) / total:>7.2f}x{load:>7.2f}s"
            print(line + (f"{top:>7.0f} MB" if top is not None else ""))
        if not fast_runs:
            print("tokx fast: quicktok not installed, skipped")
        print(
            f"raw tiktoken encode_ordinary on 1 thread: {megabytes / single:.1f} MB/s; its batch"
            f" gains {single / raw:.2f}x on {args.jobs} threads"
        )
        print(
            f"the same with tokx's equivalent pattern: {megabytes / single_counting:.1f} MB/s"
            f" ({single / single_counting:.2f}x the official pattern)"
        )
        print(f"warm-cache re-run: {warm_time:.2f} s for {megabytes:.0f} MB ({len(paths)} files)")
        if args.gigabyte:
            big = _gigabyte_file(folder, paths)
            print(f"1 GB file ({big.stat().st_size / 1e9:.2f} GB):")
            big_time, _, big_peak = run_tokx(
                [big], args.family, args.jobs, folder / "c3", False, False
            )
            print(
                f"1 GB: {big.stat().st_size / 1e6 / big_time:.1f} MB/s, peak PSS {big_peak:.0f} MB"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
