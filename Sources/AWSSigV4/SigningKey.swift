import Crypto

/// The SigV4 signing key: the secret folded through HMAC-SHA256 with the date, region, service and
/// `aws4_request`, so that the secret itself is never used to sign a request.
package struct SigningKey: Sendable {
    private let key: SymmetricKey

    /// Derives the key for one day, region and service.
    /// - Parameters:
    ///   - secretAccessKey: The secret access key.
    ///   - date: The day as `yyyyMMdd`.
    ///   - region: The signing region.
    ///   - service: The signing service name.
    package init(secretAccessKey: String, date: String, region: String, service: String) {
        var current = SymmetricKey(data: Array("AWS4\(secretAccessKey)".utf8))
        for part in [date, region, service, "aws4_request"] {
            current = SymmetricKey(data: Array(HMAC<SHA256>.authenticationCode(for: Array(part.utf8), using: current)))
        }
        self.key = current
    }

    /// The hex HMAC-SHA256 signature of `stringToSign`.
    package func signature(for stringToSign: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key).hexString
    }
}
