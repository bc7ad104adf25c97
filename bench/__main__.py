"""Run the benchmarks: ``python -m bench [--only NAME] [--rows N] [--no-docs]``.

Run from the repository root with ``DATABASE_URL`` naming a PostgreSQL database (``make bench``
uses ``ilp_bench``, created when missing). Every module of this package that defines
``NAME: str`` and ``run(rows: int | None) -> dict`` is a benchmark. Each one runs in its own
child process, so its peak RSS and Django state are its own; the figures are printed as one JSON
object per line and written to docs/benchmarks.md with the command, date and machine.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import re
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import bench

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
DOC_INTRO = """# Benchmarks

Run with `make bench` (or `python -m bench [--only NAME] [--rows N]` with `DATABASE_URL` naming a
PostgreSQL database). Each benchmark rewrites its own section below.
"""


def discover() -> dict[str, str]:
    """Benchmark names and their modules. Benchmark modules must be cheap to import."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(bench.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"bench.{info.name}")
        name = getattr(module, "NAME", None)
        if isinstance(name, str) and callable(getattr(module, "run", None)):
            found[name] = module.__name__
    return found


def run_here(module_name: str, name: str, rows: int | None) -> dict[str, Any]:
    """Run one benchmark in this process and return its figures, named."""
    module = importlib.import_module(module_name)
    result = module.run(rows)
    if not isinstance(result, dict):
        raise TypeError(f"{module_name}.run returned {type(result).__name__}, not dict")
    return {"name": name, **result}


def run_child(name: str, rows: int | None) -> dict[str, Any] | None:
    """Run one benchmark in a child process; its stderr passes through, its stdout is the JSON."""
    command = [sys.executable, "-m", "bench", "--child", name]
    if rows is not None:
        command += ["--rows", str(rows)]
    completed = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if completed.returncode != 0 or not lines:
        print(f"bench: {name} failed (exit status {completed.returncode})", file=sys.stderr)
        return None
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def masked_url(url: str) -> str:
    """A database URL with its password replaced, fit to publish."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def command_line() -> str:
    """The command as run, with the database it ran against."""
    python = Path(sys.executable)
    try:
        shown = str(python.relative_to(ROOT))
    except ValueError:
        shown = "python"
    words = [shown, "-m", "bench", *sys.argv[1:]]
    database = os.environ.get("DATABASE_URL")
    prefix = f"DATABASE_URL={masked_url(database)} " if database else ""
    return prefix + shlex.join(words)


def machine() -> str:
    """CPU count and model, platform and Python version."""
    model = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cpus = f"{os.cpu_count()} CPUs" + (f" ({model})" if model else "")
    return f"{cpus}, {platform.platform()}, Python {platform.python_version()}"


def render(result: dict[str, Any], command: str, date: str, host: str) -> str:
    """One benchmark's section of docs/benchmarks.md."""
    name = result["name"]
    lines = [
        f"### {name}",
        "",
        f"- command: `{command}`",
        f"- date: {date}",
        f"- machine: {host}",
    ]
    tables = []
    for key, value in result.items():
        if key == "name":
            continue
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            tables.append(_table(key, value))
        elif isinstance(value, dict):
            lines += [f"- {key}.{sub}: {item}" for sub, item in value.items()]
        else:
            lines.append(f"- {key}: {value}")
    for table in tables:
        lines += ["", *table]
    return "\n".join(lines)


def _table(title: str, rows: dict[str, dict[str, Any]]) -> list[str]:
    columns = list(dict.fromkeys(column for row in rows.values() for column in row))
    lines = [
        "| " + " | ".join([title, *columns]) + " |",
        "|---" + "|---:" * len(columns) + "|",
    ]
    for label, row in rows.items():
        lines.append("| " + " | ".join([label, *(str(row.get(c, "")) for c in columns)]) + " |")
    return lines


def update_doc(path: Path, sections: dict[str, str]) -> None:
    """Replace each benchmark's section between its markers, or append it; keep the rest."""
    text = path.read_text() if path.exists() else DOC_INTRO
    for name, body in sections.items():
        start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
        block = f"{start}\n{body}\n{end}"
        found = re.search(re.escape(start) + ".*?" + re.escape(end), text, re.DOTALL)
        if found:
            text = text[: found.start()] + block + text[found.end() :]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def main(argv: list[str] | None = None) -> int:
    """Discover, run, print and record the benchmarks; non-zero when any failed."""
    parser = argparse.ArgumentParser(
        prog="python -m bench", description="Run the ILP platform's benchmarks."
    )
    parser.add_argument("--only", metavar="NAME", help="run only this benchmark")
    parser.add_argument("--rows", type=int, help="size of the benchmark (its own default if not)")
    parser.add_argument("--no-docs", action="store_true", help="do not update docs/benchmarks.md")
    parser.add_argument("--child", metavar="NAME", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be at least 1")

    benchmarks = discover()
    if args.child:
        print(json.dumps(run_here(benchmarks[args.child], args.child, args.rows)), flush=True)
        return 0
    if args.only and args.only not in benchmarks:
        parser.error(f"no benchmark {args.only!r}; known: {', '.join(sorted(benchmarks))}")
    selected = [args.only] if args.only else sorted(benchmarks)

    command = command_line()
    date = datetime.now(tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    host = machine()
    sections: dict[str, str] = {}
    failed = []
    for name in selected:
        result = run_child(name, args.rows)
        if result is None:
            failed.append(name)
            continue
        print(json.dumps(result), flush=True)
        sections[name] = render(result, command, date, host)
    if sections and not args.no_docs:
        update_doc(DOC, sections)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
