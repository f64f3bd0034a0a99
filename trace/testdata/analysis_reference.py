#!/usr/bin/env python3
"""Where a torch trace's GPU time went, computed the obvious way (load the
whole trace, then pandas-free loops), independently of the Go code, to
check trace.Analysis. Definitions: HTA's, at µs precision without rounding
(timestamps are offsets from the first kept one), as docs/architecture.md
and trace/analysis.go state them.

usage: analysis_reference.py TRACE  (prints JSON)
"""
import gzip
import json
import sys

CPU_CATS = {"cpu_op", "user_annotation", "python_function", "cpu_instant_event", "ac2g", "fwdbwd", "Trace"}
TYPES = ["COMPUTATION", "COMMUNICATION", "MEMORY", "OTHER"]


def kernel_type(name, sync):
    n = name[3:] if name.startswith("hip") else name
    if n.startswith("Memcpy") or n.startswith("Memset") or name.startswith("dma"):
        return "MEMORY"
    if name.startswith(("nccl", "hip", "hccl")) or "ncclKernel" in name:
        return "COMMUNICATION"
    if sync or any(w in name for w in ("Memcpy", "Memset", "dma", "Sync")):
        return "OTHER"
    return "COMPUTATION"


def as_int(v):
    if isinstance(v, bool) or v is None or isinstance(v, (str, list, dict)):
        return None
    f = float(v)
    return int(f) if f == int(f) else None


def union(ivs):
    out = []
    for s, e in sorted(ivs):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def length(u):
    return sum(e - s for s, e in u)


def inter(x, y):
    total, i, j = 0.0, 0, 0
    while i < len(x) and j < len(y):
        lo, hi = max(x[i][0], y[j][0]), min(x[i][1], y[j][1])
        if hi > lo:
            total += hi - lo
        if x[i][1] < y[j][1]:
            i += 1
        else:
            j += 1
    return total


def quantile(v, q):
    if not v:
        return 0.0
    pos = q * (len(v) - 1)
    lo = int(pos)
    if lo + 1 >= len(v):
        return v[-1]
    return v[lo] + (v[lo + 1] - v[lo]) * (pos - lo)


def main():
    path = sys.argv[1]
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        doc = json.load(f)
    events = doc["traceEvents"] if isinstance(doc, dict) else doc
    base = None
    gpu, launches, steps = [], {}, []
    for e in events:
        if not isinstance(e, dict) or e.get("ph") != "X" or "ts" not in e:
            continue
        cat = e.get("cat")
        args = e.get("args") if cat not in CPU_CATS and isinstance(e.get("args"), dict) else {}
        stream, corr = as_int(args.get("stream")), as_int(args.get("correlation"))
        name = e.get("name") if isinstance(e.get("name"), str) else ""
        is_step = name.startswith("ProfilerStep#")
        if stream is None and corr is None and not is_step:
            continue
        ts = float(e["ts"])
        if base is None:
            base = ts
        start = ts - base
        end = start + float(e.get("dur", 0))
        if stream is not None and stream != -1:
            sync = cat == "cuda_sync"
            gpu.append(dict(start=start, end=end, stream=stream, corr=corr, type=kernel_type(name, sync),
                            sync=sync, kernel=cat == "kernel"))
        elif corr is not None:
            launches[corr] = dict(start=start, end=end, api=name)
        if is_step:
            steps.append(start)
    cut = max(steps) if len(steps) >= 2 else None
    if cut is not None:
        gpu = [g for g in gpu if g["start"] < cut and g["corr"] in launches and launches[g["corr"]]["start"] < cut]
    out = {"events": len(gpu)}
    if not gpu:
        print(json.dumps(out))
        return
    first, last = min(g["start"] for g in gpu), max(g["end"] for g in gpu)
    span = last - first
    every = union([(g["start"], g["end"]) for g in gpu])
    per_type = {t: union([(g["start"], g["end"]) for g in gpu if g["type"] == t]) for t in TYPES}
    sync = union([(g["start"], g["end"]) for g in gpu if g["sync"]])
    idle = span - length(every)
    compute = length(per_type["COMPUTATION"])
    sync_us = length(sync) - inter(sync, per_type["COMPUTATION"])
    out["temporal"] = {"span_us": span, "idle_us": idle, "compute_us": compute, "sync_us": sync_us,
                       "non_compute_us": span - compute - idle - sync_us}
    out["kernel_types"] = {t: length(per_type[t]) for t in TYPES}
    comm = length(per_type["COMMUNICATION"])
    out["comm_comp_overlap_pct"] = (100 * inter(per_type["COMMUNICATION"], per_type["COMPUTATION"]) / comm) if comm > 0 else None
    streams = {}
    for g in sorted(gpu, key=lambda g: (g["start"], g["end"])):
        streams.setdefault(g["stream"], []).append(g)
    idle_by = []
    for s in sorted(streams):
        evs = streams[s]
        host = kern = other = 0.0
        gaps = []
        for prev, nxt in zip(evs, evs[1:]):
            gap = nxt["start"] - prev["end"]
            if gap <= 0:
                continue
            gaps.append(gap)
            launch = launches.get(nxt["corr"])
            if launch is not None and launch["start"] > prev["end"]:
                host += gap
            elif gap < 30:
                kern += gap
            else:
                other += gap
        gaps.sort()
        idle_by.append({"stream": s, "host_wait_us": host, "kernel_wait_us": kern, "other_us": other,
                        "gaps": len(gaps), "gap_median_us": quantile(gaps, 0.5), "gap_p90_us": quantile(gaps, 0.9)})
    out["idle_by_stream"] = idle_by
    per_launch = {}
    for g in gpu:
        if g["corr"] in launches:
            p = per_launch.setdefault(g["corr"], [g["start"], 0, 0])
            p[0] = min(p[0], g["start"])
            p[1] += 1
            p[2] += g["kernel"]
    delays = sorted(p[0] - launches[c]["end"] for c, p in per_launch.items())
    apis = {}
    graph = []
    for c, p in per_launch.items():
        api = launches[c]["api"]
        a = apis.setdefault(api, [0, 0])
        a[0] += 1
        a[1] += p[2]
        if api in ("cudaGraphLaunch", "cuGraphLaunch"):
            graph.append(p[2])
    graph.sort()
    out["launches"] = {"launches": len(per_launch), "delay_median_us": quantile(delays, 0.5),
                       "delay_p90_us": quantile(delays, 0.9),
                       "apis": {k: {"launches": v[0], "kernels": v[1]} for k, v in apis.items()},
                       "graph_launches": len(graph), "graph_kernels": sum(graph)}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
