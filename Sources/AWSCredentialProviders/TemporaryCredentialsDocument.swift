import AWSCore
import AWSSigV4
import FoundationEssentials

/// The JSON document the container endpoint and IMDS return:
/// `{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}` (IMDS adds `Code`, `Type`, `LastUpdated`).
struct TemporaryCredentialsDocument: Decodable {
    var Code: String?
    var Message: String?
    var AccessKeyId: String?
    var SecretAccessKey: String?
    var Token: String?
    var Expiration: String?

    /// Decodes `body` into credentials.
    /// - Parameters:
    ///   - body: The response body.
    ///   - service: `container` or `imds`, for errors.
    ///   - provider: The provider name, for errors.
    /// - Throws: `MalformedResponse` when the body is not such a document or lacks a required field. The body is
    ///   never quoted: it may hold a secret.
    static func decode(_ body: [UInt8], service: String, provider: String) throws(AWSError) -> AWSCredentials {
        let document: TemporaryCredentialsDocument
        do {
            document = try JSONDecoder().decode(Self.self, from: Data(body))
        } catch {
            throw .credentials(
                service: service,
                provider: provider,
                code: "MalformedResponse",
                "the credentials response is not a JSON object"
            )
        }
        if let code = document.Code, code != "Success" {
            throw .credentials(
                service: service,
                provider: provider,
                code: code,
                "the credentials endpoint answered \(code)" + (document.Message.map { ": \($0)" } ?? "")
            )
        }
        let missing = [
            ("AccessKeyId", document.AccessKeyId), ("SecretAccessKey", document.SecretAccessKey),
            ("Token", document.Token), ("Expiration", document.Expiration),
        ].filter { $0.1?.isEmpty ?? true }.map(\.0)
        guard missing.isEmpty, let keyId = document.AccessKeyId, let secret = document.SecretAccessKey,
            let token = document.Token, let expirationText = document.Expiration
        else {
            throw .credentials(
                service: service,
                provider: provider,
                code: "MalformedResponse",
                "the credentials response lacks \(missing.joined(separator: ", "))"
            )
        }
        guard let expiration = AWSTimestamp.parseISO8601(expirationText) else {
            throw .credentials(
                service: service,
                provider: provider,
                code: "MalformedResponse",
                "the credentials response has an unreadable Expiration '\(expirationText)'"
            )
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: token, expiration: expiration)
    }
}
