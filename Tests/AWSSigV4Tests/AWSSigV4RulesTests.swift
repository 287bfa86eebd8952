import AWSSigV4
import Foundation
import Testing

/// The canonicalisation rules beyond what the suite covers, and credential redaction.
@Suite struct AWSSigV4RulesTests {
    @Test(arguments: [
        ("/foo%20bar", "/foo%2520bar"),
        ("/a b/./c/../d//e", "/a%20b/d/e"),
        ("/$x/é", "/%24x/%C3%A9"),
        ("", "/"),
        ("/../..", "/"),
        ("/a/b/", "/a/b/"),
    ])
    func canonicalURINormalisesAndEncodesTwice(path: String, expected: String) {
        #expect(CanonicalRequest.canonicalURI(path: path) == expected)
    }

    @Test(arguments: [
        ("b=2&a=1", "a=1&b=2"),
        ("a=x%2By&a=x+y", "a=x%2By&a=x%2By"),
        ("k&j=", "j=&k="),
        ("q=%7e&q=a%20b", "q=a%20b&q=~"),
        ("bad=%zz", "bad=%25zz"),
    ])
    func canonicalQueryDecodesSortsAndReencodes(query: String, expected: String) {
        #expect(CanonicalRequest.canonicalQuery(query) == expected)
    }

    /// Header values are trimmed and runs of whitespace become one space (Unicode whitespace, as the SDKs do);
    /// values already folded (plain ASCII, single spaces) come back unchanged.
    @Test(arguments: [
        ("application/x-amz-json-1.0", "application/x-amz-json-1.0"),
        ("a b c", "a b c"),
        ("", ""),
        (" lead", "lead"),
        ("trail ", "trail"),
        ("a  b", "a b"),
        ("a\tb", "a b"),
        ("a\r\nb", "a b"),
        ("a\u{0B}\u{0C}b", "a b"),
        ("a\u{00A0}b", "a b"),
        ("a\u{2003}\u{3000}b", "a b"),
        ("é  ü", "é ü"),
        ("é", "é"),
        ("   ", ""),
    ])
    func headerValuesAreTrimmedAndFolded(value: String, expected: String) {
        let folded = CanonicalRequest.foldHeaders([("X-Test", value)])
        #expect(folded.map(\.value) == [expected])
        #expect(expected == value.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    @Test func hopByHopAndClientHeadersAreNotSigned() {
        let request = CanonicalRequest(
            method: "POST",
            path: "/",
            query: "",
            headers: [
                ("Host", "monitoring.us-east-1.amazonaws.com"), ("User-Agent", "cloudwatch-tag-exporter"),
                ("Content-Length", "12"), ("Expect", "100-continue"), ("Connection", "keep-alive"),
                ("Transfer-Encoding", "chunked"), ("X-Amzn-Trace-Id", "Root=1"), ("Content-Type", "text/plain"),
                ("X-Amz-Date", "20260115T120000Z"),
            ],
            body: []
        )
        #expect(request.signedHeaders == "content-type;host;x-amz-date")
    }

    /// A cached signing key signs exactly as a fresh one, and a new secret, day, region or service derives anew.
    @Test func cachedSigningKeysSignAsFreshOnes() {
        let cache = SigningKeyCache()
        let day = Date(timeIntervalSince1970: 1_768_478_400)
        let cases: [(secret: String, region: String, service: String, date: Date)] = [
            ("secret", "us-east-1", "monitoring", day), ("secret", "us-east-1", "monitoring", day + 60),
            ("rotated", "us-east-1", "monitoring", day + 120), ("rotated", "us-east-1", "monitoring", day + 86_400),
            ("rotated", "eu-west-1", "monitoring", day + 86_400), ("rotated", "eu-west-1", "sts", day + 86_400),
            ("secret", "us-east-1", "monitoring", day),
        ]
        for (secret, region, service, date) in cases {
            func sign(_ cache: SigningKeyCache?) -> [(String, String)] {
                SigV4Signer(
                    credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: secret),
                    service: service,
                    region: region,
                    keyCache: cache
                ).signedHeaders(method: "POST", path: "/", query: "", headers: [("Host", "h")], body: [1], date: date)
            }
            #expect(sign(cache).map(\.1) == sign(nil).map(\.1), "\(region) \(service) \(date)")
        }
    }

    @Test func callerSuppliedSignatureHeadersAreReplaced() {
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyId: "AKID", secretAccessKey: "secret"),
            service: "monitoring",
            region: "us-east-1"
        )
        let headers = signer.signedHeaders(
            method: "POST",
            path: "/",
            query: "",
            headers: [("Host", "h"), ("X-Amz-Date", "19990101T000000Z"), ("Authorization", "stale")],
            body: [],
            date: Date(timeIntervalSince1970: 1_768_478_400)
        )
        #expect(headers.first { $0.0 == "X-Amz-Date" }?.1 == "20260115T120000Z")
        #expect(headers.filter { $0.0 == "Authorization" }.count == 1)
        #expect(headers.contains { $0.0 == "X-Amz-Security-Token" } == false)
        #expect(headers.last?.1.contains("SignedHeaders=host;x-amz-date,") == true)
    }

    @Test(arguments: [
        (0.0, "19700101T000000Z"),
        (951_782_400.0, "20000229T000000Z"),
        (1_768_478_400.9, "20260115T120000Z"),
        (4_102_444_799.0, "20991231T235959Z"), (4_107_542_399.0, "21000228T235959Z"),
    ])
    func amzDateIsUTC(seconds: Double, expected: String) {
        #expect(AMZDate.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func credentialsNeverPrintSecrets() {
        let credentials = AWSCredentials(
            accessKeyId: "AKIDEXAMPLE",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            sessionToken: "session-token-value",
            expiration: Date(timeIntervalSince1970: 1_768_478_400)
        )
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)"] {
            #expect(text.contains("AKIDEXAMPLE"))
            #expect(!text.contains("wJalrXUtnFEMI"))
            #expect(!text.contains("session-token-value"))
        }
    }
}
