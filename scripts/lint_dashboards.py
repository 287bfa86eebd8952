#!/usr/bin/env python3
"""Offline checker for Grafana dashboards, after grafana/dashboard-linter's rules.

grafana/dashboard-linter is a Go binary that is neither in Debian nor on PyPI, so this implements its rule table
(docs/style_and_ops.md B2) for classic JSON dashboards with Prometheus queries:

  template-datasource-rule, template-job-rule, template-instance-rule, template-label-promql-rule,
  template-on-time-change-reload-rule, panel-datasource-rule, panel-title-description-rule, panel-units-rule,
  panel-no-targets-rule, target-promql-rule, target-rate-interval-rule, target-job-rule, target-instance-rule,
  target-counter-agg-rule, uneditable-dashboard (plus dashboard-uid-rule from mixtool, and dashboard-no-panels-rule:
  a dashboard with no query panel has nothing to lint and fails rather than passes).

target-promql-rule is a light parse check (lexing, balanced brackets, known functions, selectors and matchers),
not a full PromQL parser; the end-to-end tests run every query through a real Prometheus.

Exclusions come from a `.lint` file in the dashboard's directory, in dashboard-linter's format:

  exclusions:
    target-job-rule:
      reason: why
      entries:                      # optional; without entries the rule is excluded everywhere
        - dashboard: <dashboard title>
          panel: <panel title>      # optional
  warnings:
    template-instance-rule:         # reported, but does not fail

Usage: lint_dashboards.py [FILE_OR_DIR ...]   (default: dashboards/). Exit status 1 when any error remains.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass

import yaml

# --------------------------------------------------------------------------------------------------- PromQL lexing

FUNCTIONS = {
    "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
    "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "day_of_month",
    "day_of_week", "day_of_year", "days_in_month", "deg", "delta", "deriv", "exp", "floor", "histogram_count",
    "histogram_fraction", "histogram_quantile", "histogram_sum", "holt_winters", "hour", "idelta", "increase",
    "irate", "label_join", "label_replace", "last_over_time", "ln", "log10", "log2", "max_over_time",
    "min_over_time", "minute", "month", "pi", "predict_linear", "present_over_time", "quantile_over_time", "rad",
    "rate", "resets", "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time",
    "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
}
AGGREGATIONS = {
    "sum", "avg", "count", "min", "max", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
}
LABEL_LIST_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS = {"bool", "offset", "and", "or", "unless", "atan2"} | LABEL_LIST_KEYWORDS
RATE_FUNCTIONS = {"rate", "irate", "increase"}

TOKEN_RE = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<var>\$(?:\{[A-Za-z0-9_:.]+\}|[A-Za-z_][A-Za-z0-9_]*)|\[\[[A-Za-z0-9_]+\]\])
  | (?P<duration>(?:\d+(?:ms|s|m|h|d|w|y))+)
  | (?P<number>0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=,:@])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
    """,
    re.VERBOSE,
)
PAIRS = {"(": ")", "[": "]", "{": "}"}


@dataclass
class Token:
    kind: str
    text: str
    pos: int


def tokenize(expr: str) -> list[Token]:
    tokens, pos = [], 0
    while pos < len(expr):
        m = TOKEN_RE.match(expr, pos)
        if not m:
            snippet = expr[pos:pos + 10]
            if expr[pos] in "\"'`":
                raise ValueError(f"unterminated string at offset {pos}: {snippet!r}")
            raise ValueError(f"unexpected character at offset {pos}: {snippet!r}")
        kind = m.lastgroup
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), pos))
        pos = m.end()
    return tokens


@dataclass
class Selector:
    metric: str | None
    matchers: dict[str, tuple[str, str]]  # label -> (op, value without quotes)
    frames: list[str]  # enclosing function / aggregation names, innermost last
    range_text: str | None  # text inside the following [...] if any


@dataclass
class Analysis:
    selectors: list[Selector]
    ranges: list[tuple[str, list[str]]]  # (range text, enclosing frames)


def analyse(expr: str) -> Analysis:
    """Lex and structurally check a PromQL expression. Raises ValueError with a readable message."""
    if not expr.strip():
        raise ValueError("empty expression")
    tokens = tokenize(expr)
    stack: list[tuple[str, str | None]] = []  # (open char, frame name or "labels" or None)
    selectors: list[Selector] = []
    ranges: list[tuple[str, list[str]]] = []
    i = 0
    last_selector: Selector | None = None

    def frames() -> list[str]:
        return [name for _, name in stack if name and name != "labels"]

    while i < len(tokens):
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if tok.kind == "ident":
            name = tok.text
            if nxt is not None and nxt.text == "(" and name not in KEYWORDS:
                if name not in FUNCTIONS and name not in AGGREGATIONS:
                    raise ValueError(f"unknown function {name!r}")
                stack.append(("(", name))
                i += 2
                continue
            if name in AGGREGATIONS and nxt is not None and nxt.text in ("by", "without"):
                # `sum by (l) (expr)`: the label list comes first, the aggregation's own parens after it.
                pending_agg = name
                i += 1
                lbl = tokens[i + 1] if i + 1 < len(tokens) else None
                if lbl is None or lbl.text != "(":
                    raise ValueError(f"expected '(' after {nxt.text!r}")
                close = _skip_label_list(tokens, i + 1)
                after = tokens[close + 1] if close + 1 < len(tokens) else None
                if after is None or after.text != "(":
                    raise ValueError(f"expected '(' after the label list of {pending_agg!r}")
                stack.append(("(", pending_agg))
                i = close + 2
                continue
            if name in LABEL_LIST_KEYWORDS:
                if nxt is not None and nxt.text == "(":
                    i = _skip_label_list(tokens, i + 1) + 1
                    continue
                if name in ("group_left", "group_right"):
                    i += 1
                    continue
                raise ValueError(f"expected '(' after {name!r}")
            if name in KEYWORDS or name.lower() in ("inf", "nan"):
                i += 1
                continue
            # A metric name, optionally followed by matchers.
            sel = Selector(name, {}, frames(), None)
            i += 1
            if i < len(tokens) and tokens[i].text == "{":
                i = _parse_matchers(tokens, i, sel)
            selectors.append(sel)
            last_selector = sel
            continue
        if tok.text == "{":
            sel = Selector(None, {}, frames(), None)
            i = _parse_matchers(tokens, i, sel)
            if "__name__" in sel.matchers and sel.matchers["__name__"][0] == "=":
                sel.metric = sel.matchers["__name__"][1]
            if not sel.matchers:
                raise ValueError("a selector needs a metric name or at least one matcher")
            selectors.append(sel)
            last_selector = sel
            continue
        if tok.text == "[":
            j = i + 1
            parts = []
            while j < len(tokens) and tokens[j].text != "]":
                if tokens[j].text in "([{":
                    raise ValueError("unexpected bracket inside a range")
                parts.append(tokens[j].text)
                j += 1
            if j >= len(tokens):
                raise ValueError("unclosed '['")
            text = "".join(parts)
            if not text:
                raise ValueError("empty range '[]'")
            if not re.fullmatch(r"(?:[0-9a-z]+|\$\{?[A-Za-z_]+\}?)(?::(?:[0-9a-z]+|\$\{?[A-Za-z_]+\}?)?)?", text):
                raise ValueError(f"invalid range [{text}]")
            ranges.append((text, frames()))
            if last_selector is not None and last_selector.range_text is None:
                last_selector.range_text = text
            i = j + 1
            continue
        if tok.kind == "open":
            stack.append((tok.text, None))
        elif tok.kind == "close":
            if not stack:
                raise ValueError(f"unbalanced {tok.text!r} at offset {tok.pos}")
            opened, _ = stack.pop()
            if PAIRS[opened] != tok.text:
                raise ValueError(f"mismatched {opened!r} and {tok.text!r} at offset {tok.pos}")
        i += 1
    if stack:
        raise ValueError(f"unclosed {stack[-1][0]!r}")
    if tokens and (tokens[-1].kind == "op" and tokens[-1].text not in (")",)):
        raise ValueError(f"expression ends with operator {tokens[-1].text!r}")
    return Analysis(selectors, ranges)


def _skip_label_list(tokens: list[Token], open_index: int) -> int:
    """Index of the ')' closing the label list that opens at open_index."""
    j = open_index + 1
    while j < len(tokens) and tokens[j].text != ")":
        if tokens[j].kind not in ("ident",) and tokens[j].text != ",":
            raise ValueError(f"invalid label list near {tokens[j].text!r}")
        j += 1
    if j >= len(tokens):
        raise ValueError("unclosed label list")
    return j


def _parse_matchers(tokens: list[Token], open_index: int, sel: Selector) -> int:
    j = open_index + 1
    while j < len(tokens) and tokens[j].text != "}":
        if tokens[j].text == ",":
            j += 1
            continue
        if j + 2 >= len(tokens):
            raise ValueError("unclosed '{'")
        label, op, value = tokens[j], tokens[j + 1], tokens[j + 2]
        if label.kind != "ident" or op.text not in ("=", "!=", "=~", "!~") or value.kind != "string":
            raise ValueError(f"invalid label matcher near {label.text!r}")
        sel.matchers.setdefault(label.text, (op.text, value.text[1:-1]))
        j += 3
    if j >= len(tokens):
        raise ValueError("unclosed '{'")
    return j + 1


# --------------------------------------------------------------------------------------------------- the rules

VALID_UNITS = {
    "none", "short", "percent", "percentunit", "humidity", "dB", "hex0x", "hex", "sci", "locale", "pixel",
    "bytes", "decbytes", "bits", "decbits", "kbytes", "mbytes", "gbytes", "Bps", "binBps", "bps", "binbps",
    "KBs", "MBs", "GBs", "pps", "reqps", "rps", "wps", "iops", "opm", "rpm", "wpm", "cps", "ops", "ns", "µs",
    "ms", "s", "m", "h", "d", "dtdurationms", "dtdurations", "dtdhms", "timeticks", "clockms", "clocks",
    "currencyUSD", "currencyEUR", "currencyGBP", "bool", "bool_yes_no", "bool_on_off", "dateTimeAsIso",
    "dateTimeFromNow", "string", "count", "percent", "packets",
}
UNIT_PANELS = {"stat", "singlestat", "graph", "table", "timeseries", "gauge"}
DATASOURCE_PANELS = {"timeseries", "graph", "table", "singlestat", "stat", "gauge", "bargauge"}
NO_TARGET_PANELS = {"row", "text", "news", "dashlist"}
DS_REFS = {"$datasource", "${datasource}"}


@dataclass
class Finding:
    rule: str
    dashboard: str
    panel: str | None
    message: str
    severity: str = "error"


def _ds_uid(ds) -> str | None:
    if isinstance(ds, str):
        return ds
    if isinstance(ds, dict):
        return ds.get("uid")
    return None


def all_panels(dashboard: dict) -> list[dict]:
    out = []
    for panel in dashboard.get("panels", []) or []:
        out.append(panel)
        out.extend(panel.get("panels", []) or [])  # collapsed rows
    return out


def lint_dashboard(d: dict) -> list[Finding]:
    title = d.get("title") or "<untitled>"
    f: list[Finding] = []

    def add(rule, message, panel=None, severity="error"):
        f.append(Finding(rule, title, panel, message, severity))

    if not d.get("uid"):
        add("dashboard-uid-rule", "dashboard has no uid; set a stable one so links and provisioning keep working")
    if d.get("editable") is not False:
        add("uneditable-dashboard", "dashboard must set \"editable\": false")

    variables = (d.get("templating") or {}).get("list") or []
    by_name = {v.get("name"): v for v in variables}
    ds_vars = [v for v in variables if v.get("type") == "datasource"]
    if len(ds_vars) != 1:
        add("template-datasource-rule", f"expected exactly one datasource variable, found {len(ds_vars)}")
    for v in ds_vars:
        name = v.get("name", "")
        expected = "datasource" if name == "datasource" else None
        if name != "datasource" and not name.endswith("_datasource"):
            add("template-datasource-rule", f"datasource variable is named {name!r}, expected 'datasource'")
        if v.get("query") != "prometheus":
            add("template-datasource-rule", f"datasource variable {name!r} must query type 'prometheus'")
        if expected and v.get("label") != "Data source":
            add("template-datasource-rule", f"datasource variable label is {v.get('label')!r}, expected "
                "'Data source'", severity="warning")

    for var_name in ("job", "instance"):
        rule = f"template-{var_name}-rule"
        v = by_name.get(var_name)
        if v is None:
            add(rule, f"missing template variable {var_name!r}")
            continue
        if v.get("type") != "query":
            add(rule, f"variable {var_name!r} must be a query variable")
        if v.get("label") != var_name:
            add(rule, f"variable {var_name!r} must be labelled {var_name!r}")
        if _ds_uid(v.get("datasource")) not in DS_REFS:
            add(rule, f"variable {var_name!r} must use $datasource")
        if v.get("multi") is not True:
            add(rule, f"variable {var_name!r} must set multi: true")
        if v.get("allValue") != ".+":
            add(rule, f"variable {var_name!r} must set allValue: \".+\"")

    for v in variables:
        if v.get("type") != "query":
            continue
        name = v.get("name")
        if v.get("refresh") != 2:
            add("template-on-time-change-reload-rule", f"variable {name!r} must set refresh: 2 (on time range change)")
        if _ds_uid(v.get("datasource")) not in DS_REFS:
            add("template-datasource-rule", f"query variable {name!r} must use $datasource")
        q = v.get("query")
        if isinstance(q, dict):
            q = q.get("query")
        err = check_variable_query(q or "")
        if err:
            add("template-label-promql-rule", f"variable {name!r}: {err}")

    query_panels = [p for p in all_panels(d) if p.get("type") != "row" and p.get("type") not in NO_TARGET_PANELS]
    if not query_panels:
        add("dashboard-no-panels-rule", "dashboard has no panel with queries: nothing to lint")

    for panel in all_panels(d):
        ptype = panel.get("type")
        ptitle = panel.get("title") or None
        if ptype == "row":
            continue
        if not ptitle:
            add("panel-title-description-rule", "panel has no title", panel=f"id {panel.get('id')}")
        if not panel.get("description"):
            add("panel-title-description-rule", "panel has no description", panel=ptitle)
        if ptype in DATASOURCE_PANELS and _ds_uid(panel.get("datasource")) not in DS_REFS:
            add("panel-datasource-rule", f"panel datasource is {panel.get('datasource')!r}, expected $datasource",
                panel=ptitle)
        if ptype in UNIT_PANELS:
            defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
            unit = defaults.get("unit")
            if not defaults.get("mappings") and (not unit or unit not in VALID_UNITS):
                add("panel-units-rule", f"panel unit {unit!r} is missing or not a known Grafana unit", panel=ptitle)
        targets = panel.get("targets") or []
        if ptype not in NO_TARGET_PANELS and not targets:
            add("panel-no-targets-rule", "panel has no targets", panel=ptitle)
        for t in targets:
            lint_target(t, ptitle, add)
    return f


def check_variable_query(q: str) -> str | None:
    q = q.strip()
    m = re.fullmatch(r"(label_names|label_values|metrics|query_result)\((.*)\)", q, re.S)
    if not m:
        return f"query {q!r} is not label_names(), label_values(), metrics() or query_result()"
    func, arg = m.group(1), m.group(2).strip()
    try:
        if func == "label_values":
            depth, split = 0, None
            for idx, ch in enumerate(arg):
                if ch in "([{":
                    depth += 1
                elif ch in ")]}":
                    depth -= 1
                elif ch == "," and depth == 0:
                    split = idx
            label = arg if split is None else arg[split + 1:]
            if not re.fullmatch(r"\s*[A-Za-z_][A-Za-z0-9_]*\s*", label):
                return f"invalid label name {label.strip()!r}"
            if split is not None:
                analyse(arg[:split])
        elif func == "query_result":
            analyse(arg)
        elif func == "label_names" and arg:
            analyse(arg)
    except ValueError as exc:
        return f"invalid PromQL: {exc}"
    return None


def lint_target(t: dict, ptitle, add) -> None:
    expr = t.get("expr")
    if expr is None:
        add("target-promql-rule", f"target {t.get('refId')} has no expr", panel=ptitle)
        return
    try:
        # Grafana variables stay as they are: `$x` lexes as a variable (in ranges too), and matcher values are
        # strings, so the ranges keep their original text for the rate-interval check.
        analysis = analyse(expr)
    except ValueError as exc:
        add("target-promql-rule", f"target {t.get('refId')}: invalid PromQL: {exc}: {expr}", panel=ptitle)
        return
    for text, frames in analysis.ranges:
        if frames and frames[-1] in RATE_FUNCTIONS and text not in ("$__rate_interval", "${__rate_interval}"):
            add("target-rate-interval-rule", f"target {t.get('refId')}: {frames[-1]}() must use "
                f"[$__rate_interval], not [{text}]", panel=ptitle)
    for sel in analysis.selectors:
        for label in ("job", "instance"):
            m = sel.matchers.get(label)
            if m != ("=~", f"${label}"):
                add(f"target-{label}-rule", f"target {t.get('refId')}: selector {sel.metric or '{...}'} needs "
                    f"{label}=~\"${label}\"", panel=ptitle)
        if sel.metric and sel.metric.endswith("_total"):
            if not sel.frames or sel.frames[-1] not in RATE_FUNCTIONS:
                add("target-counter-agg-rule", f"target {t.get('refId')}: counter {sel.metric} must be wrapped "
                    "in rate(), irate() or increase()", panel=ptitle)


# --------------------------------------------------------------------------------------------------- exclusions

def load_lint_config(directory: str) -> dict:
    path = os.path.join(directory, ".lint")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def excluded(finding: Finding, config: dict) -> bool:
    ex = (config.get("exclusions") or {})
    if finding.rule not in ex:
        return False
    entries = (ex.get(finding.rule) or {}).get("entries")
    if not entries:
        return True
    for e in entries:
        if e.get("dashboard") not in (None, finding.dashboard):
            continue
        if e.get("panel") not in (None, finding.panel):
            continue
        return True
    return False


def main(argv: list[str]) -> int:
    paths = argv or ["dashboards"]
    files = []
    for p in paths:
        if os.path.isdir(p):
            files.extend(sorted(os.path.join(p, n) for n in os.listdir(p) if n.endswith(".json")))
        else:
            files.append(p)
    if not files:
        print("lint_dashboards: no dashboards found", file=sys.stderr)
        return 1
    errors = warnings = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as fh:
                dashboard = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            print(f"{path}: [invalid-json] {exc}")
            errors += 1
            continue
        config = load_lint_config(os.path.dirname(path) or ".")
        warn_rules = set((config.get("warnings") or {}).keys())
        for finding in lint_dashboard(dashboard):
            if excluded(finding, config):
                continue
            severity = "warning" if finding.rule in warn_rules else finding.severity
            where = f"dashboard {finding.dashboard!r}" + (f" panel {finding.panel!r}" if finding.panel else "")
            print(f"{path}: {severity}: [{finding.rule}] {where}: {finding.message}")
            if severity == "error":
                errors += 1
            else:
                warnings += 1
    print(f"lint_dashboards: {len(files)} dashboard(s), {errors} error(s), {warnings} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
