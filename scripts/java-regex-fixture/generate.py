#!/usr/bin/env python3
"""Writes Tests/ConfigFileTests/Fixtures/java-regex-expected.json: what Java's java.util.regex gives for every
pattern of the corpus below against every input (the shared pool plus the pattern's own), which ConfigFileTests
holds JavaPattern to. Needs javac and java (17, as installed here); the Java program is compiled into a temporary
directory and nothing of it is kept. Run from anywhere: python3 scripts/java-regex-fixture/generate.py

The corpus: the patterns cloudwatch_exporter users write for aws_dimension_select_regex and arn_resource_id_regexp
(upstream's docs, tests and issues, this repository's configs and tests), then Java's syntax corner by corner: every
escape, class quirk, quantifier form, flag, anchor and group kind, what Java rejects, what JavaPattern leaves out,
Unicode, line terminators, and patterns whose backtracking order decides the groups.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
OUTPUT = ROOT / "Tests" / "ConfigFileTests" / "Fixtures" / "java-regex-expected.json"

# Every pattern is tried against all of these.
POOL = [
    "", "a", "aa", "aaa", "ab", "abc", "abcd", "abab", "abcbcd", "b", "c", "x y", "a.b", "a-b_c", "1234", "-42",
    "abc\n", "abc\r\n", "abc\r", "\n", "\r", "ab\nc", "a\u0085", "\u2028", "tab\there",
    "myLB1", "xmyLB1", "prod-web", "PROD-WEB", "my-prod-api", "dev", "staging-1",
    "k8s-default-web-1a2b3c4d", "a1b2c3d4e5f60718293a4b5c6d7e8f90", "us-east-1a", "foo.example.com",
    "i-0123456789abcdef0", "app/my-alb/50dc6c495c0c9188", "targetgroup/abc-123/0a1b2c3d",
    "arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0",
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-alb/50dc6c495c0c9188",
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/my-nlb/0123456789abcdef",
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/abc-123/0a1b2c3d",
    "arn:aws:sqs:us-east-1:123456789012:queue-name",
    "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/svc-integration-xxxx/d177bf7a",
    "arn:aws:apigateway:us-east-1::/restapis/a1b2c3",
    "é", "É", "café", "CAFÉ", "ü-ß", "😀", "a😀b", "e\u0301t", "日本",
]

# (pattern, extra inputs)
CORPUS = [
    # What users write (upstream README, tests, issues; this repository's configs and tests).
    (r"myLB(.*)", []),
    (r"myLB(.*)|[0-9a-f]{3}", []),
    (r".*prod.*", []),
    (r"prod-.*", []),
    (r"^prod-.*$", []),
    (r"(?i)prod.*", []),
    (r".*(dev|staging).*", []),
    (r"k8s-.*", []),
    (r"k8s-default-.*-[0-9a-f]{8}", []),
    (r"[0-9a-f]{32}", []),
    (r"a1b2.*", []),
    (r"nothing-.*", []),
    (r"(?:([^:/]+)|[^:/]+/([^:]+))$", []),
    (r"([^/]+)/[^/]+$", []),
    (r"(targetgroup/.*)$", []),
    (r"loadbalancer/(.*)", []),
    (r"loadbalancer/((app|net)/[^/]+/[0-9a-f]+)", []),
    (r"app/(.*)/[0-9a-f]+", []),
    (r"net/.*", []),
    (r"i-[0-9a-f]{8,17}", []),
    (r"i-[0-9a-f]+", []),
    (r"vol-[0-9a-f]+", []),
    (r"[a-z0-9-]{1,32}", []),
    (r"us-(east|west)-[12][a-z]", []),
    (r"[\w.-]+", []),
    (r".+\.example\.com", []),
    (r"arn:aws:.*", []),
    (r"restapis/(.*)", []),
    (r"(.*)-(\d+)$", []),
    (r"[^.]*", []),
    (r"\d+", []),
    (r"-?\d+", []),
    (r"\w+-\w+", []),
    (r"\S+", []),
    (r"\s+", []),
    (r"a|b", []),
    (r"ok", []),
    # Empty and trivial.
    (r"", []),
    (r".*", []),
    (r".+", []),
    (r"^$", []),
    (r"|", []),
    (r"()", []),
    (r"a|", []),
    (r"|a", []),
    # Quantifiers, greedy and lazy; backtracking order decides the groups.
    (r"a?", []),
    (r"a*", []),
    (r"a+", []),
    (r"a*?b", []),
    (r"a+?", []),
    (r"a??b", []),
    (r"(a+)(a*)", []),
    (r"(a+?)(a*)", []),
    (r"(a*?)(a*)", []),
    (r"(a|ab)(c|bcd)(d*)", []),
    (r"(a|ab)(bcd|c)", []),
    (r"(a+)+", []),
    (r"(a*)*", []),
    (r"(a*)+", []),
    (r"(a|)*", []),
    (r"(|a)*", []),
    (r"(|a)+", []),
    (r"(a?){2}", []),
    (r"(a?){2,3}", []),
    (r"(a|b)*c", []),
    (r"(a|b)*?c", []),
    (r"((a)|b)+", []),
    (r"(?:(a)|b)*", []),
    (r"(?:(a)|(b))+", []),
    (r"(a)|b", []),
    (r"(ab)*", []),
    (r"(ab)*?", []),
    (r"(a*)(b?)(c?)", []),
    (r"(.*?)b(.*)", []),
    (r"(.*)b(.*?)", []),
    (r"x{0}", ["x"]),
    (r"a{2}", []),
    (r"a{2,}", []),
    (r"a{1,2}", []),
    (r"a{1,2}?", []),
    (r"a{2,3}?a", []),
    (r"(a{0,2}){2}", []),
    (r"(?:a|aa)*c", ["a" * 30 + "c", "a" * 30]),
    (r"(a|aa)*c", ["a" * 20 + "c"]),
    (r"{2}", []),
    (r"a{2}{3}", []),
    (r"a*{2}", []),
    (r"^*a", []),
    (r"\b+a", []),
    # Classes.
    (r"[abc]", []),
    (r"[^abc]", []),
    (r"[a-c]+", []),
    (r"[]a]", ["]"]),
    (r"[^]a]", ["]"]),
    (r"[a-]+", []),
    (r"[-a]+", []),
    (r"[a\-z]+", ["-"]),
    (r"[\d-a]+", ["-", "5"]),
    (r"[\w.]+", []),
    (r"[.]", []),
    (r"[\s\S]+", []),
    (r"[\D]+", []),
    (r"[^\d\s]+", []),
    (r"[\\]", ["\\"]),
    (r"[\]]", ["]"]),
    (r"[\[]", ["["]),
    (r"[a^]+", ["^"]),
    (r"[&a]+", ["&"]),
    (r"[a&&b]", []),
    (r"[a-d[m-p]]", []),
    (r"[à-ÿ]+", []),
    (r"[^a]", []),
    (r"[\x41-\x43]+", ["ABC"]),
    (r"[\u00e0-\u00ff]+", []),
    (r"[\v-x]", ["\x0b", "w"]),
    (r"[\v]", ["\x0b", "\n"]),
    (r"[\Qa-c\E]+", ["-"]),
    # Escapes.
    (r"\.", []),
    (r"\-", []),
    (r"\/", ["/"]),
    (r"\t", ["\t"]),
    (r"\n", []),
    (r"\r\n", []),
    (r"\f\a\e", ["\f\a\x1b"]),
    (r"\x41", ["A"]),
    (r"\x{1F600}", []),
    (r"\x{110000}", []),
    (r"\xG1", []),
    (r"\u00e9", []),
    (r"\uD83D\uDE00", []),
    (r"\u00G9", []),
    (r"\0101", ["A"]),
    (r"\01", ["\x01"]),
    (r"\0400", ["\x20" + "0"]),
    (r"\08", []),
    (r"\cA", ["\x01"]),
    (r"\Qa.b\E", []),
    (r"\Q(\E", ["("]),
    (r"\Qab", []),
    (r"x\Q1\Ey", ["x1y"]),
    (r"\E", []),
    (r"\y", []),
    (r"\é", []),
    (r"\h+", ["\u00a0 "]),
    (r"\v", []),
    (r"\H\V", []),
    (r"ab\\", ["ab\\"]),
    (r"ab\\\\", ["ab\\\\"]),
    (r"\\", ["\\"]),
    ("ab\\", []),
    # Anchors and line terminators.
    (r"abc$", []),
    (r"abc\Z", []),
    (r"abc\z", []),
    (r"\Aabc", []),
    (r"^abc", []),
    (r"abc$\n", []),
    (r"abc$\r\n", []),
    (r"abc\r$", []),
    (r"$", []),
    (r"^", []),
    (r"(?m)^b$", ["a\nb\nc", "a\r\nb\r\n"]),
    (r"(?m)^", []),
    (r"(?m)$", []),
    (r"(?m)c$", []),
    (r"(?m)^c", []),
    (r"(?d)abc$", []),
    (r"(?d)a.c", ["a\rc", "a\nc"]),
    (r"(?md)^b", ["a\rb", "a\nb"]),
    (r"(?s).+", []),
    (r"(?s)a.c", ["a\nc"]),
    (r"a.c", ["a\nc", "a\rc", "a\u2028c", "a\u0085c", "abc"]),
    (r"\bprod\b", ["my prod api", "prod", "production"]),
    (r"\Bx", ["ax", "x"]),
    (r"\b", []),
    (r"\B", []),
    (r"é\b", []),
    (r"\bt", []),
    # Groups and flags.
    (r"(?<name>a+)b", []),
    (r"(?<n1>a)(?<n2>b)?", []),
    (r"(?<1a>x)", []),
    (r"(?<a>x)(?<a>y)", []),
    (r"(?<a-b>x)", []),
    (r"(?i)ABC", []),
    (r"(?i)[a-c]+", []),
    (r"(?i)[^a]", []),
    (r"(?i)[x-z]", []),
    (r"(?i)é", []),
    (r"(?i)café", []),
    (r"(?i:A)b", ["Ab", "aB"]),
    (r"a(?i)b|c", ["aB", "C"]),
    (r"(a(?i)b)c", ["aBc", "aBC"]),
    (r"(?i)a(?-i)b", ["Ab", "AB"]),
    (r"(?i-s:a.)", []),
    (r"(?)a", []),
    (r"(?i)*", []),
    (r"(?q)", []),
    (r"(?i", []),
    (r"(?u)a", []),
    (r"(?x)a b", []),
    (r"(?-u)a", []),
    # What Java rejects.
    (r"(unclosed", []),
    (r"a)(b", []),
    (r")", []),
    (r"(", []),
    (r"[", []),
    (r"[a", []),
    (r"[]", []),
    (r"[^]", []),
    (r"x{2,1}", []),
    (r"a{", []),
    (r"a{,3}", []),
    (r"a{1", []),
    (r"a{1,x}", []),
    (r"{a}", []),
    (r"*a", []),
    (r"+", []),
    (r"?", []),
    (r"a**", []),
    (r"a{2}*", []),
    (r"[z-a]", []),
    (r"[a-\d]", []),
    (r"\b[", []),
    (r"(?$)", []),
    (r"[\b]", []),
    (r"[\A]", []),
    (r"\8", []),
    # Valid Java that JavaPattern leaves out.
    (r"(a)\1", []),
    (r"(?<n>a)\k<n>", []),
    (r"(?=a)", []),
    (r"(?!test).*", []),
    (r"(?<=a)b", []),
    (r"(?<!a)b", []),
    (r"(?>a+)b", []),
    (r"a++", []),
    (r"a*+b", []),
    (r"a{1,2}+", []),
    (r"\G", []),
    (r"\R", []),
    (r"\X", []),
    (r"\p{Alpha}", []),
    (r"\P{Lu}", []),
    (r"\N{LATIN SMALL LETTER A}", []),
    (r"\b{g}", []),
    (r"a{1001}", []),
    # Unicode.
    (r".", []),
    (r"a.b", []),
    (r"[^a]b", []),
    (r"\w+", []),
    (r"é+", []),
    (r"caf.", []),
    (r"..", []),
    (r"日.", []),
]


def hexed(text):
    return text.encode("utf-8").hex()


def main():
    with tempfile.TemporaryDirectory() as build:
        subprocess.run(["javac", "-d", build, str(HERE / "JavaRegexOracle.java")], check=True)
        lines = []
        cases = []
        for pattern, extra in CORPUS:
            inputs = POOL + [text for text in extra if text not in POOL]
            lines.append(f"P {hexed(pattern)}")
            lines.extend(f"I {hexed(text)}" for text in inputs)
            cases.append((pattern, extra))
        result = subprocess.run(["java", "-cp", build, "JavaRegexOracle"], input="\n".join(lines) + "\n",
                                capture_output=True, text=True, check=True, encoding="utf-8")
        java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    answers = iter(result.stdout.splitlines())
    patterns = []
    for pattern, extra in cases:
        head = next(answers).split(" ")
        entry = {"pattern": pattern, "extraInputs": [text for text in extra if text not in POOL]}
        inputs = POOL + entry["extraInputs"]
        if head[1] == "ERR":
            entry["javaError"] = bytes.fromhex(head[2]).decode("utf-8") if len(head) > 2 else ""
            for _ in inputs:
                next(answers)
        else:
            matches = []
            finds = []
            for _ in inputs:
                fields = next(answers).split(" ")
                matches.append(fields[1] == "1")
                if fields[2] == "1":
                    finds.append([None if g == "-" else bytes.fromhex(g[1:]).decode("utf-8") for g in fields[3:]])
                else:
                    finds.append(None)
            entry["matches"] = matches
            entry["find"] = finds
        patterns.append(entry)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    document = {"generatedBy": "scripts/java-regex-fixture/generate.py", "java": java_version, "pool": POOL,
                "patterns": patterns}
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"java-regex-fixture: {len(patterns)} patterns x {len(POOL)}+ inputs -> {OUTPUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
