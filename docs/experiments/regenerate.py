#!/usr/bin/env python3
"""Runs every shipped experiment at its default size and writes what the README shows of each.

    python3 docs/experiments/regenerate.py [NAME...]

Builds nothing: run `./mvnw -q -B package -DskipTests` first. Each experiment's full report goes to
docs/experiments/<name>/ (results.json, report.md and its plots; report.html is left out of git by
.gitignore, being the same plots embedded). The README's Experiments section, between the
`experiments:start` and `experiments:end` markers, is rewritten from those results.json files.
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
JAR = ROOT / "verticles" / "target" / "switchboard.jar"
OUT = ROOT / "docs" / "experiments"
README = ROOT / "README.md"

# the experiments in the order of the claims, and the plot that shows each claim best
PLOTS = {
    "chain-availability": "throughput.png",
    "cascading-latency": "place-latency.png",
    "load-leveling": "backlog.png",
    "consumer-crash": "throughput.png",
    "duplicate-delivery": "throughput.png",
    "consistency-lag": "consistency-lag.png",
    "fan-out": "place-latency.png",
    "saga-compensation": "terminal-latency.png",
    "breaker": "place-latency.png",
    "live-flip": "place-latency.png",
}
ROWS = ["sent", "confirmed", "rejected", "errors", "lost", "duplicated_effects", "place_p50_ms", "place_p99_ms",
        "terminal_p50_ms", "terminal_p99_ms", "max_backlog", "consistency_lag_p99_ms"]
MEASURE = re.compile(r"[a-z][a-z0-9_]*")


def run(name):
    target = OUT / name
    print(f"== {name}", flush=True)
    code = subprocess.call(["java", "-jar", str(JAR), "experiment", name, "--out", str(target)], cwd=ROOT)
    print(f"== {name}: exit {code}", flush=True)


def fmt(value):
    if value is None:
        return "–"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1000:
        return str(int(value))
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.1f}"


def section(name):
    results = json.loads((OUT / name / "results.json").read_text())
    variants = results["variants"]
    rows = list(ROWS)
    for hypothesis in results["hypotheses"]:
        for word in MEASURE.findall(hypothesis["text"].split(":", 1)[-1]):
            if word in variants[0]["summary"] and word not in rows:
                rows.append(word)
    lines = [f"### {name}", "", results["claim"], "", "```bash",
             f"java -jar verticles/target/switchboard.jar experiment {name}", "```", "",
             "| measure | " + " | ".join(v["name"] for v in variants) + " |",
             "|---|" + "---:|" * len(variants)]
    for row in rows:
        lines.append(f"| {row} | " + " | ".join(fmt(v["summary"].get(row)) for v in variants) + " |")
    lines.append("")
    for verdict in results["hypotheses"]:
        mark = "PASS" if verdict["passed"] else "FAIL"
        lines.append(f"- **{mark}** `{verdict['text']}` — {verdict['observed']}")
    lines += ["", f"![{name}](docs/experiments/{name}/{PLOTS[name]})",
              f"Full report: [docs/experiments/{name}/report.md](docs/experiments/{name}/report.md)", ""]
    return "\n".join(lines)


def main(names):
    for name in names or PLOTS:
        run(name)
    body = "\n".join(section(name) for name in PLOTS if (OUT / name / "results.json").exists())
    text = README.read_text()
    start, end = "<!-- experiments:start -->", "<!-- experiments:end -->"
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    README.write_text(before + start + "\n" + body + "\n" + end + after)
    print(f"README updated from {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
