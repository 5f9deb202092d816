#!/usr/bin/env python3
"""Summarizes a run-vs-bullmq.sh results file: per figure, the median (min-max) over the rounds of
taskflux, of BullMQ, and of the ratio taskflux/BullMQ taken within each round, against the bar.

    python3 benchmarks/summarize.py benchmarks/results/vs-bullmq-<time>.jsonl
"""
import json
import statistics
import sys
from collections import defaultdict


def get(d, path):
    for k in path.split("."):
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


# (label, taskflux (workload, path), bullmq (workload, path), bar as text, direction)
FIGURES = [
    ("W1 jobs/s", ("w1", "jobs_per_s"), ("all", "w1.jobs_per_s"), ">= 2.5x"),
    ("W1 Redis CPU us/job", ("w1", "cpu.redis_us_per_job"), ("all", "w1.cpu.redis_us_per_job"), "<= 0.25x"),
    ("W1 client CPU us/job", ("w1", "cpu.client_us_per_job"), ("all", "w1.cpu.client_us_per_job"), ""),
    ("W1 Redis cmds/job", ("w1", "redis_cmds_per_job.total"), ("all", "w1.redis_cmds_per_job.total"), ""),
    ("W1b fill jobs/s", ("w1b", "fill_jobs_per_s"), ("all", "w1b.fill_jobs_per_s"), ""),
    ("W1b drain jobs/s", ("w1b", "drain_jobs_per_s"), ("all", "w1b.drain_jobs_per_s"), ">= 2.0x"),
    ("W1b drain Redis CPU us/job", ("w1b", "cpu.redis_us_per_job"), ("all", "w1b.cpu_drain.redis_us_per_job"), "<= 0.25x"),
    ("W1b drain client CPU us/job", ("w1b", "cpu.client_us_per_job"), ("all", "w1b.cpu_drain.client_us_per_job"), ""),
    ("W1b drain Redis cmds/job", ("w1b", "redis_cmds_per_job.total"), ("all", "w1b.redis_cmds_per_job_drain.total"), ""),
    ("W2 p50 ms (from submit)", ("w2", "lat_ms_from_submit.p50"), ("all", "w2.lat_ms_from_add.p50"), "<= 0.5x"),
    ("W2 p95 ms (from submit)", ("w2", "lat_ms_from_submit.p95"), ("all", "w2.lat_ms_from_add.p95"), ""),
    ("W2 p99 ms (from submit)", ("w2", "lat_ms_from_submit.p99"), ("all", "w2.lat_ms_from_add.p99"), "<= 1.0x"),
    ("W2 max ms (from submit)", ("w2", "lat_ms_from_submit.max"), ("all", "w2.lat_ms_from_add.max"), ""),
    ("W2 p50 ms (from intended)", ("w2", "lat_ms_from_intended.p50"), ("all", "w2.lat_ms_from_intended.p50"), ""),
    ("W2 p99 ms (from intended)", ("w2", "lat_ms_from_intended.p99"), ("all", "w2.lat_ms_from_intended.p99"), ""),
    ("W2 Redis CPU us/job", ("w2", "cpu.redis_us_per_job"), ("all", "w2.cpu.redis_us_per_job"), "<= 0.25x"),
    ("W2 client CPU us/job", ("w2", "cpu.client_us_per_job"), ("all", "w2.cpu.client_us_per_job"), ""),
    ("Redis bytes per queued task", ("mem", "bytes_per_queued_task"), ("mem", "bytes_per_queued_task"), ""),
    ("W3 in-memory W1 jobs/s", ("w3", "w1.jobs_per_s"), None, ""),
    ("W3 in-memory W1b drain jobs/s", ("w3", "w1b.drain_jobs_per_s"), None, ""),
    ("W3 in-memory W2 p50 ms", ("w3", "w2.lat_ms_from_submit.p50"), None, ""),
    ("W3 in-memory W2 p99 ms", ("w3", "w2.lat_ms_from_submit.p99"), None, ""),
    ("W3 raw Reactor baseline jobs/s", ("w3", "reactor_baseline.jobs_per_s"), None, ""),
]


def fmt(xs):
    xs = [x for x in xs if x is not None]
    if not xs:
        return "–"
    m = statistics.median(xs)
    f = (lambda v: f"{v:,.0f}") if m >= 100 else (lambda v: f"{v:.2f}")
    return f"{f(m)} ({f(min(xs))}–{f(max(xs))})"


def main(path):
    rounds = defaultdict(dict)
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        if "round" not in d:
            continue
        key = (d["system"], d.get("workload", "all"))
        rounds[d["round"]][key] = d
    print(f"{len(rounds)} rounds from {path}\n")
    print("| figure | taskflux | BullMQ | ratio taskflux/BullMQ | bar |")
    print("|---|---:|---:|---:|---|")
    for label, ours, theirs, bar in FIGURES:
        a, b, r = [], [], []
        for rd in sorted(rounds):
            x = get(rounds[rd].get(("taskflux", ours[0])), ours[1])
            y = get(rounds[rd].get(("bullmq", theirs[0])), theirs[1]) if theirs else None
            a.append(x)
            b.append(y)
            if x is not None and y:
                r.append(x / y)
        print(f"| {label} | {fmt(a)} | {fmt(b)} | {fmt(r) + '×' if r else '–'} | {bar} |")
    ok = [get(rounds[rd].get(("taskflux", w)), "ok") for rd in rounds for w in ("w1", "w1b")]
    print(f"\ntaskflux ok flags (W1, W1b per round): {ok}")


if __name__ == "__main__":
    main(sys.argv[1])
