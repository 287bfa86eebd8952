import ConfigFile
import Foundation
import Testing

/// The `kubernetes` block: off by default, its keys, and what is refused with a position.
@Suite struct KubernetesSettingsTests {
    private let rule = "metrics:\n- aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\n"

    @Test func offByDefault() throws {
        #expect(try parse(rule).config.kubernetes == KubernetesSettings())
        #expect(!KubernetesSettings().enabled)
    }

    @Test func everyKey() throws {
        let config = try parse(
            """
            kubernetes:
              enabled: true
              kubeconfig: /etc/kube/config
              context: prod
              service_labels: [app.kubernetes.io/name, team]
              target_group_bindings: false
            \(rule)
            """
        ).config
        #expect(
            config.kubernetes
                == KubernetesSettings(
                    enabled: true,
                    kubeconfig: "/etc/kube/config",
                    context: "prod",
                    serviceLabels: ["app.kubernetes.io/name", "team"],
                    targetGroupBindings: false
                )
        )
        #expect(
            KubernetesSettings.sampleLabel(ofServiceLabel: "app.kubernetes.io/name") == "label_app_kubernetes_io_name"
        )
    }

    @Test(arguments: [
        ("kubernetes:\n  service_labels: [\"-bad\"]\n", "kubernetes.service_labels"),
        ("kubernetes:\n  service_labels: [a/b/c]\n", "kubernetes.service_labels"),
        ("kubernetes:\n  service_labels: [app.name, app_name]\n", "kubernetes.service_labels"),
        ("kubernetes:\n  kubeconfig: \"\"\n", "kubernetes.kubeconfig"),
        ("kubernetes:\n  enabled: maybe\n", "kubernetes.enabled"),
        ("kubernetes: [1]\n", "kubernetes"),
    ])
    func refusedWithTheKey(yaml: String, key: String) throws {
        let error = #expect(throws: ConfigError.self) { try parse(yaml + rule) }
        #expect(
            error?.diagnostics.contains { $0.keyPath == key && $0.line != nil } == true,
            "\(String(describing: error))"
        )
    }

    @Test func anUnknownKeyWarnsWithASuggestion() throws {
        let loaded = try parse("kubernetes:\n  enable: true\n" + rule)
        #expect(loaded.warnings.map(\.keyPath) == ["kubernetes.enable"])
    }

    @Test func aRelativeKubeconfigIsRelativeToTheConfigFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("k8s-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("config.yml")
        try ("kubernetes:\n  enabled: true\n  kubeconfig: kube/config\n" + rule).write(
            to: file,
            atomically: true,
            encoding: .utf8
        )
        let loaded = try ConfigLoader.load(path: file.path)
        #expect(loaded.config.kubernetes.kubeconfig == directory.path + "/kube/config")
    }
}
