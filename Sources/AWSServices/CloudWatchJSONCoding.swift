import AWSCore
import FoundationEssentials

/// CloudWatch requests and answers in JSON 1.0.
package enum CloudWatchJSONCoding {
    static func epoch(_ date: Date) -> JSONValue {
        .number(date.timeIntervalSince1970)
    }

    static func dimensions(_ dimensions: [MetricDimension]) -> JSONValue {
        .array(dimensions.map { .object(["Name": .string($0.name), "Value": .string($0.value)]) })
    }

    static func metric(_ metric: CloudWatchMetric) -> JSONValue {
        var members: [String: JSONValue] = [
            "Namespace": .string(metric.namespace),
            "MetricName": .string(metric.metricName),
        ]
        if !metric.dimensions.isEmpty { members["Dimensions"] = dimensions(metric.dimensions) }
        return .object(members)
    }

    static func listMetrics(_ input: ListMetricsInput) -> JSONValue {
        var body: [String: JSONValue] = ["Namespace": .string(input.namespace)]
        if let name = input.metricName { body["MetricName"] = .string(name) }
        if !input.dimensions.isEmpty {
            body["Dimensions"] = .array(
                input.dimensions.map { filter in
                    var member: [String: JSONValue] = ["Name": .string(filter.name)]
                    if let value = filter.value { member["Value"] = .string(value) }
                    return .object(member)
                }
            )
        }
        if input.recentlyActive { body["RecentlyActive"] = .string("PT3H") }
        if let token = input.nextToken { body["NextToken"] = .string(token) }
        return .object(body)
    }

    static func getMetricStatistics(_ input: GetMetricStatisticsInput) -> JSONValue {
        var body: [String: JSONValue] = [
            "Namespace": .string(input.namespace),
            "MetricName": .string(input.metricName),
            "StartTime": epoch(input.startTime),
            "EndTime": epoch(input.endTime),
            "Period": .number(Double(input.period)),
        ]
        if !input.dimensions.isEmpty { body["Dimensions"] = dimensions(input.dimensions) }
        if let statistics = input.statistics, !statistics.isEmpty {
            body["Statistics"] = .array(statistics.map { .string($0) })
        }
        if let extended = input.extendedStatistics, !extended.isEmpty {
            body["ExtendedStatistics"] = .array(extended.map { .string($0) })
        }
        return .object(body)
    }

    /// The GetMetricData body written directly (``JSONWriter``), members in key order: the same bytes as
    /// ``getMetricData(_:)`` serialised, without building the tree.
    package static func getMetricDataBody(_ input: GetMetricDataInput) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + input.queries.count * 200)
        writer.object { body in
            body.member("EndTime") { $0.number(input.endTime.timeIntervalSince1970) }
            body.member("MetricDataQueries") { list in
                list.array { queries in
                    for query in input.queries {
                        queries.object { member in
                            member.member("Id") { $0.string(query.id) }
                            if let label = query.label { member.member("Label") { $0.string(label) } }
                            member.member("MetricStat") { stat in
                                stat.object { stat in
                                    stat.member("Metric") { metric in
                                        metric.object { metric in
                                            let dimensions = query.metric.dimensions
                                            if !dimensions.isEmpty {
                                                metric.member("Dimensions") { list in
                                                    list.array { list in
                                                        for dimension in dimensions {
                                                            list.object { pair in
                                                                pair.member("Name") { $0.string(dimension.name) }
                                                                pair.member("Value") { $0.string(dimension.value) }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                            metric.member("MetricName") { $0.string(query.metric.metricName) }
                                            metric.member("Namespace") { $0.string(query.metric.namespace) }
                                        }
                                    }
                                    stat.member("Period") { $0.number(Double(query.period)) }
                                    stat.member("Stat") { $0.string(query.stat) }
                                }
                            }
                        }
                    }
                }
            }
            if let token = input.nextToken { body.member("NextToken") { $0.string(token) } }
            body.member("ScanBy") { $0.string("TimestampDescending") }
            body.member("StartTime") { $0.number(input.startTime.timeIntervalSince1970) }
        }
        return writer.bytes
    }

    package static func getMetricData(_ input: GetMetricDataInput) -> JSONValue {
        let queries: [JSONValue] = input.queries.map { query in
            var member: [String: JSONValue] = [
                "Id": .string(query.id),
                "MetricStat": .object([
                    "Metric": metric(query.metric),
                    "Period": .number(Double(query.period)),
                    "Stat": .string(query.stat),
                ]),
            ]
            if let label = query.label { member["Label"] = .string(label) }
            return .object(member)
        }
        var body: [String: JSONValue] = [
            "MetricDataQueries": .array(queries),
            "StartTime": epoch(input.startTime),
            "EndTime": epoch(input.endTime),
            "ScanBy": .string("TimestampDescending"),
        ]
        if let token = input.nextToken { body["NextToken"] = .string(token) }
        return .object(body)
    }

    static func putMetricData(namespace: String, data: [MetricDatum]) -> JSONValue {
        .object([
            "Namespace": .string(namespace),
            "MetricData": .array(
                data.map { datum in
                    var member: [String: JSONValue] = [
                        "MetricName": .string(datum.metricName),
                        "Timestamp": epoch(datum.timestamp),
                        "Value": .number(datum.value),
                    ]
                    if !datum.dimensions.isEmpty { member["Dimensions"] = dimensions(datum.dimensions) }
                    if let unit = datum.unit { member["Unit"] = .string(unit) }
                    return .object(member)
                }
            ),
        ])
    }

    static func token(_ value: JSONValue?) -> String? {
        guard let token = value?.stringValue, !token.isEmpty else { return nil }
        return token
    }

    static func messages(_ value: JSONValue?) -> [String] {
        // Messages only explain; a malformed list of them must not fail an answer that is otherwise fine.
        (value?.arrayValue ?? []).map { message in
            let code = message["Code"]?.stringValue ?? ""
            let text = message["Value"]?.stringValue ?? ""
            return code.isEmpty ? text : "\(code): \(text)"
        }
    }

    static func parseDimensions(_ value: JSONValue?) throws -> [MetricDimension] {
        try DecodingFailure.list(value, "Dimensions").map { member in
            guard let name = member["Name"]?.stringValue else { throw DecodingFailure("dimension without Name") }
            return MetricDimension(name: name, value: member["Value"]?.stringValue ?? "")
        }
    }

    /// A ListMetrics page decoded as it is read (``JSONReader``, ``ListedMetricDecoder``), without its tree: names
    /// repeated in a page are kept once each, and sets equal to `knownSets`' are those arrays. Anything but the
    /// expected shape is decoded again from the tree by ``listMetricsOutput(_:)``, so every page decodes, or fails,
    /// exactly as it does there.
    package static func listMetricsOutput(bytes: [UInt8], knownSets: KnownDimensionSets? = nil) throws
        -> ListMetricsOutput
    {
        if let output = try? streamedListMetricsOutput(bytes, knownSets: knownSets) { return output }
        return try listMetricsOutput(JSONValue.parse(bytes))
    }

    private static func streamedListMetricsOutput(_ bytes: [UInt8], knownSets: KnownDimensionSets?) throws
        -> ListMetricsOutput
    {
        var reader = JSONReader(bytes)
        var metrics: [CloudWatchMetric] = []
        var nextToken: JSONValue?
        var decoder = ListedMetricDecoder(knownSets: knownSets)
        try reader.readObject { key, reader in
            switch key {
            case "Metrics":
                metrics = []
                try readList(&reader) { reader in metrics.append(try decoder.metric(&reader)) }
            case "NextToken": nextToken = try reader.readValue()
            default: _ = try reader.readValue()
            }
        }
        try reader.finish()
        decoder.finish()
        return ListMetricsOutput(metrics: metrics, nextToken: token(nextToken))
    }

    package static func listMetricsOutput(_ body: JSONValue) throws -> ListMetricsOutput {
        let metrics = try DecodingFailure.list(body["Metrics"], "Metrics").map { member in
            guard let namespace = member["Namespace"]?.stringValue, let name = member["MetricName"]?.stringValue else {
                throw DecodingFailure("metric without Namespace or MetricName")
            }
            return CloudWatchMetric(
                namespace: namespace,
                metricName: name,
                dimensions: try parseDimensions(member["Dimensions"])
            )
        }
        return ListMetricsOutput(metrics: metrics, nextToken: token(body["NextToken"]))
    }

    static func getMetricStatisticsOutput(_ body: JSONValue) throws -> GetMetricStatisticsOutput {
        let datapoints = try DecodingFailure.list(body["Datapoints"], "Datapoints").map { member in
            guard let seconds = member["Timestamp"]?.doubleValue else {
                throw DecodingFailure("datapoint without Timestamp")
            }
            guard let timestamp = CheckedTime.date(epochSeconds: seconds) else {
                throw DecodingFailure("datapoint Timestamp \(seconds) is not a time CloudWatch can answer")
            }
            var extended: [String: Double] = [:]
            for (key, value) in try DecodingFailure.object(member["ExtendedStatistics"], "ExtendedStatistics") {
                if let number = value.doubleValue { extended[key] = number }
            }
            return Datapoint(
                timestamp: timestamp,
                sampleCount: member["SampleCount"]?.doubleValue,
                average: member["Average"]?.doubleValue,
                sum: member["Sum"]?.doubleValue,
                minimum: member["Minimum"]?.doubleValue,
                maximum: member["Maximum"]?.doubleValue,
                unit: member["Unit"]?.stringValue,
                extendedStatistics: extended
            )
        }
        return GetMetricStatisticsOutput(label: body["Label"]?.stringValue, datapoints: datapoints)
    }

    /// A GetMetricData answer decoded as it is read (``JSONReader``), without its tree. Anything but the expected
    /// shape — a syntax error, a member of an unexpected type, a result without `Id` — is decoded again from the
    /// tree by ``getMetricDataOutput(_:)-(JSONValue)``, so every answer decodes, or fails, exactly as it does there.
    package static func getMetricDataOutput(bytes: [UInt8]) throws -> GetMetricDataOutput {
        if let output = try? streamedMetricDataOutput(bytes) { return output }
        return try getMetricDataOutput(JSONValue.parse(bytes))
    }

    /// A page the streamed decoders leave to the tree decoder.
    struct UnexpectedShape: Error {}

    private static func streamedMetricDataOutput(_ bytes: [UInt8]) throws -> GetMetricDataOutput {
        var reader = JSONReader(bytes)
        var results: [MetricDataResult] = []
        var nextToken: JSONValue?
        var messages: JSONValue?
        try reader.readObject { key, reader in
            switch key {
            case "MetricDataResults":
                results = []
                try readList(&reader) { reader in results.append(try metricDataResult(&reader)) }
            case "NextToken": nextToken = try reader.readValue()
            case "Messages": messages = try reader.readValue()
            default: _ = try reader.readValue()
            }
        }
        try reader.finish()
        return GetMetricDataOutput(
            results: results,
            nextToken: token(nextToken),
            messages: Self.messages(messages)
        )
    }

    private static func metricDataResult(_ reader: inout JSONReader) throws -> MetricDataResult {
        var id: JSONValue?
        var label: JSONValue?
        var statusCode: JSONValue?
        var messages: JSONValue?
        var timestamps: [Date] = []
        var values: [Double] = []
        try reader.readObject { key, reader in
            switch key {
            case "Id": id = try reader.readValue()
            case "Label": label = try reader.readValue()
            case "StatusCode": statusCode = try reader.readValue()
            case "Messages": messages = try reader.readValue()
            case "Timestamps":
                timestamps = []
                try readList(&reader) { reader in
                    guard let seconds = try reader.readValue().doubleValue,
                        let date = CheckedTime.date(epochSeconds: seconds)
                    else { throw UnexpectedShape() }
                    timestamps.append(date)
                }
            case "Values":
                values = []
                try readList(&reader) { reader in
                    guard let value = try reader.readValue().doubleValue else { throw UnexpectedShape() }
                    values.append(value)
                }
            default: _ = try reader.readValue()
            }
        }
        guard let id = id?.stringValue, timestamps.count == values.count else { throw UnexpectedShape() }
        return MetricDataResult(
            id: id,
            label: label?.stringValue,
            timestamps: timestamps,
            values: values,
            statusCode: statusCode?.stringValue ?? "Complete",
            messages: Self.messages(messages)
        )
    }

    /// A list member as ``DecodingFailure/list(_:_:)`` reads one: `null` is empty, anything else must be a list.
    static func readList(_ reader: inout JSONReader, _ element: (inout JSONReader) throws -> Void) throws {
        if reader.peek() == UInt8(ascii: "n") {
            guard try reader.readValue() == .null else { throw UnexpectedShape() }
            return
        }
        guard reader.peek() == UInt8(ascii: "[") else { throw UnexpectedShape() }
        try reader.readArray(element)
    }

    package static func getMetricDataOutput(_ body: JSONValue) throws -> GetMetricDataOutput {
        let results = try DecodingFailure.list(body["MetricDataResults"], "MetricDataResults").map { member in
            guard let id = member["Id"]?.stringValue else { throw DecodingFailure("result without Id") }
            let timestamps = try DecodingFailure.list(member["Timestamps"], "Timestamps").map { value in
                guard let seconds = value.doubleValue else { throw DecodingFailure("timestamp is not a number") }
                guard let date = CheckedTime.date(epochSeconds: seconds) else {
                    throw DecodingFailure("timestamp \(seconds) is not a time CloudWatch can answer")
                }
                return date
            }
            let values = try DecodingFailure.list(member["Values"], "Values").map { value in
                guard let number = value.doubleValue else { throw DecodingFailure("value is not a number") }
                return number
            }
            guard timestamps.count == values.count else {
                throw DecodingFailure("result \(id) has \(timestamps.count) timestamps but \(values.count) values")
            }
            return MetricDataResult(
                id: id,
                label: member["Label"]?.stringValue,
                timestamps: timestamps,
                values: values,
                statusCode: member["StatusCode"]?.stringValue ?? "Complete",
                messages: messages(member["Messages"])
            )
        }
        return GetMetricDataOutput(
            results: results,
            nextToken: token(body["NextToken"]),
            messages: messages(body["Messages"])
        )
    }
}

/// Keeps one copy of each string a page repeats, so the values share one storage instead of one allocation each.
struct StringPool {
    private var strings: [String: String] = [:]

    mutating func intern(_ string: String) -> String {
        if let known = strings[string] { return known }
        strings[string] = string
        return string
    }
}
