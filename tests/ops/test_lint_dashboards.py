"""Tests of scripts/lint_dashboards.py: a deliberately bad dashboard must fail with the expected rule ids, the
shipped dashboards must pass, and .lint exclusions/warnings must be honoured.

Run from the repository root: python3 -m unittest discover -s tests/ops -v
"""

import contextlib
import io
import json
import os
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import lint_dashboards  # noqa: E402

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def run(*paths):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = lint_dashboards.main(list(paths))
    return code, out.getvalue()


class BadDashboardTest(unittest.TestCase):
    def setUp(self):
        with open(os.path.join(FIXTURES, "bad", "bad-dashboard.json"), encoding="utf-8") as fh:
            self.findings = lint_dashboards.lint_dashboard(json.load(fh))
        self.rules = {f.rule for f in self.findings if f.severity == "error"}

    def test_reports_every_expected_rule(self):
        expected = {
            "dashboard-uid-rule", "uneditable-dashboard", "template-datasource-rule", "template-job-rule",
            "template-instance-rule", "template-label-promql-rule", "template-on-time-change-reload-rule",
            "panel-datasource-rule", "panel-title-description-rule", "panel-units-rule", "panel-no-targets-rule",
            "target-promql-rule", "target-rate-interval-rule", "target-job-rule", "target-instance-rule",
            "target-counter-agg-rule",
        }
        self.assertEqual(expected - self.rules, set(), "rules that should have fired")
        self.assertEqual(self.rules - expected, set(), "unexpected rules")

    def messages(self, rule):
        return [f.message for f in self.findings if f.rule == rule]

    def test_messages_point_at_the_problem(self):
        self.assertTrue(any("unknown function 'frobnicate'" in m for m in self.messages("target-promql-rule")))
        self.assertTrue(any("unclosed '('" in m for m in self.messages("target-promql-rule")))
        self.assertTrue(any("not [5m]" in m for m in self.messages("target-rate-interval-rule")))
        self.assertTrue(any("http_requests_total" in m for m in self.messages("target-counter-agg-rule")))
        self.assertTrue(any("'furlongs'" in m for m in self.messages("panel-units-rule")))
        self.assertTrue(any("multi: true" in m for m in self.messages("template-job-rule")))
        self.assertTrue(any("refresh: 2" in m for m in self.messages("template-on-time-change-reload-rule")))

    def test_cli_fails_with_rule_ids(self):
        code, out = run(os.path.join(FIXTURES, "bad"))
        self.assertEqual(code, 1)
        self.assertIn("[target-counter-agg-rule]", out)
        self.assertIn("[uneditable-dashboard]", out)


class ExclusionsTest(unittest.TestCase):
    def test_lint_file_exclusions_and_warnings(self):
        code, out = run(os.path.join(FIXTURES, "excluded"))
        self.assertEqual(code, 0, out)
        self.assertNotIn("[template-job-rule]", out)
        self.assertNotIn("[target-job-rule]", out)
        self.assertIn("warning: [target-instance-rule]", out)
        self.assertIn("0 error(s), 2 warning(s)", out)

    def test_without_lint_file_the_same_dashboard_fails(self):
        with open(os.path.join(FIXTURES, "excluded", "excluded-dashboard.json"), encoding="utf-8") as fh:
            rules = {f.rule for f in lint_dashboards.lint_dashboard(json.load(fh))}
        self.assertEqual(rules, {"template-job-rule", "template-instance-rule", "target-job-rule",
                                 "target-instance-rule"})


class NothingToLintTest(unittest.TestCase):
    def test_a_dashboard_without_panels_fails(self):
        with open(os.path.join(ROOT, "dashboards", "cloudwatch-tag-exporter.json"), encoding="utf-8") as fh:
            dashboard = json.load(fh)
        dashboard["panels"] = [{"type": "row", "title": "Empty row", "panels": []}]
        rules = {f.rule for f in lint_dashboards.lint_dashboard(dashboard) if f.severity == "error"}
        self.assertEqual(rules, {"dashboard-no-panels-rule"})

    def test_a_directory_without_dashboards_fails(self):
        with tempfile.TemporaryDirectory() as empty:
            code, _ = run(empty)
        self.assertEqual(code, 1)


class ShippedDashboardsTest(unittest.TestCase):
    def test_shipped_dashboards_pass(self):
        code, out = run(os.path.join(ROOT, "dashboards"))
        self.assertEqual(code, 0, out)


class PromQLLexerTest(unittest.TestCase):
    def test_accepts_real_queries(self):
        for expr in [
            'sum by (action) (rate(cloudwatch_requests_total{job=~"$job"}[$__rate_interval]))',
            'a / on (namespace, service) group_left () (b > 0)',
            'label_replace(x, "service", "$1", "endpoint", "(.*)")',
            'max_over_time(x[1h:5m]) offset 5m',
            'count({__name__=~"a|b"} < 1) or vector(0)',
        ]:
            lint_dashboards.analyse(expr)

    def test_rejects_broken_queries(self):
        for expr in ['sum(x', 'x{a="b}', 'foo(x)', 'x{a}', 'rate(x[])', 'sum by x (y)', 'x +', '']:
            with self.assertRaises(ValueError, msg=expr):
                lint_dashboards.analyse(expr)


if __name__ == "__main__":
    unittest.main()
