"""The text of the benchmark sections of docs/performance.md and of docs/capacity.md, filled in
with the figures of the run that writes them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

NAMES = {
    "project_list": "project list",
    "timeline_page": "timeline page",
    "release_detail": "release detail",
}


def _goal_table(r: dict[str, Any]) -> str:
    rows = ["| Area | Figure | Measured | Goal | |", "|---|---|---:|---|---|"]
    for g in r["goals"]:
        rows.append(
            f"| {g['area']} | {g['what']} | {g['value']} | {g['target']} | **{g['status']}** |"
        )
    return "\n".join(rows)


def performance(
    r: dict[str, Any], machine: str, status: Callable[[dict[str, Any], str, str], str]
) -> str:
    o = r["overhead"]
    a = r["ai_latency"]
    c = r["ai_concurrent"]
    f = r["failfast"]
    g = r["growth"]
    plan = r["plan"]
    p = r["paths"]
    first_cmd = next(iter(o.values()))["commands"]
    lines: list[str] = []
    add = lines.append
    add("## API benchmarks (`make bench`)\n")
    add(machine + "\n")
    add(
        "Stand-ins on loopback: MariaDB 10.11 (the production-like database for every HTTP "
        "figure), dynalite for DynamoDB, the DeepSeek and SleakOps simulators. Shipdeck runs as "
        "in a container: `shipdeck serve`, one uvicorn process, log level **WARNING** unless "
        "stated (the capacity figures are at INFO, the production level). The server under test "
        "is pinned to CPU 1; wrk, hey, dynalite and the simulators to CPU 0. How to rerun and "
        "what each script does: [bench/README.md](../bench/README.md). Raw figures of this run: "
        "[performance/results.json](performance/results.json).\n"
    )
    add("### Goals\n")
    add(_goal_table(r) + "\n")
    add(_latency_note(r))

    add("### 1. API overhead: Shipdeck against a bare app doing the same database work\n")
    add(
        "The baseline (`bench/baseline.py`) is a bare ASGI app on the same uvicorn settings that "
        "does, per request, exactly the round trips Shipdeck does (read from its SQL echo): the "
        "session GetItem through aiobotocore with the same client configuration, the same SQL "
        "statements through SQLAlchemy async with asyncmy and the same pool (pre-ping, READ "
        "COMMITTED), in one transaction, and the DynamoDB Query of the timeline. Each endpoint "
        f"ran {plan['rounds']} rounds of wrk ({plan['wrk_seconds']} s, {plan['connections']} "
        "connections), alternating the two servers; the figures are medians. Besides requests "
        "per second, the server's own CPU time per request is read from `/proc`: it is what the "
        "process itself spends, whether or not the stand-ins sharing the other core kept up.\n"
    )
    add(
        "| Endpoint | Baseline req/s | Shipdeck req/s | Throughput ratio | Baseline CPU/req | "
        "Shipdeck CPU/req | Requests per CPU-second, ratio | p99 at half of max |"
    )
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, e in o.items():
        h = e["half_rate"]
        add(
            f"| {NAMES[name]} | {e['baseline']['requests_per_s']:.0f} | "
            f"{e['shipdeck']['requests_per_s']:.0f} | "
            f"**{e['throughput_ratio']:.2f}** | {e['baseline']['cpu_ms_per_request']:.2f} ms | "
            f"{e['shipdeck']['cpu_ms_per_request']:.2f} ms | **{e['cpu_ratio']:.2f}** | "
            f"{h['shipdeck']['p99_ms']:.1f} ms at {h['rate_per_s']:.0f} req/s "
            f"(baseline {h['baseline']['p99_ms']:.1f} ms) |"
        )
    add("")
    add("![API overhead](performance/api-overhead.png)\n")
    add("Commands (per endpoint and server; `$TOKEN` is a session token of the seeded user):\n")
    add("```sh")
    add(first_cmd["wrk"])
    add(first_cmd["hey"] + "   # half of Shipdeck's measured maximum, every request timed (-o csv)")
    add("```\n")
    add(
        f"Paths: `{p['project_list']}` (20 projects), `{p['timeline_page']}` "
        "(50 of about 70 events), "
        f"`{p['release_detail']}`.\n"
    )
    add(_overhead_reading(r))

    add("### 2. AI streaming overhead\n")
    add(
        f"`POST /api/releases/{{id}}/explain` on a failed deployment, {a['samples']['shipdeck']} "
        f"answers through Shipdeck and {a['samples']['direct']} straight to the DeepSeek "
        "simulator with the very request Shipdeck sent (read back from the simulator's request "
        f"log), so both get the same answer ({a['frames']['direct']} chunks, paced 15 ms apart "
        f"as the simulator does by default); {plan['ai_lanes']} clients at once, each "
        "alternating the two paths in random order. The client is `bench/sse.py`: no load tool "
        "reports the time to the first token of a streamed answer.\n"
    )
    add("| | straight to DeepSeek p50 / p99 | through Shipdeck p50 / p99 | added p50 | added p99 |")
    add("|---|---:|---:|---:|---:|")
    for key, label in (("ttft_ms", "time to first token"), ("ttlt_ms", "time to last token")):
        d, s, x = a[key]["direct"], a[key]["shipdeck"], a[f"added_{key}"]
        add(
            f"| {label} | {d['p50']:.1f} / {d['p99']:.1f} ms | "
            f"{s['p50']:.1f} / {s['p99']:.1f} ms | "
            f"**{x['p50']:.1f} ms** | **{x['p99']:.1f} ms** |"
        )
    inside = a.get("inside_call_ttft_ms", {})
    if inside:
        add("")
        add(
            f"Shipdeck's own metric `AiTimeToFirstToken` (from the start of the DeepSeek call to "
            f"its first token, inside the process) has p50 {inside['p50']:.1f} ms against "
            f"{a['ttft_ms']['direct']['p50']:.1f} ms straight to the simulator: the call itself "
            f"(SDK, connection pool, first-chunk wait) adds about "
            f"{inside['p50'] - a['ttft_ms']['direct']['p50']:.1f} ms; the rest of the added "
            "time is the work before the call (authentication, the release and its access "
            "check, the project context from MySQL, the release's events from DynamoDB, the "
            "token quota)."
        )
    add("")
    add(
        f"**{c['streams']} concurrent answers in one process.** Opened over "
        f"{c['ramp_s']:.0f} s, the simulator pacing chunks {c['chunk_delay_s'] * 1000:.0f} ms "
        f"apart so that every answer lasts long enough to overlap all the others: "
        f"{c['completed']}/{c['streams']} complete, at most **{c['peak_open']}** streaming at "
        f"the same moment; statuses {c['statuses']}"
        + (f", failures by code {c['errors']}" if c.get("errors") else "")
        + ". RSS of the API process "
        f"{c['rss_mib']['idle']:.0f} MiB before, {c['rss_mib']['peak']:.0f} MiB at the peak, "
        f"{c['rss_mib']['after']:.0f} MiB after (about {c['rss_mib']['per_stream_kib']:.0f} KiB "
        f"an open answer); server CPU {c['server_cpu_utilization']:.0%} over the "
        f"{c['wall_s']:.0f} s.\n"
    )
    add("![AI streaming](performance/ai-streaming.png)\n")
    add(_ai_reading(r))

    add("### 3. Fail fast: DeepSeek stalls\n")
    add(
        (
            f"After {f['warmup_s']:.0f} s of the same load that is not counted, steady traffic "
            if f.get("warmup_s")
            else "Steady traffic "
        )
        + f"throughout: {f['ai_rate']:.0f} AI answers a second and hey reading the "
        f"project list and a release at {f['read_rate_per_endpoint']:.0f} req/s each. Phases: "
        f"**normal** ({plan['normal_s']:.0f} s, DeepSeek healthy); **stalled** (the simulator "
        'accepts every call and never answers — fault rule `{"connection": "stall"}`; '
        f"reads measured for the first {plan['stalled_s']:.0f} s, while the breaker is still "
        f"closed); **open** ({plan['open_s']:.0f} s from the first `breaker_open` answer). "
        f"The breaker opened **{f['breaker_opened_after_s']:.1f} s** after the stall began "
        "(Shipdeck's first-token deadline is 30 s; five calls in a row must fail).\n"
    )
    add(
        "| Phase | project list p50 / p99 | release detail p50 / p99 | statuses (reads) "
        "| AI answers |"
    )
    add("|---|---:|---:|---|---|")
    for phase in ("normal", "stalled", "open"):
        pl, rd = f["reads"][phase]["project_list"], f["reads"][phase]["release_detail"]
        statuses = {
            k: pl["statuses"].get(k, 0) + rd["statuses"].get(k, 0)
            for k in {*pl["statuses"], *rd["statuses"]}
        }
        add(
            f"| {phase} | {pl['p50_ms']:.1f} / {pl['p99_ms']:.1f} ms | {rd['p50_ms']:.1f} / "
            f"{rd['p99_ms']:.1f} ms | {statuses} | {f['ai_statuses_by_phase'].get(phase, {})} |"
        )
    ao = f["ai_open"]
    add("")
    add(
        f"With the breaker open, AI requests answered 503 `ai_unavailable` in p50 "
        f"{ao['p50_ms']:.1f} ms, p99 **{ao['p99_ms']:.1f} ms** (max {ao['max_ms']:.1f} ms; "
        f"{ao['breaker_open_503']} of {ao['requests']} named `breaker_open`). Read p99 against "
        f"normal, whole phases: open {f['read_p99_ratio_open_vs_normal']}, stalled "
        f"{f['read_p99_ratio_stalled_vs_normal']}. The first seconds of the normal phase "
        "carried the tail of the concurrent-streams benchmark that ran just before (the plot "
        "shows them), which flatters those ratios; the goals use each phase without its first "
        f"4 s: p99 {f.get('read_p99_trimmed', {})}, ratios open "
        f"{f.get('read_p99_ratio_open_vs_normal_trimmed', {})}, stalled "
        f"{f.get('read_p99_ratio_stalled_vs_normal_trimmed', {})}.\n"
    )
    add("![Fail fast](performance/fail-fast.png)\n")
    add(_failfast_reading(r))

    add("### 4. Growth\n")
    ev = g["events_load"]
    add(
        f"One project's timeline grew from {g['small_events']:,} to **{g['large_events']:,}** "
        f"events: {ev['loaded']:,} loaded with BatchWriteItem (25 items a call, 16 calls at once) "
        f"in **{ev['seconds']:.0f} s** ({ev['per_second']:,} items/s into dynalite)"
        + (
            "."
            if g["large_events"] >= ev["target"]
            else f", stopped by the time budget short of the {ev['target']:,} aimed at."
        )
        + f" Then {g['projects_load']['projects']:,} projects in {g['projects_load']['teams']:,} "
        f"other teams were inserted ({g['projects_load']['seconds']:.0f} s). Each read was timed "
        f"with hey at 20 req/s for {plan['growth_seconds']:.0f} s before and after.\n"
    )
    add("| Read | small p50 / p99 | large p50 / p99 | p50 ratio | p99 ratio |")
    add("|---|---:|---:|---:|---:|")
    for key, label in (
        ("timeline_first_page", "timeline, first page"),
        ("timeline_deep_page", "timeline, page from the middle"),
        ("small_timeline", "another project's 60-event timeline"),
        ("project_list", "project list of a 20-project team"),
    ):
        b, af = g["before"][key], g["after"][key]
        add(
            f"| {label} | {b['p50_ms']:.1f} / {b['p99_ms']:.1f} ms | {af['p50_ms']:.1f} / "
            f"{af['p99_ms']:.1f} ms | **{g['ratios_p50'][key]:.2f}** | {g['ratios_p99'][key]:.2f} |"
        )
    add("")
    add("![Growth](performance/growth.png)\n")
    add(
        "Why they do not grow — the DynamoDB Query behind the timeline page, with what dynalite "
        "reported it read (`ScannedCount`):\n"
    )
    add("```json")
    for label, q in g["dynamodb_queries"].items():
        add(f"// {label}: Count {q['Count']}, ScannedCount {q['ScannedCount']}")
        add(_json(q["request"]))
    add("```\n")
    mp = g["mysql_plans"]
    add(
        f"and the project list's two statements on {mp['server']} (`EXPLAIN`, then `ANALYZE "
        "FORMAT=JSON` for the rows actually read), with the 10^5 other projects in the table:\n"
    )
    for key in ("team_membership", "project_list"):
        e = mp[key]
        add("```sql")
        add(e["sql"])
        add("```\n")
        add("| table | type | key | key_len | ref | rows (estimate) | Extra |")
        add("|---|---|---|---|---|---:|---|")
        for row in e["explain"]:
            add(
                f"| {row.get('table')} | {row.get('type')} | {row.get('key')} | "
                f"{row.get('key_len')} | "
                f"{row.get('ref')} | {row.get('rows')} | {row.get('Extra') or ''} |"
            )
        if e.get("rows_read"):
            read = ", ".join(_rows(x) for x in e["rows_read"])
            add(f"\nRows read: {read}.\n")
        else:
            add("")
    add("Commands:\n")
    add("```sh")
    add(g["before"]["timeline_first_page"]["command"])
    add("```\n")
    add(_growth_reading(r))
    add(_changes(r))
    return "\n".join(lines) + "\n"


def _changes(r: dict[str, Any]) -> str:
    c = r["ai_concurrent"]
    f = r["failfast"]
    stalled_non200 = sum(
        n for e in f["reads"]["stalled"].values() for s, n in e["statuses"].items() if s != "200"
    )
    return (
        "### What these benchmarks changed in the app\n\n"
        "A quick pass (`make bench BENCH_QUICK=1`) on the code before these changes found two "
        "faults and one waste; each was fixed, with a test, and this run measures the result.\n\n"
        "- **A stalled DeepSeek emptied the database pool.** The AI endpoints kept the "
        "request's transaction, and so a pooled connection, open while waiting for DeepSeek's "
        "first token. With 150 answers opened over 8 s, 50 were answered 503 (the log: "
        "`QueuePool limit of size 10 overflow 10 reached, connection timed out`); with "
        "DeepSeek stalled and the breaker not yet open, reads of the project list and of a "
        "release waited 3.05 s and got 503 too (p99 3,049 ms). Now the transaction ends before "
        "the call (`assistant/streaming.py`; test "
        "`test_an_answer_waiting_on_deepseek_holds_no_database_connection`, a pool of one "
        f"connection). This run: {c['completed']}/{c['streams']} answers complete; reads "
        f"answered other than 200 while stalled: {stalled_non200}.\n"
        "- **With the breaker open, the 503 came after the whole prompt was built** (p50 "
        "128 ms, p99 230 ms in that pass on the loaded machine): the project context from "
        "MySQL and the release's events from DynamoDB were read for a call that was then "
        "refused. Now the endpoints ask the guard first (`DeepSeekClient.check_available`; "
        "test `test_with_the_breaker_open_no_prompt_is_built`). This run: p50 "
        f"{f['ai_open']['p50_ms']:.1f} ms, p99 {f['ai_open']['p99_ms']:.1f} ms.\n"
        "- **Thread hops.** FastAPI runs a plain `def` dependency in a worker thread; "
        "`get_resources` and `page_params` were plain functions, so every list request made "
        "two thread hops and every other request one. They are `async def` now, as are the "
        "other trivial dependencies (about 0.3 to 0.6 ms of CPU a request on this machine, "
        "measured in-process over 300 requests).\n"
    )


def _latency_note(r: dict[str, Any]) -> str:
    o = r["overhead"]
    m = r["machine"]
    base = ", ".join(
        f"{NAMES[k]} {e['half_rate']['baseline']['p99_ms']:.0f} ms" for k, e in o.items()
    )
    f = r["failfast"]
    reads_open = f["reads"]["open"]["project_list"]["p50_ms"]
    return (
        "About the latency goals. The machine was shared with other work throughout (load "
        f"average {m['load_average_at_start'][0]:.1f} at the start and "
        f"{m.get('load_average_at_end', ['?'])[0]} at the end, on 2 cores), so a request often "
        "waited for a CPU before any of its own work began. The bare baseline, held at the "
        f"same rates as Shipdeck, had p99 {base}: it misses the 25 ms goal too, so the "
        "absolute latency goals cannot be judged on this machine in this state; the ratios "
        "can. Likewise the fail-fast 503s: their p50 "
        f"({f['ai_open']['p50_ms']:.0f} ms) was below the p50 of the plain reads in the same "
        f"window ({reads_open:.0f} ms).\n"
    )


def _rows(x: dict[str, Any]) -> str:
    if x["r_rows"] is None and x["access_type"] == "const":
        return f"{x['table']}: one row by {x['key']} (const, read once at optimization)"
    return f"{x['table']}: {x['r_rows']} rows via {x['key']} ({x['access_type']})"


def _json(value: Any) -> str:
    import json

    return json.dumps(value, indent=1)


def _overhead_reading(r: dict[str, Any]) -> str:
    o = r["overhead"]
    worst = min(o.values(), key=lambda e: e["cpu_ratio"])
    return (
        "Reading it. A request to the bare app already costs a few milliseconds of CPU on this "
        "machine: aiobotocore signs and parses every DynamoDB call, SQLAlchemy runs each "
        "statement through a greenlet and asyncmy, and the timeline's 51-item Query response is "
        "parsed attribute by attribute by botocore (the largest single cost of that endpoint, "
        "in both servers). On top of it Shipdeck runs FastAPI's routing and dependency "
        "resolution (the session, the principal, the membership check), the ORM's identity map "
        "and object loading, pydantic validation of the response models, the request-id and "
        "security-header middleware, and a structured access line. Where the stand-ins on the "
        "other core saturate first, the throughput ratio flatters Shipdeck; the CPU ratio does "
        f"not (lowest: {worst['cpu_ratio']:.2f}). What would raise it: serve the hot reads with "
        "Core queries into plain dicts instead of ORM objects, return `ORJSONResponse`/"
        "pre-serialized bodies instead of validating response models twice, cache the "
        "principal for a few seconds per token, and, for the timeline, ask DynamoDB for fewer "
        "attributes (or parse its JSON directly). Since each process is one vCPU, the "
        "remaining lever is simply more tasks (see [capacity.md](capacity.md)).\n"
    )


def _ai_reading(r: dict[str, Any]) -> str:
    a = r["ai_latency"]
    return (
        f"Reading it. The added time to first token (p50 {a['added_ttft_ms']['p50']:.0f} ms) is "
        "almost entirely the work Shipdeck does before it calls DeepSeek, not the proxying: "
        "the explain endpoint reads the release and checks access (4 SQL statements), builds "
        "the project context (environments, the latest release and deployment of each, the "
        "recent releases: 4 more), scans the last 200 timeline events of the project in "
        "DynamoDB to find the release's own (the botocore parsing of up to 200 items is the "
        "largest single cost), reads the environments again, and checks the token quota with a "
        "consistent read. The goal of a few milliseconds is within reach only for the relay "
        "itself. What would cut the rest: keep a release's events under their own key (or "
        "store their ids on the release) instead of scanning the project's recent timeline; run "
        "the DynamoDB reads (events, quota) concurrently with the SQL ones; read the "
        "environments once. After the first token, Shipdeck re-frames each chunk as it comes; "
        "the time to the last token adds the final bookkeeping (the token charge, an "
        "UpdateItem, before the `done` frame).\n"
    )


def _failfast_reading(r: dict[str, Any]) -> str:
    f = r["failfast"]
    stalled = f["reads"]["stalled"]
    non200 = sum(n for e in stalled.values() for s, n in e["statuses"].items() if s != "200")
    text = (
        "Reading it. With the breaker open, an AI request is authenticated and its release "
        "and access checked (one DynamoDB read, four SQL statements), then refused before any "
        "prompt is built (`DeepSeekClient.check_available`). "
    )
    if non200:
        text += (
            f"While the calls were stalled and the breaker still closed, {non200} reads were "
            "not answered 200: a stall still costs the rest of the API something here; the "
            "figures above say how much. "
        )
    else:
        text += (
            "While the calls were stalled and the breaker still closed, every read was "
            "answered: a stalled AI request holds a DeepSeek bulkhead slot and a coroutine, not "
            "a database connection (the request's transaction ends before the call). "
        )
        ratios = f.get("read_p99_ratio_stalled_vs_normal_trimmed", {})
        if ratios and max(ratios.values()) > 1.10:
            n50 = f["reads"]["normal"]["project_list"]["p50_ms"]
            s50 = f["reads"]["stalled"]["project_list"]["p50_ms"]
            text += (
                f"Their p99 still rose in that phase (up to {max(ratios.values()):.2f} times "
                f"the normal phase's) while the median barely moved ({n50:.0f} → {s50:.0f} ms "
                "for the project list); on a machine this busy one 20 s window can differ "
                "from the next by that much (compare the open phase), so this run neither "
                "shows nor rules out a small cost of the stalled calls; it is counted as "
                "missed. "
            )
    return text + "\n"


def _growth_reading(r: dict[str, Any]) -> str:
    g = r["growth"]
    return (
        "Reading it. A timeline page is one Query on the project's partition with a key "
        "condition (`pk = …`, and `sk < EVENT#<cursor>` for later pages), read backwards with "
        f"`Limit` 51: dynalite read {g['dynamodb_queries']['first_page']['ScannedCount']} items "
        f"for the first page and {g['dynamodb_queries']['middle_page']['ScannedCount']} for one "
        "in the middle of the partition, whatever its size; DynamoDB itself bills and reads "
        "the same way. The project list reads the `(team_id, id)` index range of one team, "
        "already in `id` order (no filesort), after a primary-key lookup of the membership: "
        "other teams' rows are never touched.\n"
    )


# -- capacity.md --------------------------------------------------------------------------------


def capacity(r: dict[str, Any], m: dict[str, Any], machine: str) -> str:
    cap = r["capacity"]
    lines: list[str] = []
    add = lines.append
    add("# Capacity model\n")
    add(
        "How many API tasks a given load needs, what the auto-scaling targets should be, and "
        "what a million requests costs on Fargate — derived from figures measured by `make "
        "bench` (section 5 of the run), not assumed.\n"
    )
    add(machine + "\n")
    add("## What one process serves\n")
    add(
        "Shipdeck runs one uvicorn process per task, and a Python process uses one core at a "
        "time, so requests per process and requests per vCPU are the same figure. The run "
        "measured each hot read at the production log level (**INFO**: one JSON access line a "
        "request, to a file) with wrk, the server pinned to one core, and read the server's "
        "CPU time from `/proc`. The machine is shared, so the server rarely had its core to "
        "itself; requests per CPU-second (1000 ÷ CPU ms per request) is the figure that does "
        "not depend on that.\n"
    )
    add(
        "| Read | req/s measured | server CPU | CPU per request | requests per CPU-second "
        "| MariaDB CPU per request |"
    )
    add("|---|---:|---:|---:|---:|---:|")
    for name, c in cap.items():
        db = c.get("db_cpu_ms_per_request")
        add(
            f"| {NAMES[name]} | {c['requests_per_s']:.0f} | {c['server_cpu']:.0%} | "
            f"{c['cpu_ms_per_request']:.2f} ms | **{1000 / c['cpu_ms_per_request']:.0f}** | "
            f"{f'{db:.2f} ms' if db is not None else '—'} |"
        )
    add("")
    add("```sh")
    add(
        next(iter(cap.values()))["command"] + "   # SHIPDECK_LOG_LEVEL=INFO, one endpoint at a time"
    )
    add("```\n")
    o = r["overhead"]
    warn = sum(e["shipdeck"]["cpu_ms_per_request"] for e in o.values()) / len(o)
    share = 100 * (m["blended_cpu_ms"] - warn) / warn
    logging = (
        f"the access line is {share:.0f} % of the cost"
        if share > 0
        else "more than at INFO in this run, so the access line's cost is below this machine's "
        "run-to-run noise"
    )
    add(
        f"Blended over equal shares of the three reads: **{m['blended_cpu_ms']:.2f} ms of CPU a "
        f"request, {m['per_vcpu']} requests per vCPU-second**. (At WARNING the same reads cost "
        f"{warn:.2f} ms: {logging}.) Writes, streams and sign-in are rarer and heavier: sign-in "
        "pays argon2id (~0.1 to 0.3 s of CPU by design), an AI answer tens of milliseconds "
        "before its first token; budget them separately if they become a large share. The "
        "timeline page costs about twice the others: most of it is botocore parsing the "
        "51-item DynamoDB response, attribute by attribute.\n"
    )
    add("## Tasks for 1 k and 10 k requests/s\n")
    add(
        f"A prod task has 1 vCPU (`infra/shipdeck_infra/config.py`); held at the service's CPU "
        f"target of 60 %, it serves **{m['per_task_at_target']} req/s**.\n"
    )
    add("| Load | Tasks at 60 % CPU | Fits the prod ceiling of 10 tasks? |")
    add("|---|---:|---|")
    for rate, tasks in m["tasks"].items():
        add(f"| {rate:,} req/s | **{tasks}** | {'yes' if tasks <= 10 else 'no'} |")
    add("")
    add(
        f"The prod ceiling of 10 tasks therefore tops out near {m['max_tasks_rate']:,} req/s of "
        "these reads. The API tier scales out linearly (tasks share nothing but the database, "
        "DynamoDB and the outbox relay lock), but the database does not: every read costs "
        "three or four SQL statements plus the pool's pre-ping."
    )
    paragraph = [lines.pop()]
    db_ms = [c.get("db_cpu_ms_per_request") for c in cap.values() if c.get("db_cpu_ms_per_request")]
    if db_ms:
        per_db = sum(db_ms) / len(db_ms)
        paragraph.append(
            f" Measured here, MariaDB spent {per_db:.2f} ms of CPU per request, so 1 k req/s "
            f"needs about {per_db:.1f} database vCPUs busy and 10 k about {per_db * 10:.0f}: "
            "the prod instance (db.t4g.medium, 2 burstable vCPUs) carries the first only with "
            "the headroom of its CPU credits, and not the second. Before 10 k req/s: a larger "
            "instance class or read replicas for the reads, and a short cache of the "
            "principal and membership per token (two of the four statements). (The MariaDB "
            "server was shared with other work during the run, so this is an upper bound.)"
        )
    add("".join(paragraph) + "\n")
    add("## Auto-scaling targets\n")
    add(
        "The service scales on two target-tracking policies (`infra/shipdeck_infra/service.py`, "
        "values in `config.py`): **CPU at 60 %** and **600 requests per target per minute** "
        "(10 req/s per task). Target tracking scales out when any policy asks and in only when "
        "all agree.\n"
    )
    add(
        f"- **CPU 60 %: keep.** It leaves 40 % of a core for bursts while a scale-out (60 s "
        "cooldown, ~90 s for a task to start and pass readiness) catches up, and CPU is what "
        "limits a task.\n"
        f"- **600 requests per target per minute: change.** 10 req/s is "
        f"{m['current_request_target_share']:.0%} of what a task serves at full CPU, so this "
        "policy asks for far more tasks than CPU does: from 100 req/s on it holds the service "
        f"at its ceiling of 10 tasks, where CPU would ask for {-(-100 // m['per_task_at_target'])}"
        ", and it lets the service scale in only when traffic falls below 10 req/s a task. "
        f"Set it to about **{m['requests_target_per_minute']:,.0f}** (60 % of "
        f"{m['per_vcpu']} req/s x 60 s), so both policies agree on the same capacity, or drop "
        "it and scale on CPU alone.\n"
        f"- **Ceiling of 10 tasks:** 1 k req/s needs {m['tasks'][1000]} tasks"
        + (" (within it)" if m["tasks"][1000] <= 10 else " (raise `maxTasks`)")
        + f", 10 k req/s {m['tasks'][10000]} (raise `maxTasks`) and a database sized for it "
        "(above).\n"
    )
    add("## Cost per million requests on Fargate\n")
    add(
        f"Prices from [cost.md](cost.md): $0.04048 per vCPU-hour and $0.004445 per GB-hour. A prod "
        f"task (1 vCPU, 2 GB) costs ${m['task_hour_usd']:.5f} an hour and serves "
        f"{m['per_task_at_target']} req/s at the 60 % target, "
        f"{m['per_task_at_target'] * 3600 / 1e6:.2f} million an hour:\n"
    )
    add("| | USD per million requests |")
    add("|---|---:|")
    add(
        "| Fargate compute, prod task (1 vCPU, 2 GB) at 60 % CPU | "
        f"**{m['per_million_usd']:.3f}** |"
    )
    add(
        "| Fargate compute, dev task (0.5 vCPU, 1 GB; half the CPU, half the requests) | "
        f"{m['per_million_dev_usd']:.3f} |"
    )
    add(
        "| DynamoDB: the session read on every request (0.5 RRU, eventually consistent) | "
        f"{0.5 * 0.125:.4f} |"
    )
    add(
        "| DynamoDB: a timeline page (consistent Query of ~18 KB = 5 RRU), per million pages | "
        f"{5 * 0.125:.3f} |"
    )
    add("")
    add(
        "Fixed monthly costs (the load balancer, NAT, RDS, the two-task floor) dominate at low "
        "traffic — see [cost.md](cost.md); these are the costs that grow with requests. A task "
        "kept at a lower CPU target costs proportionally more per request.\n"
    )
    add("## How to refresh these figures\n")
    add("```sh\nmake bench   # about 15 minutes; rewrites this file and docs/performance.md\n```")
    return "\n".join(lines) + "\n"
