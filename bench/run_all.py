"""Runs every benchmark once and rewrites the README's benchmark table from that one run, so the
published figures always come from a single run on one machine.

Every script in bench/ that has `def main` and an `if __name__ == "__main__":` block is run (in
its own process, with the arguments in VARIANTS or none); each prints, through bench/common.py's
`report`, one JSON line (with "bench" and "machine") and one human line. To add a benchmark: put
such a script in bench/ — nothing to register. The table between the README's `bench:start` and
`bench:end` markers is replaced: one row per JSON line, with the script's own line (the figure and
its baseline in the same run), its ratio, its targets, and whether it met them.

Usage: python bench/run_all.py [--only a,b] [--skip a,b] [--timeout S] [--no-readme]"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from common import OUT, ROOT, machine

HERE = Path(__file__).resolve().parent
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
HELPERS = {"common.py", "hubproc.py", "run_all.py", "__init__.py"}
# Arguments for a script run by run_all (a list of argument lists: one run each). Scripts not named
# here run once without arguments (their defaults are their published sizes).
# hub_province: 100 workstations × 500 events on this shared 2-core machine (its full 200 × 500 ran
# here for 12 minutes at a load average of 30 without finishing; it runs it with no arguments).
VARIANTS: dict[str, list[list[str]]] = {
    "hub_province.py": [["--workstations", "100", "--events", "500", "--workers", "4"]],
    "sync_pull.py": [["--runs", "2"]],
}


def scripts() -> list[Path]:
    found = []
    for path in sorted(HERE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name not in HELPERS and "def main(" in text and '__name__ == "__main__"' in text:
            found.append(path)
    return found


def run(path: Path, args: list[str], timeout: float) -> tuple[list[tuple[dict, str]], str]:
    """(JSON line, the human line after it) pairs, and what went wrong if anything."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    try:
        done = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, env=env,
                              cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"timed out after {timeout:.0f} s"
    lines = done.stdout.splitlines()
    pairs = []
    for index, line in enumerate(lines):
        if line.startswith("{"):
            try:
                data = json.loads(line)
            except ValueError:
                continue
            if isinstance(data, dict) and "bench" in data:
                human = lines[index + 1] if index + 1 < len(lines) and not lines[index + 1].startswith("{") else ""
                pairs.append((data, human))
    problem = "" if done.returncode == 0 else f"exit code {done.returncode}: {done.stderr.strip()[-300:]}"
    return pairs, problem


def _targets(data: dict) -> str:
    return ", ".join(f"{key.removeprefix('target_')} {value}" for key, value in data.items()
                     if key.startswith("target"))


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def table(results: list[tuple[str, list[str], list[tuple[dict, str]], str]], started: datetime,
          seconds: float) -> str:
    rows = [f"Run on {machine()}, {started:%Y-%m-%d %H:%M} UTC, all scripts in one run of {seconds / 60:.0f} min "
            f"(`python bench/run_all.py`; load average at the start {os.getloadavg()[0]:.1f}).", "",
            "| script | figure, and its baseline in the same run (the script's own line) | ratio | target | met |",
            "|---|---|---|---|---|"]
    for name, args, pairs, problem in results:
        label = f"`bench/{name}{' ' + ' '.join(args) if args else ''}`"
        if not pairs:
            rows.append(f"| {label} | not measured: {_cell(problem or 'no JSON line')} | | | |")
        for data, human in pairs:
            ok = data.get("ok")
            met = "yes" if ok is True else "no" if ok is False else ""
            rows.append(f"| {label} | {_cell(human)} | {_cell(data.get('ratio', ''))} | {_cell(_targets(data))} "
                        f"| {met} |")
    return "\n".join(rows)


def rewrite_readme(block: str) -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {START} … {END} block to rewrite")
    README.write_text(pattern.sub(lambda _: f"{START}\n{block}\n\n{END}", text), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="", help="comma-separated script names (without .py)")
    parser.add_argument("--skip", default="", help="comma-separated script names (without .py)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds per script run")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    only = {n for n in args.only.split(",") if n}
    skip = {n for n in args.skip.split(",") if n}
    started, clock = datetime.now(UTC), time.monotonic()
    results = []
    for path in scripts():
        if (only and path.stem not in only) or path.stem in skip:
            continue
        for variant in VARIANTS.get(path.name, [[]]):
            print(f"… {path.name} {' '.join(variant)}", flush=True)
            pairs, problem = run(path, variant, args.timeout)
            for _, human in pairs:
                print(f"  {human}", flush=True)
            if problem:
                print(f"  {problem}", flush=True)
            results.append((path.name, variant, pairs, problem))
    block = table(results, started, time.monotonic() - clock)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "run_all.json").write_text(json.dumps(
        [{"script": n, "args": a, "results": [d for d, _ in p], "problem": e} for n, a, p, e in results],
        ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.no_readme:
        rewrite_readme(block)
    print(block)


if __name__ == "__main__":
    main()
