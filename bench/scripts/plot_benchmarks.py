#!/usr/bin/env python3
"""Renders the charts of docs/benchmarks.md from the CSV files `bin/bft bench` writes.

usage: python3 bench/scripts/plot_benchmarks.py RESULTS_DIR OUT_DIR

Reads RESULTS_DIR/throughput.csv and RESULTS_DIR/latency-cdf.csv and writes SVG files to OUT_DIR:
throughput against clients, throughput against batch size, the latency CDF, and throughput under
each attack as a share of fault-free. Plain Python (no plotting library), so it runs on any
machine with python3.
"""
import csv
import math
import os
import sys

W, H = 640, 400
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 40, 60


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def nice_max(v):
    if v <= 0:
        return 1
    p = 10 ** math.floor(math.log10(v))
    for m in (1, 2, 2.5, 5, 10):
        if v <= m * p:
            return m * p
    return 10 * p


class Chart:
    def __init__(self, title, xlabel, ylabel, xmax, ymax, xlog=False):
        self.xmax, self.ymax, self.xlog = xmax, ymax, xlog
        self.parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
            f'<rect width="{W}" height="{H}" fill="white"/>',
            f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="15">{title}</text>',
            f'<text x="{W / 2}" y="{H - 12}" text-anchor="middle">{xlabel}</text>',
            f'<text x="16" y="{H / 2}" text-anchor="middle" transform="rotate(-90 16 {H / 2})">{ylabel}</text>',
            f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="black"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{H - BOTTOM}" stroke="black"/>',
        ]
        for i in range(6):
            y = ymax * i / 5
            py = self.py(y)
            self.parts.append(f'<line x1="{LEFT}" y1="{py}" x2="{W - RIGHT}" y2="{py}" stroke="#ddd"/>')
            self.parts.append(f'<text x="{LEFT - 6}" y="{py + 4}" text-anchor="end">{y:g}</text>')

    def px(self, x):
        if self.xlog:
            return LEFT + (W - LEFT - RIGHT) * math.log10(max(x, 1)) / math.log10(self.xmax)
        return LEFT + (W - LEFT - RIGHT) * x / self.xmax

    def py(self, y):
        return H - BOTTOM - (H - TOP - BOTTOM) * min(y, self.ymax) / self.ymax

    def xtick(self, x, label):
        self.parts.append(f'<text x="{self.px(x)}" y="{H - BOTTOM + 16}" text-anchor="middle">{label}</text>')

    def line(self, points, color, label, index):
        d = " ".join(f"{self.px(x):.1f},{self.py(y):.1f}" for x, y in points)
        self.parts.append(f'<polyline points="{d}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y in points if len(points) < 20 else []:
            self.parts.append(f'<circle cx="{self.px(x):.1f}" cy="{self.py(y):.1f}" r="3" fill="{color}"/>')
        self.legend(color, label, index)

    def legend(self, color, label, index):
        ly = TOP + 4 + 16 * index
        self.parts.append(f'<rect x="{LEFT + 12}" y="{ly}" width="12" height="10" fill="{color}"/>')
        self.parts.append(f'<text x="{LEFT + 30}" y="{ly + 9}">{label}</text>')

    def save(self, path):
        with open(path, "w") as f:
            f.write("\n".join(self.parts + ["</svg>"]) + "\n")


def main(results, out):
    os.makedirs(out, exist_ok=True)
    rows = read(os.path.join(results, "throughput.csv"))
    free = sorted((r for r in rows if r["scenario"] == "fault-free"), key=lambda r: int(r["clients"]))
    bound = float(rows[0]["crypto_bound_ops_per_s"]) if rows else 0

    if free:
        xs = [int(r["clients"]) for r in free]
        ops = [float(r["ops_per_s"]) for r in free]
        p99 = [float(r["p99_ms"]) for r in free]
        c = Chart("Throughput and p99 latency vs closed-loop clients (4 replicas, signed 64 B puts)",
                  "clients", "ops/s  |  p99 latency (ms)", max(xs), nice_max(max(ops + [bound * 0.6]) * 1.05))
        for x in xs:
            c.xtick(x, str(x))
        c.line(list(zip(xs, ops)), "#1f77b4", "throughput (ops/s)", 0)
        c.line(list(zip(xs, p99)), "#d62728", "p99 latency (ms)", 1)
        if bound:
            c.line([(0, bound * 0.6), (max(xs), bound * 0.6)], "#999", f"60% of crypto bound ({bound * 0.6:.0f})", 2)
        c.save(os.path.join(out, "throughput-vs-clients.svg"))

    at = attack_clients(rows)
    by_batch = {}
    for r in rows:
        if (r["scenario"].startswith("batch-") or r["scenario"] == "fault-free") and r["clients"] == at and r.get("batch_size"):
            by_batch[int(r["batch_size"])] = (float(r["ops_per_s"]), float(r["p99_ms"]))
    if len(by_batch) > 1:
        sizes = sorted(by_batch)
        c = Chart(f"Throughput and p99 latency vs batch size ({at} clients)", "batch.size (log scale)",
                  "ops/s  |  p99 latency (ms)", max(sizes), nice_max(max(v for pair in by_batch.values() for v in pair) * 1.05),
                  xlog=True)
        for b in sizes:
            c.xtick(b, str(b))
        c.line([(b, by_batch[b][0]) for b in sizes], "#1f77b4", "throughput (ops/s)", 0)
        c.line([(b, by_batch[b][1]) for b in sizes], "#d62728", "p99 latency (ms)", 1)
        c.save(os.path.join(out, "throughput-vs-batch-size.svg"))

    cdf_path = os.path.join(results, "latency-cdf.csv")
    if os.path.exists(cdf_path):
        cdf = [(float(r["latency_ms"]), float(r["percentile"])) for r in read(cdf_path)]
        if cdf:
            xmax = nice_max(cdf[-1][0])
            c = Chart("Latency CDF, fault-free", "latency (ms)", "fraction of operations", xmax, 1)
            for i in range(6):
                c.xtick(xmax * i / 5, f"{xmax * i / 5:g}")
            c.line(cdf, "#1f77b4", "fault-free", 0)
            c.save(os.path.join(out, "latency-cdf.svg"))

    base = next((float(r["ops_per_s"]) for r in rows if r["scenario"] == "fault-free"
                 and r["clients"] == attack_clients(rows)), None)
    attacks = [r for r in rows if r["scenario"] != "fault-free"
               and not r["scenario"].startswith(("batch-", "durability-"))]
    if base and attacks:
        items = [("fault-free", base)] + [(r["scenario"], float(r["ops_per_s"])) for r in attacks]
        top = max(100, 25 * math.ceil(max(100 * v / base for _, v in items) * 1.1 / 25))
        c = Chart("Throughput under attack, as % of fault-free", "", "% of fault-free", 1, top)
        bar_w = (W - LEFT - RIGHT) / (len(attacks) + 1) * 0.6
        for i, (name, v) in enumerate(items):
            x = LEFT + (W - LEFT - RIGHT) * (i + 0.5) / len(items) - bar_w / 2
            share = 100 * v / base
            c.parts.append(f'<rect x="{x:.1f}" y="{c.py(share):.1f}" width="{bar_w:.1f}" '
                           f'height="{H - BOTTOM - c.py(share):.1f}" fill="{"#2ca02c" if share >= 50 else "#d62728"}"/>')
            # "client-bad-signature" and the like on two lines, so neighbouring labels do not collide
            first, _, rest = name.partition("-") if name.startswith("client-") else (name, "", "")
            c.parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{first}'
                           + (f'<tspan x="{x + bar_w / 2:.1f}" dy="14">{rest}</tspan>' if rest else "") + '</text>')
            c.parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{c.py(share) - 4:.1f}" text-anchor="middle">'
                           f'{v:.0f} ops/s ({share:.0f}%)</text>')
        c.parts.append(f'<line x1="{LEFT}" y1="{c.py(50)}" x2="{W - RIGHT}" y2="{c.py(50)}" stroke="#999" stroke-dasharray="4"/>')
        c.save(os.path.join(out, "throughput-under-attack.svg"))


def attack_clients(rows):
    others = [r for r in rows if r["scenario"] != "fault-free"]
    return others[0]["clients"] if others else "30"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
