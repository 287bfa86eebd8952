/// The second SigV4 stage: the algorithm, the request time, the credential scope and the hash of the canonical
/// request, one per line.
package struct StringToSign: Sendable, Equatable {
    /// The request time as `yyyyMMdd'T'HHmmss'Z'`.
    package var amzDate: String
    /// `yyyyMMdd/region/service/aws4_request`.
    package var credentialScope: String
    /// Hex SHA-256 of the canonical request text.
    package var canonicalRequestHash: String

    /// Builds the string to sign for `canonicalRequest`.
    /// - Parameters:
    ///   - amzDate: The request time, as sent in `X-Amz-Date`.
    ///   - region: The signing region.
    ///   - service: The signing service name, e.g. `monitoring`.
    ///   - canonicalRequest: The canonical request.
    package init(amzDate: String, region: String, service: String, canonicalRequest: CanonicalRequest) {
        self.amzDate = amzDate
        self.credentialScope = "\(amzDate.prefix(8))/\(region)/\(service)/aws4_request"
        self.canonicalRequestHash = CanonicalRequest.hexSHA256(Array(canonicalRequest.text.utf8))
    }

    /// The text that is signed.
    package var text: String {
        "AWS4-HMAC-SHA256\n\(amzDate)\n\(credentialScope)\n\(canonicalRequestHash)"
    }
}
