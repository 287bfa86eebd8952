#!/usr/bin/env python3
"""Every CloudWatch family the rules and dashboards read is produced by a shipped config.

A rule or panel that reads an `aws_*` family no config in config/ collects stays empty, or worse: the 5xx ratios read
an absent 5xx series as "no errors" and show 0 %. This check
  (a) derives the families each config produces, named exactly as cloudwatch_exporter names them (mirrors
      Sources/ScrapePipeline/MetricNaming.swift; /work/shared/docs/cloudwatch_exporter.md §3.1-3.2):
      safeName(lowercase(namespace) + "_" + snakeCase(metric)) [+ "_index"] + the statistic suffix;
  (b) extracts every `aws_*` family read by every rule expression in rules/*.yml and every dashboard query
      (panel targets and query variables, the same set tests/ops/check_dashboard_promql.py parses), following
      recorded series (e.g. `namespace_service:aws_elb_latency:mean`) and `{__name__=~"..."}` matchers through
      the recording rules to the raw families they read;
  (c) fails, naming the rule or panel and the missing family, when no config produces it.

Not counted as producing anything: config/migration-from-tag-pusher.yml (the migration example; coverage must not
depend on it), config/multi-region.yml (the two-rule `regions` example, likewise) and config/reference.yml (documents
every key; its rules select one example load balancer).
Families the exporter emits itself (`aws_elb_tags`, `aws_elb_target_group_info`, `aws_resource_info`, README
"Metrics") need no config.
No configs, no rules, no dashboard queries or no `aws_*` reference at all is a failure, not a pass.

Usage (repository root): python3 tests/ops/check_config_coverage.py [--root DIR]
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

from check_dashboard_promql import queries as dashboard_queries  # noqa: E402

NOT_FOR_COVERAGE = {"migration-from-tag-pusher.yml", "multi-region.yml", "reference.yml"}
# Not an exporter config at all: the --web.config.file example (TLS, basic auth), checked by promtool.
NOT_EXPORTER_CONFIGS = {"web-config.yml"}
EXPORTER_OWN = {"aws_elb_tags", "aws_elb_target_group_info", "aws_resource_info"}
STANDARD_STATISTICS = ["Sum", "SampleCount", "Minimum", "Maximum", "Average"]
DYNAMO_INDEX_METRICS = {
    "ConsumedReadCapacityUnits", "ConsumedWriteCapacityUnits", "ProvisionedReadCapacityUnits",
    "ProvisionedWriteCapacityUnits", "ReadThrottleEvents", "WriteThrottleEvents",
}


# ---------------------------------------------------------------- (a) cloudwatch_exporter's naming
def snake_case(text: str) -> str:
    """`([a-z0-9])([A-Z])` -> `$1_$2`, then lowercase (ASCII only): RequestCount -> request_count."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()


def safe_name(text: str) -> str:
    """Keep [a-zA-Z0-9:_], anything else -> `_`, then collapse runs of `_`."""
    return re.sub(r"__+", "_", re.sub(r"[^a-zA-Z0-9:_]", "_", text))


def base_name(rule: dict) -> str:
    namespace, metric = rule["aws_namespace"], rule["aws_metric_name"]
    name = safe_name(namespace.lower() + "_" + snake_case(metric))
    if (namespace == "AWS/DynamoDB" and "GlobalSecondaryIndexName" in (rule.get("aws_dimensions") or [])
            and metric in DYNAMO_INDEX_METRICS):
        name += "_index"
    return name


def statistic_suffix(statistic: str) -> str:
    standard = {"Sum": "_sum", "SampleCount": "_sample_count", "Minimum": "_minimum", "Maximum": "_maximum",
                "Average": "_average"}
    return standard.get(statistic) or "_" + safe_name(snake_case(statistic))


def rule_statistics(rule: dict) -> list[str]:
    """aws_statistics, default all five unless aws_extended_statistics is set; then the extended ones."""
    stats = rule.get("aws_statistics")
    if stats is None:
        stats = [] if rule.get("aws_extended_statistics") is not None else STANDARD_STATISTICS
    return list(stats) + list(rule.get("aws_extended_statistics") or [])


def config_families(config: dict, where: str, problems: list[str]) -> dict[str, str]:
    """family -> "file: metric rule" for one config; also reports a family produced twice for the same dimension
    set. The same family for two different dimension sets (RequestCount per [LoadBalancer] and per [TargetGroup,
    LoadBalancer]) is one family to cloudwatch-tag-exporter, which merges families by name (README, compatibility
    difference 2); the series differ by their dimension labels."""
    produced: dict[str, str] = {}
    dimension_sets: dict[tuple[str, frozenset], str] = {}
    metrics = config.get("metrics") if isinstance(config, dict) else None
    if not isinstance(metrics, list):
        problems.append(f"{where}: no `metrics` list")
        return produced
    for i, rule in enumerate(metrics):
        label = f"{where}: metrics[{i}]"
        if not isinstance(rule, dict) or not rule.get("aws_namespace") or not rule.get("aws_metric_name"):
            problems.append(f"{label}: needs aws_namespace and aws_metric_name")
            continue
        label += f" ({rule['aws_namespace']} {rule['aws_metric_name']})"
        if "aws_dimension_select" in rule and "aws_dimension_select_regex" in rule:
            problems.append(f"{label}: aws_dimension_select and aws_dimension_select_regex together")
        for stat in rule.get("aws_statistics") or []:
            if stat not in STANDARD_STATISTICS:
                problems.append(f"{label}: unknown statistic {stat!r} (case-sensitive: {STANDARD_STATISTICS})")
        stats = rule_statistics(rule)
        if not stats:
            problems.append(f"{label}: no statistic")
        dimensions = frozenset(rule.get("aws_dimensions") or [])
        for stat in stats:
            family = base_name(rule) + statistic_suffix(stat)
            key = (family, dimensions)
            if key in dimension_sets:
                # The same series twice: cloudwatch_exporter emits a second HELP line and Prometheus rejects the
                # scrape (issues #18, #65); cloudwatch-tag-exporter warns and keeps one.
                problems.append(f"{label}: {family} already produced by {dimension_sets[key]} for the same "
                                f"dimensions {sorted(dimensions)}")
            dimension_sets[key] = label
            produced.setdefault(family, label)
    return produced


# ---------------------------------------------------------------- (b) names read by a PromQL expression
STRING = r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`'
NAME_MATCHER = re.compile(r"__name__\s*(=~|!~|!=|=)\s*(" + STRING + ")")
GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"(?<![\w:.])[a-zA-Z_:][\w:]*")


def expression_names(expr: str) -> tuple[set[str], set[str]]:
    """(metric names, positive `__name__` regexes) an expression selects. Label names, label values, grouping
    labels and durations are not metric names; function names and keywords never start with `aws_` or contain
    `:`, and the caller only looks at names it knows (raw families, recorded series)."""
    names, regexes = set(), set()
    for op, literal in NAME_MATCHER.findall(expr):
        value = literal[1:-1]
        if op == "=":
            names.add(value)
        elif op == "=~":
            regexes.add(value)
    stripped = re.sub(STRING, '""', expr)
    stripped = re.sub(r"\{[^}]*\}", " ", stripped)
    stripped = re.sub(r"\[[^\]]*\]", " ", stripped)
    stripped = GROUPING.sub(" ", stripped)
    names.update(IDENTIFIER.findall(stripped))
    return names, regexes


# ---------------------------------------------------------------- loading
def load_configs(root: str, problems: list[str]) -> tuple[dict[str, str], list[str]]:
    produced: dict[str, str] = {}
    used = []
    for path in sorted(glob.glob(os.path.join(root, "config", "*.yml"))):
        if os.path.basename(path) in NOT_FOR_COVERAGE | NOT_EXPORTER_CONFIGS:
            continue
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as fh:
            families = config_families(yaml.safe_load(fh), rel, problems)
        used.append(os.path.basename(path))
        for family, where in families.items():
            produced.setdefault(family, where)
    return produced, used


def load_rules(root: str) -> list[tuple[str, str, str | None, str]]:
    """(file, "record X" / "alert Y", recorded name or None, expr) for every rule in rules/*.yml."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "rules", "*.yml"))):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as fh:
            doc = yaml.safe_load(fh) or {}
        for group in doc.get("groups") or []:
            for rule in group.get("rules") or []:
                if "record" in rule:
                    out.append((rel, f"record {rule['record']}", rule["record"], str(rule.get("expr", ""))))
                elif "alert" in rule:
                    out.append((rel, f"alert {rule['alert']}", None, str(rule.get("expr", ""))))
    return out


def load_dashboard_queries(root: str) -> list[tuple[str, str, str]]:
    out = []
    for path in sorted(glob.glob(os.path.join(root, "dashboards", "*.json"))):
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as fh:
            for label, expr in dashboard_queries(json.load(fh)):
                out.append((rel, label, expr))
    return out


# ---------------------------------------------------------------- (c) the check
def check(root: str) -> tuple[list[str], str]:
    problems: list[str] = []
    produced, configs = load_configs(root, problems)
    rules = load_rules(root)
    panels = load_dashboard_queries(root)
    if not configs:
        problems.append(f"no config in {os.path.join(root, 'config')} (besides {sorted(NOT_FOR_COVERAGE)})")
    elif not produced:
        problems.append(f"the configs {configs} produce no family")
    if not rules:
        problems.append(f"no rule in {os.path.join(root, 'rules', '*.yml')}")
    if not panels:
        problems.append(f"no dashboard query in {os.path.join(root, 'dashboards', '*.json')}")

    recorded: dict[str, list[str]] = {}
    for _, _, name, expr in rules:
        if name:
            recorded.setdefault(name, []).append(expr)
    known = set(recorded) | set(produced) | EXPORTER_OWN

    def direct_reads(expr: str, where: str) -> set[str]:
        names, regexes = expression_names(expr)
        reads = {n for n in names if n in recorded or n.startswith("aws_")}
        for rx in regexes:
            try:
                matched = {n for n in known if re.fullmatch(rx, n)}
            except re.error as err:
                problems.append(f"{where}: bad __name__ regex {rx!r}: {err}")
                continue
            if not matched and "aws_" in rx:
                problems.append(f"{where}: __name__=~{rx!r} matches no recorded series and no produced family")
            reads |= matched
        unknown = {n for n in names if ":" in n and "aws_" in n and n not in recorded}
        for name in sorted(unknown):
            problems.append(f"{where}: reads {name}, which no rule in rules/ records")
        return reads

    def raw_families(expr: str, where: str, seen: frozenset = frozenset()) -> dict[str, list[str]]:
        """raw aws_* family -> the chain of recorded series it is read through."""
        out: dict[str, list[str]] = {}
        for name in sorted(direct_reads(expr, where)):
            if name in recorded:
                if name in seen:
                    continue
                for sub in recorded[name]:
                    for family, chain in raw_families(sub, where, seen | {name}).items():
                        out.setdefault(family, [name] + chain)
            elif name.startswith("aws_"):
                out.setdefault(name, [])
        return out

    reads_any = set()
    sources = [(f, label, expr) for f, label, _, expr in rules] + panels
    for path, label, expr in sources:
        where = f"{path}: {label}"
        for family, chain in sorted(raw_families(expr, where).items()):
            reads_any.add(family)
            if family in EXPORTER_OWN or family in produced:
                continue
            via = f" (via {' -> '.join(chain)})" if chain else ""
            problems.append(f"{where} reads {family}{via}, which no config produces ({', '.join(configs)})")
    if rules and panels and not reads_any:
        problems.append("no rule or dashboard query reads an aws_* family: the extraction is broken")
    summary = (f"check_config_coverage: {len(rules)} rules and {len(panels)} dashboard queries read "
               f"{len(reads_any - EXPORTER_OWN)} CloudWatch families; {len(configs)} configs ({', '.join(configs)}) "
               f"produce {len(produced)}")
    return problems, summary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", default=ROOT, help="repository root (config/, rules/, dashboards/)")
    args = parser.parse_args(argv)
    problems, summary = check(args.root)
    for p in problems:
        print(p)
    if problems:
        print(f"check_config_coverage: {len(problems)} problem(s)")
        return 1
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
