"""The ops checks must fail when they find nothing to check: no rule files, empty rule groups, no rule tests, no
dashboards, dashboards without queries.

Run from the repository root: python3 -m unittest discover -s tests/ops -v
"""

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import check_dashboard_promql  # noqa: E402
import check_rules  # noqa: E402


def quietly(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = fn(*args)
    return code, out.getvalue()


class CheckRulesTest(unittest.TestCase):
    def setUp(self):
        self.saved = (check_rules.RULE_FILES, check_rules.TEST_FILES)
        self.tmp = tempfile.mkdtemp()

    def tearDown(self):
        check_rules.RULE_FILES, check_rules.TEST_FILES = self.saved
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
        return path

    def test_the_shipped_rules_pass(self):
        code, out = quietly(check_rules.main)
        self.assertEqual(code, 0, out)

    def test_no_rule_files_fails(self):
        check_rules.RULE_FILES = []
        code, out = quietly(check_rules.main)
        self.assertEqual(code, 1)
        self.assertIn("no rule files", out)

    def test_empty_rule_file_and_empty_group_fail(self):
        check_rules.RULE_FILES = [self.write("empty.yml", ""), self.write("group.yml", "groups:\n- name: g\n  rules: []\n")]
        code, out = quietly(check_rules.main)
        self.assertEqual(code, 1)
        self.assertIn("empty.yml: no rule groups", out)
        self.assertIn("group 'g' has no rules", out)
        self.assertIn("no recording rules found", out)

    def test_no_rule_tests_fails(self):
        check_rules.TEST_FILES = []
        code, out = quietly(check_rules.main)
        self.assertEqual(code, 1)
        self.assertIn("no rule tests", out)


class CheckDashboardPromQLTest(unittest.TestCase):
    def setUp(self):
        self.saved = check_dashboard_promql.ROOT
        self.tmp = tempfile.mkdtemp()
        os.mkdir(os.path.join(self.tmp, "dashboards"))
        check_dashboard_promql.ROOT = self.tmp

    def tearDown(self):
        check_dashboard_promql.ROOT = self.saved
        shutil.rmtree(self.tmp)

    def test_no_dashboards_fails(self):
        code, out = quietly(check_dashboard_promql.main, ["promtool"])
        self.assertEqual(code, 1)
        self.assertIn("no dashboards", out)

    def test_a_dashboard_without_queries_fails(self):
        with open(os.path.join(ROOT, "dashboards", "cloudwatch-tag-exporter.json"), encoding="utf-8") as fh:
            dashboard = json.load(fh)
        dashboard["panels"] = []
        dashboard["templating"] = {"list": []}
        with open(os.path.join(self.tmp, "dashboards", "empty.json"), "w", encoding="utf-8") as fh:
            json.dump(dashboard, fh)
        code, out = quietly(check_dashboard_promql.main, ["promtool"])
        self.assertEqual(code, 1)
        self.assertIn("no queries in empty.json", out)


if __name__ == "__main__":
    unittest.main()
