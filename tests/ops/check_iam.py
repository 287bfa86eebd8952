#!/usr/bin/env python3
"""The IAM policies in deploy/ grant what the exporter calls, and the documentation lists the same actions:

- deploy/iam-policy.json grants exactly the actions of the default config with tag labels (CloudWatch
  ListMetrics/GetMetricStatistics; ELB DescribeLoadBalancers, DescribeTags, DescribeTargetGroups: the load balancers,
  target groups and their tags that label the series), deploy/iam-policy-full.json those plus GetMetricData
  (use_get_metric_data) and tag:GetResources (aws_tag_select); both Allow on "*" (these read actions support no
  resource-level permissions), Version 2012-10-17, unique Sids;
- every AWS action the exporter's clients name in Sources/AWSServices (CloudWatch, ELB, ELBv2, Tagging) is granted by
  iam-policy-full.json: an action added to the code without the policy fails here (PutMetricData, which only seeds
  test environments, excepted; STS actions are the central-account policy's, checked for sts:AssumeRole and
  sts:GetCallerIdentity);
- the README's IAM table and deploy/README.md name every action of iam-policy-full.json.

Usage (repository root): python3 tests/ops/check_iam.py ; exit 1 with one line per problem.
"""

import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MINIMAL = {
    "cloudwatch:ListMetrics", "cloudwatch:GetMetricStatistics",
    "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
}
FULL = MINIMAL | {"cloudwatch:GetMetricData", "tag:GetResources"}
# Source file of each AWS client -> the IAM service prefix of its actions.
CLIENTS = {
    "CloudWatchClient.swift": "cloudwatch",
    "ELBClient.swift": "elasticloadbalancing",
    "ELBv2Client.swift": "elasticloadbalancing",
    "TaggingClient.swift": "tag",
}
# In the clients but never called by the exporter (CloudWatchClient.putMetricData seeds test environments).
TEST_ONLY = {"cloudwatch:PutMetricData"}
ACTION_IN_CODE = re.compile(r'\b(?:action|target|operation):\s*"([A-Z][A-Za-z0-9]+)"')


def statements(policy: dict) -> list[dict]:
    st = policy.get("Statement")
    return st if isinstance(st, list) else [st] if isinstance(st, dict) else []


def granted(path: str, problems: list[str]) -> set[str]:
    rel = os.path.relpath(path, ROOT)
    try:
        with open(path, encoding="utf-8") as fh:
            policy = json.load(fh)
    except (OSError, ValueError) as exc:
        problems.append(f"{rel}: {exc}")
        return set()
    if policy.get("Version") != "2012-10-17":
        problems.append(f"{rel}: Version must be 2012-10-17")
    actions, sids = set(), []
    for st in statements(policy):
        sids.append(st.get("Sid"))
        if st.get("Effect") != "Allow":
            problems.append(f"{rel}: statement {st.get('Sid')} is not Effect Allow")
        if st.get("Resource") != "*":
            problems.append(f"{rel}: statement {st.get('Sid')} must use Resource \"*\" (no resource-level "
                            "permissions for these read actions)")
        got = st.get("Action")
        actions |= set([got] if isinstance(got, str) else got or [])
    if not actions:
        problems.append(f"{rel}: grants nothing")
    if len(set(sids)) != len(sids) or None in sids:
        problems.append(f"{rel}: every statement needs a unique Sid, got {sids}")
    return actions


def code_actions(problems: list[str]) -> set[str]:
    out = set()
    for name, prefix in CLIENTS.items():
        path = os.path.join(ROOT, "Sources", "AWSServices", name)
        if not os.path.exists(path):
            problems.append(f"Sources/AWSServices/{name} is missing: update CLIENTS in tests/ops/check_iam.py")
            continue
        with open(path, encoding="utf-8") as fh:
            found = set(ACTION_IN_CODE.findall(fh.read()))
        if not found:
            problems.append(f"Sources/AWSServices/{name}: no action found (did the call syntax change?)")
        out |= {f"{prefix}:{action}" for action in found}
    return out


def main() -> int:
    problems: list[str] = []
    minimal = granted(os.path.join(ROOT, "deploy", "iam-policy.json"), problems)
    full = granted(os.path.join(ROOT, "deploy", "iam-policy-full.json"), problems)
    if minimal != MINIMAL:
        problems.append(f"deploy/iam-policy.json grants {sorted(minimal)}, expected {sorted(MINIMAL)}")
    if full != FULL:
        problems.append(f"deploy/iam-policy-full.json grants {sorted(full)}, expected {sorted(FULL)}")
    called = code_actions(problems)
    for action in sorted(called - full - TEST_ONLY):
        problems.append(f"the exporter calls {action} (Sources/AWSServices) but deploy/iam-policy-full.json does "
                        "not grant it")
    central = granted(os.path.join(ROOT, "deploy", "iam-policy-central-account.json"), [])
    for action in ("sts:AssumeRole", "sts:GetCallerIdentity"):
        if action not in central:
            problems.append(f"deploy/iam-policy-central-account.json does not grant {action}")
    for doc in ("README.md", os.path.join("deploy", "README.md")):
        with open(os.path.join(ROOT, doc), encoding="utf-8") as fh:
            text = fh.read()
        for action in sorted(FULL):
            if action not in text:
                problems.append(f"{doc} does not name {action}")
    for p in problems:
        print(p)
    print(f"check_iam: {len(full)} actions granted, {len(called)} called by Sources/AWSServices, "
          f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
