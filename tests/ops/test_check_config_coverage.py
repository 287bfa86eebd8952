"""Tests of tests/ops/check_config_coverage.py: the naming mirrors cloudwatch_exporter, the shipped files pass, and a
config that stops collecting a family the rules or dashboards read fails, naming the rule, the panel and the family.
Empty input fails.

Run from the repository root: python3 -m unittest discover -s tests/ops -v
"""

import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import check_config_coverage as cov  # noqa: E402


def run(root):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cov.main(["--root", root])
    return code, out.getvalue()


class NamingTest(unittest.TestCase):
    """The examples of cloudwatch_exporter.md §3.2 (from upstream's tests and issue output)."""

    def family(self, namespace, metric, statistic, dimensions=None):
        rule = {"aws_namespace": namespace, "aws_metric_name": metric, "aws_dimensions": dimensions}
        return cov.base_name(rule) + cov.statistic_suffix(statistic)

    def test_upstream_examples(self):
        cases = [
            ("AWS/ELB", "RequestCount", "Sum", "aws_elb_request_count_sum"),
            ("AWS/ELB", "Latency", "p95", "aws_elb_latency_p95"),
            ("AWS/ELB", "Latency", "p99.99", "aws_elb_latency_p99_99"),
            ("AWS/EC2", "CPUUtilization", "Average", "aws_ec2_cpuutilization_average"),
            ("AWS/ELB", "HTTPCode_Backend_2XX", "Sum", "aws_elb_httpcode_backend_2_xx_sum"),
            ("AWS/ELB", "HTTPCode_Backend_5XX", "Sum", "aws_elb_httpcode_backend_5_xx_sum"),
            ("AWS/ApplicationELB", "UnHealthyHostCount", "Average", "aws_applicationelb_un_healthy_host_count_average"),
            ("AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", "aws_applicationelb_httpcode_elb_5_xx_count_sum"),
            ("AWS/NetworkELB", "TCP_Target_Reset_Count", "Sum", "aws_networkelb_tcp_target_reset_count_sum"),
            ("AWS/WAFV2", "CountedRequests", "SampleCount", "aws_wafv2_counted_requests_sample_count"),
            ("AWS/S3", "4xxErrors", "Sum", "aws_s3_4xx_errors_sum"),
            ("AWS/ApiGateway", "5XXError", "Sum", "aws_apigateway_5_xxerror_sum"),
            # The suffix is appended after safeName, so the trailing `_` of the base name stays (upstream and ours).
            ("AWS/RDS", "EBSIOBalance%", "Minimum", "aws_rds_ebsiobalance__minimum"),
            ("Custom:App", "my.metric-name", "Maximum", "custom:app_my_metric_name_maximum"),
            ("AWS/ELB", "Latency", "p99.9", "aws_elb_latency_p99_9"),
            ("AWS/ELB", "Latency", "tm99", "aws_elb_latency_tm99"),
            ("AWS/ELB", "Latency", "TM(10%:90%)", "aws_elb_latency_tm_10_:90_"),
            ("AWS/ELB", "Latency", "IQM", "aws_elb_latency_iqm"),
        ]
        for namespace, metric, statistic, expected in cases:
            self.assertEqual(self.family(namespace, metric, statistic), expected)

    def test_dynamodb_index_rule(self):
        self.assertEqual(
            self.family("AWS/DynamoDB", "ConsumedReadCapacityUnits", "Sum", ["TableName", "GlobalSecondaryIndexName"]),
            "aws_dynamodb_consumed_read_capacity_units_index_sum")
        self.assertEqual(self.family("AWS/DynamoDB", "ConsumedReadCapacityUnits", "Sum", ["TableName"]),
                         "aws_dynamodb_consumed_read_capacity_units_sum")

    def test_default_statistics(self):
        self.assertEqual(cov.rule_statistics({}), cov.STANDARD_STATISTICS)
        self.assertEqual(cov.rule_statistics({"aws_extended_statistics": ["p99"]}), ["p99"])
        self.assertEqual(cov.rule_statistics({"aws_statistics": ["Sum"], "aws_extended_statistics": ["p99"]}),
                         ["Sum", "p99"])

    def test_expression_names_skip_labels_values_and_grouping(self):
        names, regexes = cov.expression_names(
            'sum by (aws_label) (last_over_time(aws_elb_latency_average{aws_x="aws_elb_foo_sum"}[15m]))'
            ' / on (aws_y) group_left () namespace_service:aws_elb_request_count:per_second'
            ' + {__name__=~"aws_(elb|alb)_x_sum", __name__!="aws_elb_tags"} + {__name__="aws_elb_bar_sum"}')
        aws = {n for n in names if "aws_" in n}
        self.assertEqual(aws, {"aws_elb_latency_average", "namespace_service:aws_elb_request_count:per_second",
                               "aws_elb_bar_sum"})
        self.assertEqual(regexes, {"aws_(elb|alb)_x_sum"})


class RepositoryTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp()
        for d in ("config", "rules", "dashboards"):
            shutil.copytree(os.path.join(ROOT, d), os.path.join(self.tmp, d))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def edit_config(self, name, edit):
        path = os.path.join(self.tmp, "config", name)
        with open(path, encoding="utf-8") as fh:
            cfg = yaml.safe_load(fh)
        edit(cfg)
        with open(path, "w", encoding="utf-8") as fh:
            yaml.safe_dump(cfg, fh)

    def test_shipped_files_pass(self):
        code, out = run(ROOT)
        self.assertEqual(code, 0, out)
        self.assertIn("elb-classic.yml", out)
        self.assertNotIn("migration-from-tag-pusher.yml", out)

    def test_missing_metric_fails_naming_rule_panel_and_family(self):
        self.edit_config("elb-classic.yml", lambda cfg: cfg.update(
            metrics=[m for m in cfg["metrics"] if m["aws_metric_name"] != "HealthyHostCount"]))
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("record namespace_service:aws_elb_healthy_host_count:sum reads "
                      "aws_elb_healthy_host_count_average, which no config produces", out)
        self.assertIn("alert AWSLoadBalancerNoHealthyHosts reads aws_elb_healthy_host_count_average", out)
        self.assertIn("panel 'Healthy hosts' target A reads aws_elb_healthy_host_count_average "
                      "(via namespace_service:aws_elb_healthy_host_count:sum)", out)
        self.assertNotIn("un_healthy", out)

    def test_missing_statistic_fails(self):
        def drop_average(cfg):
            for m in cfg["metrics"]:
                if m["aws_metric_name"] == "TargetResponseTime":
                    m["aws_statistics"] = ["Maximum"]
        self.edit_config("alb.yml", drop_average)
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("record namespace_service:aws_applicationelb_target_response_time:mean reads "
                      "aws_applicationelb_target_response_time_average", out)
        self.assertIn("panel 'Latency' target B", out)

    def test_migration_example_does_not_count(self):
        os.remove(os.path.join(self.tmp, "config", "elb-classic.yml"))
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        # RequestCount and Latency are in the migration example, but it is not a shipped per-kind config.
        self.assertIn("reads aws_elb_request_count_sum, which no config produces", out)

    def test_unrecorded_series_fails(self):
        path = os.path.join(self.tmp, "rules", "extra.yml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.safe_dump({"groups": [{"name": "x", "rules": [
                {"alert": "X", "expr": "namespace_service:aws_elb_nothing:sum > 0"}]}]}, fh)
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("alert X: reads namespace_service:aws_elb_nothing:sum, which no rule in rules/ records", out)

    def test_duplicate_family_in_one_config_fails(self):
        self.edit_config("nlb.yml", lambda cfg: cfg["metrics"].append(dict(cfg["metrics"][0])))
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("aws_networkelb_new_flow_count_sum already produced by", out)

    def test_same_metric_for_two_dimension_sets_passes(self):
        # config/alb.yml collects RequestCount per load balancer and per target group: one merged family.
        with open(os.path.join(ROOT, "config", "alb.yml"), encoding="utf-8") as fh:
            alb = yaml.safe_load(fh)
        sets = {tuple(m["aws_dimensions"]) for m in alb["metrics"] if m["aws_metric_name"] == "RequestCount"}
        self.assertEqual(sets, {("LoadBalancer",), ("TargetGroup", "LoadBalancer")})
        code, out = run(self.tmp)
        self.assertEqual(code, 0, out)

    def test_same_metric_and_dimensions_twice_fails_whatever_the_order(self):
        def duplicate_reordered(cfg):
            rule = dict(next(m for m in cfg["metrics"] if m["aws_dimensions"] == ["TargetGroup", "LoadBalancer"]))
            rule["aws_dimensions"] = ["LoadBalancer", "TargetGroup"]
            cfg["metrics"].append(rule)
        self.edit_config("alb.yml", duplicate_reordered)
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("for the same dimensions ['LoadBalancer', 'TargetGroup']", out)

    def test_empty_input_fails(self):
        for d in ("config", "rules", "dashboards"):
            with self.subTest(missing=d):
                saved = os.path.join(self.tmp, d + ".saved")
                os.rename(os.path.join(self.tmp, d), saved)
                os.mkdir(os.path.join(self.tmp, d))
                try:
                    code, out = run(self.tmp)
                finally:
                    shutil.rmtree(os.path.join(self.tmp, d))
                    os.rename(saved, os.path.join(self.tmp, d))
                self.assertEqual(code, 1, out)
                self.assertRegex(out, r"no (config|rule|dashboard query) in")

    def test_configs_without_metrics_fail(self):
        for name in os.listdir(os.path.join(self.tmp, "config")):
            self.edit_config(name, lambda cfg: cfg.update(metrics=[]))
        code, out = run(self.tmp)
        self.assertEqual(code, 1, out)
        self.assertIn("produce no family", out)


if __name__ == "__main__":
    unittest.main()
