"""Goals, the printed summary, and the documents and plots a full run writes."""

from __future__ import annotations

import json
import math
from typing import Any

from bench.env import REPO
from bench.load import percentile

DOCS = REPO / "docs"
PLOTS = DOCS / "performance"
BEGIN = "<!-- bench:begin (written by `make bench`; edit bench/report.py, not this part) -->"
END = "<!-- bench:end -->"
COMMAND = "make bench"
NAMES = {
    "project_list": "project list",
    "timeline_page": "timeline page",
    "release_detail": "release detail",
}
# Fargate, Linux/x86, us-east-1 (docs/cost.md): per vCPU-hour and per GB-hour.
FARGATE_VCPU_HOUR = 0.04048
FARGATE_GB_HOUR = 0.004445
PROD_TASK = (1.0, 2.0)  # vCPU, GB (infra/shipdeck_infra/config.py)
DEV_TASK = (0.5, 1.0)
CPU_TARGET = 0.60  # the service's CPU target tracking value
REQUESTS_PER_TARGET_PER_MINUTE = 600  # the service's request-count target tracking value
MAX_TASKS = 10
DYNAMO_READ_PER_MILLION = 0.125  # USD per million read request units


WARMUP_S = 4.0


def trim_failfast(f: dict[str, Any]) -> None:
    """Read p99 per phase without each phase's first WARMUP_S seconds (the same cut for every
    phase: the normal phase begins right after the concurrent-streams benchmark and its first
    seconds carry that one's tail), and the ratios the goals use."""
    if "timeline" not in f or "read_p99_trimmed" in f:
        return
    trimmed: dict[str, dict[str, float]] = {}
    for phase, reads in f["timeline"]["reads"].items():
        start = f["windows_s"][phase][0]
        trimmed[phase] = {
            name: round(percentile([p[2] for p in points if p[0] >= start + WARMUP_S], 99), 1)
            for name, points in reads.items()
        }
    f["read_p99_trimmed"] = trimmed
    for other in ("open", "stalled"):
        f[f"read_p99_ratio_{other}_vs_normal_trimmed"] = {
            name: round(trimmed[other][name] / trimmed["normal"][name], 3)
            for name in trimmed["normal"]
        }


def goals(r: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if "failfast" in r:
        trim_failfast(r["failfast"])

    def goal(area: str, what: str, value: str, ok: bool, target: str) -> None:
        out.append(
            {
                "area": area,
                "what": what,
                "value": value,
                "target": target,
                "status": "PASS" if ok else "MISS",
            }
        )

    for name, o in r.get("overhead", {}).items():
        label = NAMES[name]
        goal(
            "API overhead",
            f"{label}: throughput vs baseline",
            f"{o['throughput_ratio']:.2f}",
            o["throughput_ratio"] >= 0.8,
            "≥ 0.80",
        )
        goal(
            "API overhead",
            f"{label}: requests per CPU-second vs baseline",
            f"{o['cpu_ratio']:.2f}",
            o["cpu_ratio"] >= 0.8,
            "≥ 0.80",
        )
        p99 = o["half_rate"]["shipdeck"]["p99_ms"]
        goal(
            "API overhead",
            f"{label}: p99 at half of max ({o['half_rate']['rate_per_s']:.0f} req/s)",
            f"{p99:.1f} ms",
            p99 < 25,
            "< 25 ms",
        )
    if "ai_latency" in r:
        a = r["ai_latency"]
        for key, label in (("added_ttft_ms", "first token"), ("added_ttlt_ms", "last token")):
            goal(
                "AI streaming",
                f"added time to {label}, p50",
                f"{a[key]['p50']:.1f} ms",
                a[key]["p50"] <= 3,
                "≤ 3 ms",
            )
            goal(
                "AI streaming",
                f"added time to {label}, p99",
                f"{a[key]['p99']:.1f} ms",
                a[key]["p99"] <= 10,
                "≤ 10 ms",
            )
    if "ai_concurrent" in r:
        c = r["ai_concurrent"]
        goal(
            "AI streaming",
            "concurrent streams in one process (all complete)",
            f"{c['peak_open']} open at once, {c['completed']}/{c['streams']} complete",
            c["peak_open"] >= 500 and c["failed"] == 0,
            "≥ 500, none failed",
        )
        goal(
            "AI streaming",
            "memory with the streams open",
            f"{c['rss_mib']['idle']:.0f} → {c['rss_mib']['peak']:.0f} MiB "
            f"({c['rss_mib']['per_stream_kib']:.0f} KiB a stream)",
            c["rss_mib"]["peak"] - c["rss_mib"]["idle"] < 512,
            "bounded (< 512 MiB added)",
        )
    if "failfast" in r:
        f = r["failfast"]
        goal(
            "Fail fast",
            "AI answer with the breaker open, p99",
            f"{f['ai_open']['p99_ms']:.1f} ms",
            f["ai_open"]["p99_ms"] <= 10 and f["ai_open"]["answered_503"] > 0,
            "≤ 10 ms, 503",
        )
        for name, ratio in f.get(
            "read_p99_ratio_open_vs_normal_trimmed", f["read_p99_ratio_open_vs_normal"]
        ).items():
            goal(
                "Fail fast",
                f"{NAMES[name]} p99, breaker open vs normal (first 4 s of each cut)",
                f"{ratio:.2f}",
                ratio <= 1.10,
                "≤ 1.10",
            )
        for name, ratio in f.get(
            "read_p99_ratio_stalled_vs_normal_trimmed", f["read_p99_ratio_stalled_vs_normal"]
        ).items():
            goal(
                "Fail fast",
                f"{NAMES[name]} p99, stalled, breaker closed, vs normal (same cut)",
                f"{ratio:.2f}",
                ratio <= 1.10,
                "≤ 1.10",
            )
    if "growth" in r:
        g = r["growth"]
        for key, label in (
            (
                "timeline_first_page",
                f"timeline first page, {g['large_events']:,} vs {g['small_events']:,} events",
            ),
            ("timeline_deep_page", "timeline middle page, same sizes"),
            (
                "project_list",
                f"project list, {g['projects_load']['projects']:,} projects in other teams vs none",
            ),
        ):
            ratio = g["ratios_p50"][key]
            goal("Growth", f"{label} (p50)", f"{ratio:.2f}", ratio <= 1.2, "≤ 1.20")
        goal(
            "Growth",
            "events loaded",
            f"{g['large_events']:,}",
            g["large_events"] >= 1_000_000,
            "10^6",
        )
    return out


def print_summary(r: dict[str, Any]) -> None:
    print()
    print("=" * 100)
    print(
        f"Shipdeck benchmarks — {r['machine']['date']}, {r['machine']['cpus']} CPUs, "
        f"load average at start {r['machine']['load_average_at_start']}"
    )
    print("=" * 100)
    for name, o in r.get("overhead", {}).items():
        b, s = o["baseline"], o["shipdeck"]
        print(
            f"{NAMES[name]:15s} baseline {b['requests_per_s']:7.1f} req/s "
            f"{b['cpu_ms_per_request']:.2f} ms CPU/req | "
            f"Shipdeck {s['requests_per_s']:7.1f} req/s {s['cpu_ms_per_request']:.2f} ms CPU/req | "
            f"ratio {o['throughput_ratio']:.2f} (CPU {o['cpu_ratio']:.2f})"
        )
    if "ai_latency" in r:
        a = r["ai_latency"]
        print(
            f"AI first token  direct p50 {a['ttft_ms']['direct']['p50']:.1f} ms, Shipdeck p50 "
            f"{a['ttft_ms']['shipdeck']['p50']:.1f} ms (added p50 {a['added_ttft_ms']['p50']:.1f}, "
            f"p99 {a['added_ttft_ms']['p99']:.1f})"
        )
        print(
            f"AI last token   direct p50 {a['ttlt_ms']['direct']['p50']:.1f} ms, Shipdeck p50 "
            f"{a['ttlt_ms']['shipdeck']['p50']:.1f} ms (added p50 {a['added_ttlt_ms']['p50']:.1f}, "
            f"p99 {a['added_ttlt_ms']['p99']:.1f})"
        )
    for name, c in r.get("capacity", {}).items():
        print(
            f"capacity (INFO) {NAMES[name]:15s} {c['requests_per_s']:7.1f} req/s, "
            f"{c['cpu_ms_per_request']:.2f} ms CPU/req → "
            f"{1000 / c['cpu_ms_per_request']:.0f} req per CPU-second"
        )
    print("-" * 100)
    for g in r.get("goals", []):
        print(
            f"[{g['status']}] {g['area']:12s} {g['what']:72s} {g['value']:>12s}  goal {g['target']}"
        )
    print("=" * 100)


# -- capacity model --------------------------------------------------------------------------------


def capacity_model(r: dict[str, Any]) -> dict[str, Any]:
    cap = r["capacity"]
    cpu_ms = [c["cpu_ms_per_request"] for c in cap.values()]
    blended = sum(cpu_ms) / len(cpu_ms)  # equal shares of the three reads
    per_vcpu = 1000 / blended
    task_cost = PROD_TASK[0] * FARGATE_VCPU_HOUR + PROD_TASK[1] * FARGATE_GB_HOUR
    dev_cost = DEV_TASK[0] * FARGATE_VCPU_HOUR + DEV_TASK[1] * FARGATE_GB_HOUR
    per_task = per_vcpu * PROD_TASK[0] * CPU_TARGET
    tasks = {rate: math.ceil(rate / per_task) for rate in (1_000, 10_000)}
    per_million = task_cost / (per_task * 3600) * 1e6
    per_million_dev = dev_cost / (per_vcpu * DEV_TASK[0] * CPU_TARGET * 3600) * 1e6
    db = r.get("capacity_db", {})
    return {
        "blended_cpu_ms": round(blended, 2),
        "per_vcpu": round(per_vcpu),
        "per_task_at_target": round(per_task),
        "tasks": tasks,
        "task_hour_usd": round(task_cost, 5),
        "per_million_usd": round(per_million, 3),
        "per_million_dev_usd": round(per_million_dev, 3),
        "requests_target_per_minute": round(per_task * 60, -1),
        "current_request_target_share": round(REQUESTS_PER_TARGET_PER_MINUTE / 60 / per_vcpu, 3),
        "max_tasks_rate": round(MAX_TASKS * per_task),
        "db": db,
    }


# -- documents -------------------------------------------------------------------------------------


def write_docs(r: dict[str, Any]) -> None:
    PLOTS.mkdir(parents=True, exist_ok=True)
    plots(r)
    slim = json.loads(json.dumps(r, default=str))
    for key in ("ai_concurrent", "failfast"):
        for series in ("series_open", "series_rss", "timeline"):
            slim.get(key, {}).pop(series, None)
    slim.get("ai_latency", {}).pop("raw", None)
    (PLOTS / "results.json").write_text(json.dumps(slim, indent=1) + "\n")
    section = performance_section(r)
    path = DOCS / "performance.md"
    text = path.read_text() if path.exists() else "# Performance\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + BEGIN + "\n" + section + END + tail
    else:
        text = text.rstrip() + "\n\n" + BEGIN + "\n" + section + END + "\n"
    path.write_text(text)
    (DOCS / "capacity.md").write_text(capacity_doc(r))


def _machine_line(r: dict[str, Any]) -> str:
    m = r["machine"]
    minutes, seconds = divmod(int(r.get("duration_s", 0)), 60)
    return (
        f"Measured on {m['date']} with `{COMMAND}` (commit `{m['commit']}`, the whole run took "
        f"{minutes} min {seconds} s) on {m['cpus']} cores ({m['cpu_model'] or 'unknown CPU'}), "
        f"{m['memory_gib']} GiB, {m['os'].split('-with-')[0]}, Python {m['python']}; load average "
        f"{', '.join(str(x) for x in m['load_average_at_start'])} at the start (the machine is "
        "shared: other work ran beside the benchmark, which is why every figure is a ratio "
        "against a baseline measured in the same run)."
    )


def _status(r: dict[str, Any], area: str, contains: str) -> str:
    for g in r.get("goals", []):
        if g["area"] == area and contains in g["what"]:
            return f"**{g['status']}**"
    return ""


def performance_section(r: dict[str, Any]) -> str:
    from bench import docs_text

    return docs_text.performance(r, _machine_line(r), _status)


def capacity_doc(r: dict[str, Any]) -> str:
    from bench import docs_text

    return docs_text.capacity(r, capacity_model(r), _machine_line(r))


# -- plots -----------------------------------------------------------------------------------------


def plots(r: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"figure.dpi": 110, "font.size": 9})
    _plot_overhead(plt, r)
    _plot_ai(plt, r)
    _plot_failfast(plt, r)
    _plot_growth(plt, r)


def _save(plt: Any, fig: Any, name: str) -> None:
    fig.tight_layout()
    fig.savefig(PLOTS / name)
    plt.close(fig)


def _plot_overhead(plt: Any, r: dict[str, Any]) -> None:
    o = r["overhead"]
    names = list(o)
    x = range(len(names))
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))

    def value(panel: int, e: str, k: str) -> float:
        if panel == 0:
            return float(o[e][k]["requests_per_s"])
        if panel == 1:
            return float(o[e][k]["cpu_ms_per_request"])
        return float(o[e]["half_rate"][k]["p99_ms"])

    titles = (
        "requests/s (wrk, median of rounds)",
        "server CPU ms per request",
        "p99 ms at half of Shipdeck's max (hey)",
    )
    for panel, (ax, title) in enumerate(zip(axes, titles, strict=True)):
        for i, (kind, color) in enumerate((("baseline", "#9aa5b1"), ("shipdeck", "#2b6cb0"))):
            values = [value(panel, e, kind) for e in names]
            bars = ax.bar([p + i * 0.38 for p in x], values, 0.38, label=kind, color=color)
            ax.bar_label(bars, fmt="%.1f", fontsize=7)
        ax.set_xticks([p + 0.19 for p in x], [NAMES[n] for n in names])
        ax.set_title(title)
    axes[1].legend()
    axes[2].axhline(25, color="#c53030", lw=1, ls="--")
    _save(plt, fig, "api-overhead.png")


def _plot_ai(plt: Any, r: dict[str, Any]) -> None:
    a = r["ai_latency"]
    c = r["ai_concurrent"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
    ax = axes[0]
    for key, label, color in (
        ("direct_ttft", "straight to DeepSeek", "#9aa5b1"),
        ("shipdeck_ttft", "through Shipdeck", "#2b6cb0"),
    ):
        values = sorted(a["raw"][key])
        n = len(values)
        ax.step(values, [(i + 1) / n for i in range(n)], where="post", label=label, color=color)
    ax.set_xlabel("time to first token, ms")
    ax.set_ylabel("share of answers")
    ax.set_title("Time to first token (explain a release)")
    ax.legend()
    ax = axes[1]
    if c["series_open"]:
        times = [p[0] for p in c["series_open"]]
        counts = [p[1] for p in c["series_open"]]
        ax.step(times, counts, where="post", color="#2b6cb0", label="streams open")
    ax.set_xlabel("seconds")
    ax.set_ylabel("answers streaming at once")
    ax2 = ax.twinx()
    t2 = [p[0] for p in c["series_rss"]]
    rss = [p[1] for p in c["series_rss"]]
    ax2.plot(t2, rss, color="#dd6b20", label="RSS MiB")
    ax2.set_ylabel("API process RSS, MiB")
    ax2.set_ylim(0, max(rss) * 1.3)
    ax.set_title(f"{c['streams']} answers through one process")
    _save(plt, fig, "ai-streaming.png")


def _plot_failfast(plt: Any, r: dict[str, Any]) -> None:
    f = r["failfast"]
    fig, ax = plt.subplots(figsize=(12, 3.8))
    colors = {"project_list": "#2b6cb0", "release_detail": "#38a169"}
    for phase, reads in f["timeline"]["reads"].items():
        for name, points in reads.items():
            if points:
                ax.scatter(
                    [p[0] for p in points],
                    [p[2] for p in points],
                    s=2,
                    color=colors[name],
                    label=NAMES[name] if phase == "normal" else None,
                )
    ai_points = f["timeline"]["ai"]
    if ai_points:
        ax.scatter(
            [p[0] + p[2] / 1000 for p in ai_points],
            [p[2] for p in ai_points],
            s=8,
            marker="x",
            color="#c53030",
            label="AI answer (time to end)",
        )
    for phase, (a, b) in f["windows_s"].items():
        ax.axvspan(
            a, b, alpha=0.08, color={"normal": "green", "stalled": "orange", "open": "red"}[phase]
        )
        ax.text(a + 0.5, 0.02, phase, transform=ax.get_xaxis_transform())
    ax.set_yscale("log")
    ax.set_xlabel("seconds since start")
    ax.set_ylabel("latency, ms (log)")
    ax.set_title("DeepSeek stalls: non-AI reads and AI requests")
    ax.legend(loc="upper left", markerscale=3)
    _save(plt, fig, "fail-fast.png")


def _plot_growth(plt: Any, r: dict[str, Any]) -> None:
    g = r["growth"]
    keys = ["timeline_first_page", "timeline_deep_page", "small_timeline", "project_list"]
    labels = ["timeline\nfirst page", "timeline\nmiddle page", "60-event\ntimeline", "project list"]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    for i, (when, color) in enumerate((("before", "#9aa5b1"), ("after", "#2b6cb0"))):
        for j, q in enumerate(("p50_ms", "p99_ms")):
            values = [g[when][k][q] for k in keys]
            offset = i * 0.2 + j * 0.4
            bars = ax.bar(
                [p + offset for p in range(len(keys))],
                values,
                0.2,
                color=color,
                alpha=1.0 if q == "p50_ms" else 0.55,
                label=f"{'small' if when == 'before' else 'large'} {q[:3]}",
            )
            ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks([p + 0.3 for p in range(len(keys))], labels)
    ax.set_ylabel("ms")
    ax.set_title(
        f"Growth: {g['small_events']:,} → {g['large_events']:,} events, "
        f"0 → {g['projects_load']['projects']:,} projects in other teams"
    )
    ax.legend(ncol=4, fontsize=7)
    _save(plt, fig, "growth.png")
