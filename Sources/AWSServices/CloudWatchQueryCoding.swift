import AWSCore
import FoundationEssentials

/// CloudWatch requests and answers in the Query protocol (XML answers).
enum CloudWatchQueryCoding {
    static func setDimensions(_ prefix: String, _ dimensions: [MetricDimension], _ parameters: inout QueryParameters) {
        for (index, dimension) in dimensions.enumerated() {
            parameters.set("\(prefix).member.\(index + 1).Name", dimension.name)
            parameters.set("\(prefix).member.\(index + 1).Value", dimension.value)
        }
    }

    static func listMetrics(_ input: ListMetricsInput) -> QueryParameters {
        var parameters = QueryParameters()
        parameters.set("Namespace", input.namespace)
        parameters.setIfPresent("MetricName", input.metricName)
        for (index, filter) in input.dimensions.enumerated() {
            parameters.set("Dimensions.member.\(index + 1).Name", filter.name)
            parameters.setIfPresent("Dimensions.member.\(index + 1).Value", filter.value)
        }
        if input.recentlyActive { parameters.set("RecentlyActive", "PT3H") }
        parameters.setIfPresent("NextToken", input.nextToken)
        return parameters
    }

    static func getMetricStatistics(_ input: GetMetricStatisticsInput) -> QueryParameters {
        var parameters = QueryParameters()
        parameters.set("Namespace", input.namespace)
        parameters.set("MetricName", input.metricName)
        setDimensions("Dimensions", input.dimensions, &parameters)
        parameters.set("StartTime", input.startTime)
        parameters.set("EndTime", input.endTime)
        parameters.set("Period", input.period)
        if let statistics = input.statistics, !statistics.isEmpty { parameters.setList("Statistics", statistics) }
        if let extended = input.extendedStatistics, !extended.isEmpty {
            parameters.setList("ExtendedStatistics", extended)
        }
        return parameters
    }

    static func getMetricData(_ input: GetMetricDataInput) -> QueryParameters {
        var parameters = QueryParameters()
        parameters.setList("MetricDataQueries", input.queries) { prefix, query, parameters in
            parameters.set("\(prefix).Id", query.id)
            parameters.setIfPresent("\(prefix).Label", query.label)
            parameters.set("\(prefix).MetricStat.Metric.Namespace", query.metric.namespace)
            parameters.set("\(prefix).MetricStat.Metric.MetricName", query.metric.metricName)
            setDimensions("\(prefix).MetricStat.Metric.Dimensions", query.metric.dimensions, &parameters)
            parameters.set("\(prefix).MetricStat.Period", query.period)
            parameters.set("\(prefix).MetricStat.Stat", query.stat)
        }
        parameters.set("StartTime", input.startTime)
        parameters.set("EndTime", input.endTime)
        parameters.set("ScanBy", "TimestampDescending")
        parameters.setIfPresent("NextToken", input.nextToken)
        return parameters
    }

    static func token(_ text: String?) -> String? {
        guard let text = text?.trimmingWhitespace(newlines: true), !text.isEmpty else { return nil }
        return text
    }

    static func number(_ text: String) throws -> Double {
        guard let value = Double(text.trimmingWhitespace(newlines: true)) else {
            throw DecodingFailure("'\(text)' is not a number")
        }
        return value
    }

    static func timestamp(_ text: String) throws -> Date {
        guard let date = AWSTimestamp.parseISO8601(text.trimmingWhitespace(newlines: true)) else {
            throw DecodingFailure("'\(text)' is not a timestamp")
        }
        return date
    }

    static func messages(_ element: AWSXMLElement, _ name: String) -> [String] {
        element.members(name).map { message in
            let code = message.string("Code") ?? ""
            let text = message.string("Value") ?? ""
            return code.isEmpty ? text : "\(code): \(text)"
        }
    }

    static func dimensions(_ element: AWSXMLElement) -> [MetricDimension] {
        element.members("Dimensions").compactMap { member in
            guard let name = member.string("Name") else { return nil }
            return MetricDimension(name: name, value: member.string("Value") ?? "")
        }
    }

    static func listMetricsOutput(_ result: AWSXMLElement) -> ListMetricsOutput {
        let metrics = result.members("Metrics").compactMap { member -> CloudWatchMetric? in
            guard let namespace = member.string("Namespace"), let name = member.string("MetricName") else { return nil }
            return CloudWatchMetric(namespace: namespace, metricName: name, dimensions: dimensions(member))
        }
        return ListMetricsOutput(metrics: metrics, nextToken: token(result.string("NextToken")))
    }

    static func getMetricStatisticsOutput(_ result: AWSXMLElement) throws -> GetMetricStatisticsOutput {
        let datapoints = try result.members("Datapoints").map { member in
            guard let stamp = member.string("Timestamp") else { throw DecodingFailure("datapoint without Timestamp") }
            var extended: [String: Double] = [:]
            for entry in member.child("ExtendedStatistics")?.children ?? [] where entry.name == "entry" {
                if let key = entry.string("key"), let value = entry.string("value") {
                    extended[key] = try number(value)
                }
            }
            return Datapoint(
                timestamp: try timestamp(stamp),
                sampleCount: try member.string("SampleCount").map(number),
                average: try member.string("Average").map(number),
                sum: try member.string("Sum").map(number),
                minimum: try member.string("Minimum").map(number),
                maximum: try member.string("Maximum").map(number),
                unit: member.string("Unit"),
                extendedStatistics: extended
            )
        }
        return GetMetricStatisticsOutput(label: result.string("Label"), datapoints: datapoints)
    }

    static func getMetricDataOutput(_ result: AWSXMLElement) throws -> GetMetricDataOutput {
        let results = try result.members("MetricDataResults").map { member in
            guard let id = member.string("Id") else { throw DecodingFailure("result without Id") }
            let timestamps = try member.members("Timestamps").map { try timestamp($0.text) }
            let values = try member.members("Values").map { try number($0.text) }
            guard timestamps.count == values.count else {
                throw DecodingFailure("result \(id) has \(timestamps.count) timestamps but \(values.count) values")
            }
            return MetricDataResult(
                id: id,
                label: member.string("Label"),
                timestamps: timestamps,
                values: values,
                statusCode: member.string("StatusCode") ?? "Complete",
                messages: messages(member, "Messages")
            )
        }
        return GetMetricDataOutput(
            results: results,
            nextToken: token(result.string("NextToken")),
            messages: messages(result, "Messages")
        )
    }
}
