import AWSCore

/// Resource Groups Tagging API requests and answers (JSON 1.1).
enum TaggingJSONCoding {
    static func getResources(_ input: GetResourcesInput) -> JSONValue {
        var body: [String: JSONValue] = [:]
        if !input.resourceTypeFilters.isEmpty {
            body["ResourceTypeFilters"] = .array(input.resourceTypeFilters.map { .string($0) })
        }
        if !input.tagFilters.isEmpty {
            body["TagFilters"] = .array(
                input.tagFilters.map { filter in
                    var member: [String: JSONValue] = ["Key": .string(filter.key)]
                    if !filter.values.isEmpty { member["Values"] = .array(filter.values.map { .string($0) }) }
                    return .object(member)
                }
            )
        }
        if let token = input.paginationToken, !token.isEmpty { body["PaginationToken"] = .string(token) }
        if let perPage = input.resourcesPerPage { body["ResourcesPerPage"] = .number(Double(perPage)) }
        return .object(body)
    }

    static func getResourcesOutput(_ body: JSONValue) throws -> GetResourcesOutput {
        let mappings = try DecodingFailure.list(body["ResourceTagMappingList"], "ResourceTagMappingList").map {
            member in
            guard let arn = member["ResourceARN"]?.stringValue else {
                throw DecodingFailure("mapping without ResourceARN")
            }
            let tags = try DecodingFailure.list(member["Tags"], "Tags").compactMap { tag -> AWSTag? in
                guard let key = tag["Key"]?.stringValue else { return nil }
                return AWSTag(key: key, value: tag["Value"]?.stringValue ?? "")
            }
            return ResourceTagMapping(resourceARN: arn, tags: tags)
        }
        var token = body["PaginationToken"]?.stringValue
        if token?.isEmpty == true { token = nil }
        return GetResourcesOutput(mappings: mappings, paginationToken: token)
    }
}
