#!/usr/bin/env bash
# Measures the two CloudWatch protocols on a full GetMetricData page (500 queries x 60 points) with an optimised
# build of the decoding code alone (no transport, no signing): bytes of both answers and the best decode time.
# Usage: scripts/bench-cloudwatch-protocols.sh   (needs swiftc; writes only to a temporary directory)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for file in AWSXMLElement XMLReader JSONValue JSONParser AWSTimestamp QueryParameters AWSWireProtocol; do
    cp "$root/Sources/AWSCore/$file.swift" "$work/"
done
for file in CloudWatchJSONCoding CloudWatchQueryCoding DecodingFailure Dimension CloudWatchMetric MetricDataQuery \
    GetMetricDataInput GetMetricDataOutput MetricDataResult ListMetricsInput ListMetricsOutput DimensionFilter \
    GetMetricStatisticsInput GetMetricStatisticsOutput Datapoint MetricDatum; do
    sed -e 's/^import AWSCore$//' -e 's/^public import AWSCore$//' "$root/Sources/AWSServices/$file.swift" > "$work/$file.swift"
done
cat > "$work/main.swift" <<'SWIFT'
import Foundation

let queries = 500, points = 60
let start = 1_768_474_800.0
var xml = #"<GetMetricDataResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><GetMetricDataResult><MetricDataResults>"#
var json = #"{"MetricDataResults":["#
for index in 0..<queries {
    xml += "<member><Id>m\(index)</Id><Label>RequestCount</Label><Timestamps>"
    json += (index > 0 ? "," : "") + #"{"Id":"m\#(index)","Label":"RequestCount","Timestamps":["#
    var stamps: [String] = []
    for point in 0..<points {
        let seconds = start + Double(3540 - point * 60)
        xml += "<member>\(AWSTimestamp.iso8601(Date(timeIntervalSince1970: seconds)))</member>"
        stamps.append(String(format: "%.8E", seconds).replacingOccurrences(of: "E+0", with: "E"))
    }
    xml += "</Timestamps><Values>"
    json += stamps.joined(separator: ",") + #"],"Values":["#
    let values = (0..<points).map { "\(Double(1000 + $0 * 7 + index))" }
    xml += values.map { "<member>\($0)</member>" }.joined() + "</Values><StatusCode>Complete</StatusCode></member>"
    json += values.joined(separator: ",") + #"],"StatusCode":"Complete"}"#
}
xml += "</MetricDataResults><Messages/></GetMetricDataResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetMetricDataResponse>"
json += #"],"Messages":[]}"#
let xmlBytes = Array(xml.utf8), jsonBytes = Array(json.utf8)

func best(_ runs: Int, _ body: () throws -> GetMetricDataOutput) rethrows -> (Double, GetMetricDataOutput) {
    var fastest = Double.infinity
    var output = GetMetricDataOutput(results: [], nextToken: nil, messages: [])
    for _ in 0..<runs {
        let started = DispatchTime.now().uptimeNanoseconds
        output = try body()
        fastest = min(fastest, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
    }
    return (fastest, output)
}
let (xmlMs, fromXML) = try best(10) {
    let root = try XMLReader.parse(xmlBytes)
    return try CloudWatchQueryCoding.getMetricDataOutput(root.child("GetMetricDataResult") ?? root)
}
let (jsonMs, fromJSON) = try best(10) { try CloudWatchJSONCoding.getMetricDataOutput(try JSONValue.parse(jsonBytes)) }
var foundationMs = Double.infinity
for _ in 0..<10 {
    let started = DispatchTime.now().uptimeNanoseconds
    _ = try JSONSerialization.jsonObject(with: Data(jsonBytes))
    foundationMs = min(foundationMs, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
}
var ownParseMs = Double.infinity
for _ in 0..<10 {
    let started = DispatchTime.now().uptimeNanoseconds
    _ = try JSONValue.parse(jsonBytes)
    ownParseMs = min(ownParseMs, Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6)
}
print("json parse only: JSONValue \(String(format: "%.1f", ownParseMs)) ms, Foundation JSONSerialization \(String(format: "%.1f", foundationMs)) ms")
precondition(fromXML == fromJSON, "both protocols must decode the same page")
print("query  : answer \(xmlBytes.count) B, decode \(String(format: "%.1f", xmlMs)) ms")
print("json1.0: answer \(jsonBytes.count) B, decode \(String(format: "%.1f", jsonMs)) ms")
SWIFT
swiftc -O -o "$work/bench" "$work"/*.swift 2>&1 | grep -v "warning" || true
"$work/bench"
