#!/usr/bin/env python3
"""Checks on rules/ beyond `promtool check rules`:

- every recording rule is evaluated by some promql_expr_test in rules/tests/*.test.yml;
- every alert has a firing test (non-empty exp_alerts) and a not-firing test (empty exp_alerts);
- mixtool-style alert lint: CamelCase name with a shared prefix, `for`, severity critical|warning|info, static
  summary (capital first, full stop last), templated description, runbook_url whose anchor exists in
  docs/runbook.md;
- recording rule names follow level:metric:operations.

Usage (repository root): python3 tests/ops/check_rules.py ; exit 1 with one line per problem.
"""

import glob
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULE_FILES = sorted(glob.glob(os.path.join(ROOT, "rules", "*.yml")))
TEST_FILES = sorted(glob.glob(os.path.join(ROOT, "rules", "tests", "*.test.yml")))
RUNBOOK = os.path.join(ROOT, "docs", "runbook.md")
ALERT_PREFIXES = ("AWSLoadBalancer", "CloudWatchExporter")
LEGACY_RECORDS = {"kube_service_request_count", "kube_service_latency_seconds"}


def github_anchor(heading: str) -> str:
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def main() -> int:
    problems = []
    records, alerts = [], []
    # Nothing to check must fail, not pass: no rule files, a file without groups, a group without rules.
    if not RULE_FILES:
        problems.append("no rule files match rules/*.yml")
    if not TEST_FILES:
        problems.append("no rule tests match rules/tests/*.test.yml")
    for path in RULE_FILES:
        doc = yaml.safe_load(open(path, encoding="utf-8")) or {}
        groups = doc.get("groups") or []
        if not groups:
            problems.append(f"{os.path.relpath(path, ROOT)}: no rule groups")
        for group in groups:
            if not group.get("rules"):
                problems.append(f"{os.path.relpath(path, ROOT)}: group {group.get('name')!r} has no rules")
            for rule in group.get("rules") or []:
                (records if "record" in rule else alerts).append(rule)
    if not records:
        problems.append("no recording rules found in rules/*.yml")
    if not alerts:
        problems.append("no alerts found in rules/*.yml")

    anchors = set()
    if os.path.exists(RUNBOOK):
        for line in open(RUNBOOK, encoding="utf-8"):
            m = re.match(r"#{1,6}\s+(.*)", line)
            if m:
                anchors.add(github_anchor(m.group(1)))
    else:
        problems.append("docs/runbook.md is missing")

    exprs, firing, quiet = [], set(), set()
    for path in TEST_FILES:
        doc = yaml.safe_load(open(path, encoding="utf-8")) or {}
        if not doc.get("tests"):
            problems.append(f"{os.path.relpath(path, ROOT)}: no tests")
        for test in doc.get("tests") or []:
            exprs.extend(t["expr"] for t in test.get("promql_expr_test", []) or [])
            for t in test.get("alert_rule_test", []) or []:
                (firing if t.get("exp_alerts") else quiet).add(t["alertname"])

    for rule in records:
        name = rule["record"]
        if name not in LEGACY_RECORDS and not re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", name):
            problems.append(f"recording rule {name}: name is not level:metric:operations")
        pattern = re.compile(r"(?<![\w:])" + re.escape(name) + r"(?![\w:])")
        if not any(pattern.search(e) for e in exprs):
            problems.append(f"recording rule {name}: no promql_expr_test evaluates it")

    for rule in alerts:
        name = rule["alert"]
        ann = rule.get("annotations", {})
        labels = rule.get("labels", {})
        if not re.fullmatch(r"([A-Z]+[a-z0-9]+)+", name) or not name.startswith(ALERT_PREFIXES):
            problems.append(f"alert {name}: not CamelCase with prefix {' or '.join(ALERT_PREFIXES)}")
        if "for" not in rule:
            problems.append(f"alert {name}: no `for`")
        if labels.get("severity") not in ("critical", "warning", "info"):
            problems.append(f"alert {name}: severity must be critical, warning or info")
        summary = ann.get("summary", "")
        if not summary or "{{" in summary or not summary[0].isupper() or not summary.endswith("."):
            problems.append(f"alert {name}: summary must be static, start with a capital and end with a full stop")
        if "{{" not in ann.get("description", ""):
            problems.append(f"alert {name}: description must be templated")
        url = ann.get("runbook_url", "")
        if not url.startswith("docs/runbook.md#"):
            problems.append(f"alert {name}: runbook_url must point at docs/runbook.md#<anchor>")
        elif url.split("#", 1)[1] not in anchors:
            problems.append(f"alert {name}: docs/runbook.md has no heading for #{url.split('#', 1)[1]}")
        if name not in firing:
            problems.append(f"alert {name}: no test where it fires")
        if name not in quiet:
            problems.append(f"alert {name}: no test where it must not fire")

    for p in problems:
        print(p)
    print(f"check_rules: {len(records)} recording rules, {len(alerts)} alerts, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
