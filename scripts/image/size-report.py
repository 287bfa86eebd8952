#!/usr/bin/env python3
"""What each part of the statically linked binary weighs: reads a GNU ld link map (`-Xlinker -Map=FILE`) and sums
the loaded input sections (code, read-only data, data, unwind tables, Swift metadata; not debug info, which
`strip` removes) by where they came from: our modules, each SwiftPM dependency, and each static library of the
toolchain (libFoundation*, _FoundationICU with its built-in data apart, the Swift runtime), plus libc/libstdc++.

Usage:
  swift build -c release --product cloudwatch-tag-exporter --static-swift-stdlib -Xlinker --no-export-dynamic \\
    -Xlinker -Map=.build/measure/link.map
  python3 scripts/image/size-report.py .build/measure/link.map [--json]
"""
import collections
import json
import re
import sys

# Our targets (Package.swift); everything else built by SwiftPM is a dependency, named by its checkout.
OURS = {"AWSSigV4", "AWSCore", "AWSCredentialProviders", "AWSServices", "Exposition", "ConfigFile", "CBuildInfo",
        "ScrapePipeline", "ExporterServer", "cloudwatch_tag_exporter", "cloudwatch-tag-exporter", "KubernetesAPI",
        "YAMLDocument", "AsyncCoordination", "Telemetry", "ScrapeStatus", "ResourceTags"}
# SwiftPM module -> the package it comes from (for the dependency rows).
PACKAGES = [
    ("NIO", "swift-nio"), ("_NIO", "swift-nio"), ("CNIO", "swift-nio"), ("NIOSSL", "swift-nio-ssl"),
    ("CNIOBoringSSL", "swift-nio-ssl (BoringSSL)"), ("NIOHTTP2", "swift-nio-http2"), ("NIOHPACK", "swift-nio-http2"),
    ("NIOHTTPCompression", "swift-nio-extras"), ("NIOSOCKS", "swift-nio-extras"), ("NIOHTTPTypes", "swift-nio-extras"),
    ("NIOExtras", "swift-nio-extras"), ("NIOTransportServices", "swift-nio-transport-services"),
    ("CCryptoBoringSSL", "swift-crypto (BoringSSL)"), ("CryptoBoringWrapper", "swift-crypto"),
    ("Crypto", "swift-crypto"), ("_Crypto", "swift-crypto"), ("CCryptoBoringSSLShims", "swift-crypto"),
    ("AsyncHTTPClient", "async-http-client"), ("CAsyncHTTPClient", "async-http-client"),
    ("HummingbirdBcrypt", "hummingbird-auth"), ("HummingbirdAuth", "hummingbird-auth"), ("CBcrypt", "hummingbird-auth"),
    ("Hummingbird", "hummingbird"), ("HummingbirdCore", "hummingbird"), ("HummingbirdRouter", "hummingbird"),
    ("ArgumentParser", "swift-argument-parser"),
    ("Logging", "swift-log"), ("ServiceLifecycle", "swift-service-lifecycle"), ("UnixSignals", "swift-service-lifecycle"),
    ("HTTPTypes", "swift-http-types"), ("Atomics", "swift-atomics"), ("_AtomicsShims", "swift-atomics"),
    ("Algorithms", "swift-algorithms"), ("AsyncAlgorithms", "swift-async-algorithms"),
    ("DequeModule", "swift-collections"), ("InternalCollectionsUtilities", "swift-collections"),
    ("Collections", "swift-collections"), ("BasicContainers", "swift-collections"), ("ContainersPreview", "swift-collections"),
    ("OrderedCollections", "swift-collections"), ("HeapModule", "swift-collections"), ("BitCollections", "swift-collections"),
    ("HashTreeCollections", "swift-collections"), ("RopeModule", "swift-collections"), ("Tracing", "swift-distributed-tracing"),
    ("Instrumentation", "swift-distributed-tracing"), ("ServiceContextModule", "swift-service-context"),
    ("Metrics", "swift-metrics"), ("CoreMetrics", "swift-metrics"), ("Configuration", "swift-configuration"),
    ("SystemPackage", "swift-system"), ("CSystem", "swift-system"), ("RealModule", "swift-numerics"),
    ("_NumericsShims", "swift-numerics"), ("X509", "swift-certificates"), ("SwiftASN1", "swift-asn1"),
    ("_CertificateInternals", "swift-certificates"), ("StructuredFieldValues", "swift-http-structured-headers"),
    ("ExtrasBase64", "swift-extras-base64"), ("CXKCP", "swift-crypto"), ("NIOTLS", "swift-nio"),
]
LOADED = re.compile(r"^\.?(text|rodata|data|bss|tbss|tdata|eh_frame|gcc_except_table|init_array|fini_array|"
                    r"data\.rel\.ro|swift5_|rela|lrodata|ldata)")


def origin(path):
    archive = re.search(r"/(lib[^/()]+)\.a\(([^)]+)\)$", path)
    if archive:
        library, member = archive.groups()
        if library == "lib_FoundationICU":
            return "ICU data (_FoundationICU)" if "packaged_data" in member else "ICU code (_FoundationICU)"
        if library.startswith("libswift") or library in ("libBlocksRuntime", "libdispatch"):
            return "Swift runtime and stdlib (" + library + ")"
        if library == "libyaml":
            return "libyaml (static, libyaml-dev)"
        return library
    module = re.search(r"/(?:release|debug)/([^/]+)\.build/", path)
    if module:
        name = module.group(1)
        if name in OURS:
            return "ours: " + name
        # The longest prefix wins (NIOSSL is swift-nio-ssl, not swift-nio).
        for prefix, package in sorted(PACKAGES, key=lambda entry: -len(entry[0])):
            if name == prefix or name.startswith(prefix):
                return "dependency: " + package
        return "dependency: " + name
    if re.search(r"/(libc|libm|libpthread|libdl|librt|libstdc\+\+|libgcc)", path) or path.endswith(".o") and "/usr/lib" in path:
        return "C/C++ runtime (glibc startup, libstdc++, libgcc)"
    return "other: " + path.rsplit("/", 1)[-1]


def main():
    path = sys.argv[1]
    sizes = collections.Counter()
    in_map = False
    section = None
    pending = None
    with open(path, errors="replace") as handle:
        for line in handle:
            if line.startswith("Linker script and memory map") or line.startswith("Memory map"):
                in_map = True
                continue
            if not in_map:
                continue
            if not line.startswith(" "):
                # An output section line.
                section = line.split()[0] if line.strip() else section
                continue
            parts = line.split()
            if not parts:
                continue
            if len(parts) == 1 and not parts[0].startswith("0x") and not parts[0].startswith("*"):
                pending = parts[0]  # the input section's name; address, size and file follow on the next line
                continue
            if not parts[0].startswith("0x") and len(parts) >= 4 and parts[1].startswith("0x") and parts[2].startswith("0x"):
                name, size, file = parts[0], int(parts[2], 16), " ".join(parts[3:])
            elif pending and len(parts) >= 3 and parts[0].startswith("0x") and parts[1].startswith("0x"):
                name, size, file = pending, int(parts[1], 16), " ".join(parts[2:])
            else:
                pending = None
                continue
            pending = None
            if not LOADED.match(name) or (section or "").startswith(".debug") or name.startswith(".rela"):
                continue
            sizes[origin(file)] += size
    total = sum(sizes.values())
    rows = sizes.most_common()
    if "--json" in sys.argv:
        json.dump({"total": total, "parts": dict(rows)}, sys.stdout, indent=1)
        return 0
    print(f"{'part':70} {'bytes':>12} {'MB':>7} {'%':>6}")
    for name, size in rows:
        if size >= 20_000:
            print(f"{name:70} {size:12,d} {size / 1e6:7.2f} {100 * size / total:6.1f}")
    small = sum(size for _, size in rows if size < 20_000)
    print(f"{'(each under 20 kB)':70} {small:12,d} {small / 1e6:7.2f} {100 * small / total:6.1f}")
    print(f"{'total loaded sections':70} {total:12,d} {total / 1e6:7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
