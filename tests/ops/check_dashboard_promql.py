#!/usr/bin/env python3
"""Parse every dashboard query with the real PromQL parser: write them into a throwaway rule file (Grafana's
$__rate_interval replaced by 5m, other $variables sit inside matcher strings) and run `promtool check rules`.

Usage (repository root): python3 tests/ops/check_dashboard_promql.py [promtool]
"""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def queries(dashboard: dict):
    for v in (dashboard.get("templating") or {}).get("list", []):
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if v.get("type") != "query" or not isinstance(q, str):
            continue
        m = re.fullmatch(r"label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\)", q.strip(), re.S)
        if m:
            yield f"variable {v.get('name')}", m.group(1)
        m = re.fullmatch(r"query_result\((.*)\)", q.strip(), re.S)
        if m:
            yield f"variable {v.get('name')}", m.group(1)
    stack = list(dashboard.get("panels", []))
    while stack:
        p = stack.pop(0)
        stack.extend(p.get("panels", []) or [])
        for t in p.get("targets", []) or []:
            if t.get("expr"):
                yield f"panel {p.get('title')!r} target {t.get('refId')}", t["expr"]


def main(argv):
    promtool = argv[0] if argv else "promtool"
    rules, where, empty = [], [], []
    paths = sorted(glob.glob(os.path.join(ROOT, "dashboards", "*.json")))
    for path in paths:
        found = list(queries(json.load(open(path, encoding="utf-8"))))
        if not found:
            empty.append(os.path.basename(path))
        for label, expr in found:
            expr = re.sub(r"\$\{?__(rate_interval|interval|range)\}?", "5m", expr)
            rules.append({"record": f"dashboard_query_{len(rules)}", "expr": expr})
            where.append(f"{os.path.basename(path)}: {label}")
    # Nothing to parse must fail: promtool accepts a group without rules.
    if not paths:
        print("check_dashboard_promql: no dashboards match dashboards/*.json")
        return 1
    if empty:
        print(f"check_dashboard_promql: no queries in {', '.join(empty)}")
        return 1
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
        yaml.safe_dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, fh)
        tmp = fh.name
    try:
        result = subprocess.run([promtool, "check", "rules", tmp], capture_output=True, text=True)
    finally:
        os.unlink(tmp)
    if result.returncode != 0:
        out = result.stdout + result.stderr
        for m in re.finditer(r"group \"dashboard-queries\", rule (\d+)", out):
            print("  in " + where[int(m.group(1)) - 1])
        print(out)
        return 1
    print(f"check_dashboard_promql: {len(rules)} queries parse")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
