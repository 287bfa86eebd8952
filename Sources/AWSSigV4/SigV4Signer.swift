import FoundationEssentials

/// Signs requests with AWS Signature Version 4 (header form) for one service and region.
///
/// A session token is always added as `X-Amz-Security-Token` *before* signing, so it is one of the signed
/// headers, as botocore does for every service this project calls. (The suite's `post-sts-header-after` variant,
/// where the token is appended after signing, is not something this signer produces.)
public struct SigV4Signer: Sendable {
    /// The intermediate stages of one signature, exposed so tests can compare them with the suite's files.
    package struct Signature: Sendable {
        /// The canonical request.
        package var canonicalRequest: CanonicalRequest
        /// The string to sign.
        package var stringToSign: StringToSign
        /// The `Authorization` header value.
        package var authorization: String
        /// The headers the caller adds to the request.
        package var headers: [(String, String)]
    }

    private let credentials: AWSCredentials
    private let service: String
    private let region: String
    private let keyCache: SigningKeyCache?

    /// Creates a signer.
    /// - Parameters:
    ///   - credentials: The credentials to sign with; a session token is sent and signed.
    ///   - service: The signing service name, e.g. `monitoring`, `elasticloadbalancing`, `tagging`, `sts`.
    ///   - region: The signing region, e.g. `us-east-1`.
    ///   - keyCache: Keeps the derived signing key between signers of one caller; `nil` derives it every time.
    public init(credentials: AWSCredentials, service: String, region: String, keyCache: SigningKeyCache? = nil) {
        self.credentials = credentials
        self.service = service
        self.region = region
        self.keyCache = keyCache
    }

    /// Signs a request and returns the headers to add to it.
    ///
    /// Any `Authorization`, `X-Amz-Date` or `X-Amz-Security-Token` in `headers` is ignored: the signer supplies
    /// its own, so callers should not send those themselves.
    /// - Parameters:
    ///   - method: The HTTP method, e.g. `POST`.
    ///   - path: The path exactly as it goes on the wire (percent-encoded once), e.g. `/`.
    ///   - query: The query string exactly as it goes on the wire, without `?`; empty for none.
    ///   - headers: The headers that will be sent, including `Host`. `User-Agent`, `Content-Length` and
    ///     hop-by-hop headers are not signed.
    ///   - body: The body bytes.
    ///   - date: The signing time; the request must reach AWS within 5 minutes of it.
    /// - Returns: `X-Amz-Date`, `X-Amz-Security-Token` (when the credentials have a token) and `Authorization`.
    public func signedHeaders(
        method: String,
        path: String,
        query: String,
        headers: [(String, String)],
        body: [UInt8],
        date: Date
    ) -> [(String, String)] {
        sign(method: method, path: path, query: query, headers: headers, body: body, date: date).headers
    }

    /// Signs a request and returns every stage of the signature.
    package func sign(
        method: String,
        path: String,
        query: String,
        headers: [(String, String)],
        body: [UInt8],
        date: Date
    ) -> Signature {
        let amzDate = AMZDate.format(date)
        var added: [(String, String)] = [("X-Amz-Date", amzDate)]
        if let token = credentials.sessionToken { added.append(("X-Amz-Security-Token", token)) }
        let replaced: Set<String> = ["authorization", "x-amz-date", "x-amz-security-token"]
        let toSign = headers.filter { !replaced.contains($0.0.lowercased()) } + added
        let canonicalRequest = CanonicalRequest(method: method, path: path, query: query, headers: toSign, body: body)
        let stringToSign = StringToSign(
            amzDate: amzDate,
            region: region,
            service: service,
            canonicalRequest: canonicalRequest
        )
        let day = String(amzDate.prefix(8))
        let key =
            keyCache?.key(secretAccessKey: credentials.secretAccessKey, date: day, region: region, service: service)
            ?? SigningKey(secretAccessKey: credentials.secretAccessKey, date: day, region: region, service: service)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyId)/\(stringToSign.credentialScope), "
            + "SignedHeaders=\(canonicalRequest.signedHeaders), Signature=\(key.signature(for: stringToSign.text))"
        return Signature(
            canonicalRequest: canonicalRequest,
            stringToSign: stringToSign,
            authorization: authorization,
            headers: added + [("Authorization", authorization)]
        )
    }
}
