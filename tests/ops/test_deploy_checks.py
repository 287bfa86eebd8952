"""The deploy/ checks fail when they should: tests/ops/check_iam.py (a policy without DescribeTargetGroups, an action
the code calls that no policy grants), tests/ops/check_examples.py (no examples, a number where KEDA wants a
string, a query that returns nothing for a quiet Service) and tests/ops/check_kustomize.py's overlay checks (a
ClusterRole that grants more, a token left unmounted, RBAC in the base). Each runs on a copy of the repository's
files with one thing broken; scripts/check-ops.sh runs the checks on the shipped files themselves. Kept cheap: one
promtool run, one base render.

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

import check_examples  # noqa: E402
import check_iam  # noqa: E402
import check_kustomize  # noqa: E402


def quietly(fn, *args):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = fn(*args)
    return code, out.getvalue()


def edit(path, old, new):
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text, (path, old)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text.replace(old, new))


class CheckIAMTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        shutil.copytree(os.path.join(ROOT, "deploy"), os.path.join(self.tmp, "deploy"))
        shutil.copytree(os.path.join(ROOT, "Sources", "AWSServices"), os.path.join(self.tmp, "Sources", "AWSServices"))
        shutil.copy(os.path.join(ROOT, "README.md"), self.tmp)
        self.saved = check_iam.ROOT
        check_iam.ROOT = self.tmp

    def tearDown(self):
        check_iam.ROOT = self.saved
        shutil.rmtree(self.tmp)

    def test_shipped_policies_pass(self):
        code, out = quietly(check_iam.main)
        self.assertEqual(code, 0, out)

    def test_policy_without_describe_target_groups_fails(self):
        path = os.path.join(self.tmp, "deploy", "iam-policy.json")
        with open(path, encoding="utf-8") as fh:
            policy = json.load(fh)
        for statement in policy["Statement"]:
            statement["Action"] = [a for a in statement["Action"] if a != "elasticloadbalancing:DescribeTargetGroups"]
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(policy, fh)
        code, out = quietly(check_iam.main)
        self.assertEqual(code, 1, out)
        self.assertIn("deploy/iam-policy.json grants", out)

    def test_an_action_the_code_calls_must_be_granted(self):
        path = os.path.join(self.tmp, "Sources", "AWSServices", "ELBv2Client.swift")
        with open(path, "a", encoding="utf-8") as fh:
            fh.write('\n// let x = try await caller.query(action: "DescribeListeners", parameters: [:])\n')
        code, out = quietly(check_iam.main)
        self.assertEqual(code, 1, out)
        self.assertIn("the exporter calls elasticloadbalancing:DescribeListeners", out)


class CheckExamplesTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        shutil.copytree(os.path.join(ROOT, "deploy", "examples"), os.path.join(self.tmp, "examples"))
        self.saved = check_examples.EXAMPLES
        check_examples.EXAMPLES = os.path.join(self.tmp, "examples")
        self.keda = os.path.join(self.tmp, "examples", "keda-scaledobject.yaml")

    def tearDown(self):
        check_examples.EXAMPLES = self.saved
        shutil.rmtree(self.tmp)

    def scaled_object(self):
        with open(self.keda, encoding="utf-8") as fh:
            return check_examples.yaml.safe_load(fh)

    def test_no_examples_fails(self):
        for name in os.listdir(check_examples.EXAMPLES):
            os.remove(os.path.join(check_examples.EXAMPLES, name))
        code, out = quietly(check_examples.main, [])
        self.assertEqual(code, 1, out)
        self.assertIn("no YAML in deploy/examples", out)

    def test_a_number_where_keda_wants_a_string_fails(self):
        problems = []
        check_examples.check_scaled_object("x", self.scaled_object(), problems)
        self.assertEqual(problems, [])
        edit(self.keda, 'threshold: "50"', "threshold: 50")
        check_examples.check_scaled_object("x", self.scaled_object(), problems)
        self.assertTrue(any("metadata.threshold is int" in p for p in problems), problems)

    def test_a_query_that_is_empty_for_a_quiet_service_fails(self):
        edit(self.keda, "          or\n          0 * sum(namespace_service:aws_load_balancer_healthy_targets:sum"
                        '{namespace="shop", service="checkout-api"})\n', "")
        code, out = quietly(check_examples.main, [])
        self.assertEqual(code, 1, out)
        self.assertIn("the example queries do not return what they promise", out)

    def test_a_series_no_rule_records_is_named(self):
        recorded = check_examples.recorded_series()
        query = self.scaled_object()["spec"]["triggers"][0]["metadata"]["query"]
        names = set(check_examples.RECORDED_NAME.findall(query))
        self.assertTrue(names and names <= recorded, names)
        self.assertNotIn("namespace_service:aws_load_balancer_requests:rate5m", recorded)


class KubernetesAPIOverlayTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kubectl = check_kustomize.find_kubectl()
        if not cls.kubectl:  # check-ops.sh fails on its own when kubectl is missing
            raise unittest.SkipTest("no kubectl with kustomize v4+")

    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        for name in ("kubernetes", "kubernetes-api"):
            shutil.copytree(os.path.join(ROOT, "deploy", name), os.path.join(self.tmp, name))
        self.saved = (check_kustomize.DIR, check_kustomize.OVERLAY)
        check_kustomize.DIR = os.path.join(self.tmp, "kubernetes")
        check_kustomize.OVERLAY = os.path.join(self.tmp, "kubernetes-api")

    def tearDown(self):
        check_kustomize.DIR, check_kustomize.OVERLAY = self.saved
        shutil.rmtree(self.tmp)

    base = None

    def problems(self, base=None):
        if base is None:
            if KubernetesAPIOverlayTest.base is None:  # the shipped base, rendered once
                KubernetesAPIOverlayTest.base = check_kustomize.render(self.kubectl, os.path.join(ROOT, "deploy",
                                                                                                   "kubernetes"))
            base = KubernetesAPIOverlayTest.base
        return check_kustomize.overlay_problems(self.kubectl, base)

    def test_a_wider_cluster_role_fails(self):
        edit(os.path.join(check_kustomize.OVERLAY, "clusterrole.yaml"), 'verbs: ["get", "list", "watch"]',
             'verbs: ["get", "list", "watch", "update"]')
        self.assertTrue(any("ClusterRole grants" in p for p in self.problems()))

    def test_an_unmounted_token_fails(self):
        edit(os.path.join(check_kustomize.OVERLAY, "deployment.yaml"), "automountServiceAccountToken: true",
             "automountServiceAccountToken: false")
        self.assertTrue(any("automountServiceAccountToken: true" in p for p in self.problems()))

    def test_rbac_in_the_base_fails(self):
        shutil.copy(os.path.join(check_kustomize.OVERLAY, "clusterrole.yaml"), check_kustomize.DIR)
        edit(os.path.join(check_kustomize.DIR, "kustomization.yaml"), "  - prometheusrule.yaml\n",
             "  - prometheusrule.yaml\n  - clusterrole.yaml\n")
        edit(os.path.join(check_kustomize.OVERLAY, "kustomization.yaml"), "  - clusterrole.yaml\n", "")
        base = check_kustomize.render(self.kubectl, check_kustomize.DIR)
        self.assertTrue(any("RBAC belongs in deploy/kubernetes-api only" in p for p in self.problems(base)))


if __name__ == "__main__":
    unittest.main()
