#!/usr/bin/env python3
"""Regenerates the committed seed corpora in Fuzz/Corpus/ from the project's own test fixtures and configs.

Usage: python3 Fuzz/make-corpus.py

Seeds are what libFuzzer mutates first, so they should cover each input's grammar with small files:
  xml-reader, json-parser   the response bodies of the wire captures in Tests/*/Fixtures (moto and AWS-shaped),
  aws-responses             the same bodies (the decoders run on whatever parses),
  aws-error                 the error answers as whole responses (status line, headers, body),
  config-loader             config/*.yml, scripts/demo/config.yml and the YAML documents in the config tests,
  http-inputs               hand-written Accept / timeout / query triples (see HTTP_SEEDS).
Bodies over MAX_BYTES are left out (the large ListMetrics pages add size, not grammar). Hand-written seeds for
shapes no fixture has (deep nesting, entities, surrogates, YAML anchors) are in EXTRA_SEEDS.
"""
import hashlib
import pathlib
import re
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "Fuzz" / "Corpus"
FIXTURES = [ROOT / "Tests" / "AWSTestSupport" / "Fixtures"]
MAX_BYTES = 8192

HTTP_SEEDS = [
    "application/openmetrics-text; version=1.0.0; charset=utf-8\n10\nname[]=up",
    "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1\n 9.5 \n",
    "text/plain; version=0.0.4\n0.25\nname[]=aws_elb_request_count_sum&name%5B%5D=cloudwatch_exporter_scrape_error",
    "*/*\n\nname[]=a+b&name[]=%E2%9C%93&other=1&name[]",
    " application/openmetrics-text \n1e3\n&&=&name[]=&name[]=%zz",
    "\n-1\n",
    "\nnan\n",
    "text/html,application/xhtml+xml\n120\nname%5B%5D=up&x=%",
]

EXTRA_SEEDS = {
    "xml-reader": {
        "entities.xml": '<?xml version="1.0" encoding="UTF-8"?>\n<a:R xmlns:a="x"><V a=\'1\' b="2">&amp;&lt;&gt;&quot;'
        "&apos;&#65;&#x1F600;<![CDATA[<raw>]]><!-- c --></V><E/></a:R>",
        "deep.xml": "<a>" * 300 + "</a>" * 300,
    },
    "json-parser": {
        "escapes.json": '{"s":"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/","n":[-0,1.5e-3,1E+20,123456789012345678,1e999],'
        '"t":true,"f":false,"z":null,"o":{}, "a":[]}',
        "deep.json": "[" * 200 + "]" * 200,
    },
    "config-loader": {
        "anchors.yml": "base: &b\n  aws_namespace: AWS/ELB\n  aws_metric_name: RequestCount\nregion: eu-west-1\n"
        "metrics:\n- <<: *b\n  aws_statistics: [Sum]\n- <<: [*b]\n  aws_metric_name: Latency\n"
        "  period_seconds: 1:00\n  range_seconds: 0x258\n  delay_seconds: 0o17\n  set_timestamp: off\n",
        "scalars.yml": "region: !!str 123\nperiod_seconds: 6_0\nrange_seconds: 6.0e2\ndelay_seconds: ~\n"
        "set_timestamp: Yes\nmax_concurrent_requests: 010\nmetrics: []\n",
        "deep.yml": "metrics: " + "[" * 100 + "]" * 100 + "\n",
        "two-documents.yml": "region: a\n---\nregion: b\n",
    },
}


def response_of(text: str) -> str | None:
    """The response part of a fixture: after '### RESPONSE' in .txt captures, the non-comment lines of .http."""
    if "### RESPONSE" in text:
        return text.split("### RESPONSE", 1)[1].split("\n", 1)[1]
    lines = [line for line in text.splitlines(keepends=True) if not line.startswith("#")]
    body = "".join(lines)
    return body if body.startswith("HTTP/") else None


def write(target: str, name: str, data: bytes, seen: set[str]) -> None:
    digest = hashlib.sha1(data).hexdigest()
    if (target, digest) in seen:
        return
    seen.add((target, digest))
    (CORPUS / target / name).write_bytes(data)


def yaml_in_tests() -> list[str]:
    documents = []
    for path in sorted((ROOT / "Tests" / "ConfigFileTests").glob("*.swift")):
        for block in re.findall(r'"""\n(.*?)\n\s*"""', path.read_text(), flags=re.S):
            lines = block.splitlines()
            indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
            # Interpolations and escapes are Swift, not YAML; skip the blocks that use them.
            if "\\(" in block:
                continue
            documents.append("\n".join(line[indent:] for line in lines) + "\n")
    return documents


def main() -> None:
    targets = ["xml-reader", "json-parser", "aws-error", "aws-responses", "config-loader", "http-inputs"]
    for target in targets:
        shutil.rmtree(CORPUS / target, ignore_errors=True)
        (CORPUS / target).mkdir(parents=True)
    seen: set[str] = set()
    for folder in FIXTURES:
        for path in sorted(folder.iterdir()):
            if path.suffix not in (".txt", ".http"):
                continue
            response = response_of(path.read_text())
            if response is None:
                continue
            head, _, body = response.partition("\n\n")
            status = int(head.split()[1])
            data = body.strip().encode()
            if not data or len(data) > MAX_BYTES:
                continue
            kind = "xml" if data.startswith(b"<") else "json"
            write("xml-reader" if kind == "xml" else "json-parser", f"{path.stem}.{kind}", data, seen)
            if not path.stem.startswith("sts-"):  # STS answers are the credential chain's, not these decoders'
                write("aws-responses", f"{path.stem}.{kind}", data, seen)
            if status >= 300:
                write("aws-error", f"{path.stem}.http", (head + "\n\n" + body.strip() + "\n").encode(), seen)
    configs = sorted((ROOT / "config").glob("*.yml")) + [ROOT / "scripts" / "demo" / "config.yml"]
    for path in configs:
        write("config-loader", f"{path.parent.name}-{path.name}", path.read_bytes(), seen)
    for index, document in enumerate(yaml_in_tests()):
        write("config-loader", f"test-{index:02d}.yml", document.encode(), seen)
    for index, seed in enumerate(HTTP_SEEDS):
        write("http-inputs", f"request-{index:02d}.txt", seed.encode(), seen)
    for target, seeds in EXTRA_SEEDS.items():
        for name, text in seeds.items():
            write(target, name, text.encode(), seen)
    for target in targets:
        files = list((CORPUS / target).iterdir())
        print(f"{target}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")


if __name__ == "__main__":
    main()
