#!/usr/bin/env python3
"""Runs each command N times (alternating, so that noise hits all alike) and prints the median
wall time, MB/s over BYTES, and the peak RSS of the last run (from /usr/bin/time -v).
A command that prints a line `TIMING name=seconds ...` (editio bench-names,
benches/spacy_names.py) also gets the median of each of those figures, with MB/s, and how
many times faster its `total` is than the first command's.
Usage: benches/timeit.py N BYTES 'label=command' ...   (commands run with sh -c)"""
import statistics, subprocess, sys, time

n, nbytes = int(sys.argv[1]), int(sys.argv[2])
cmds = [a.split("=", 1) for a in sys.argv[3:]]
times = {label: [] for label, _ in cmds}
inner = {label: {} for label, _ in cmds}
rss = {}
for _ in range(n):
    for label, cmd in cmds:
        t = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-v", "sh", "-c", cmd], capture_output=True, text=True)
        times[label].append(time.perf_counter() - t)
        for line in p.stderr.splitlines():
            if "Maximum resident" in line:
                rss[label] = int(line.split(":")[1]) // 1024
        for line in p.stdout.splitlines():
            if line.startswith("TIMING "):
                for field in line.split()[1:]:
                    k, v = field.split("=", 1)
                    inner[label].setdefault(k, []).append(float(v))
        if p.returncode != 0:
            print(f"{label}: exit {p.returncode}: {p.stderr[-500:]}", file=sys.stderr)
base = None
for label, _ in cmds:
    med = statistics.median(times[label])
    base = base or med
    print(f"{label:40} median {med:7.2f} s  {nbytes / 1e6 / med:8.1f} MB/s  "
          f"x{base / med:5.2f} of first  peak RSS {rss.get(label, 0)} MB  "
          f"(runs: {' '.join(f'{t:.2f}' for t in times[label])})")
base = None
for label, _ in cmds:
    if not inner[label]:
        continue
    parts = []
    for k, v in inner[label].items():
        med = statistics.median(v)
        parts.append(f"{k} {med:.3f} s ({nbytes / 1e6 / med:.1f} MB/s; runs {' '.join(f'{x:.2f}' for x in v)})")
    total = statistics.median(inner[label].get("total", [0])) or None
    cpu = statistics.median(inner[label].get("total_cpu", [0])) or None
    base = base or (total, cpu)
    ratio = f"  first's total / this total: x{base[0] / total:.1f}" if total and base[0] else ""
    if cpu and base[1]:
        ratio += f" (CPU: x{base[1] / cpu:.1f})"
    print(f"{label:40} inside: " + ", ".join(parts) + ratio)
