import AWSCore

extension AWSError {
    /// A credentials failure: which provider failed (`operation`) and why. The message never holds a secret.
    static func credentials(
        service: String = "credentials",
        provider: String,
        code: String,
        _ message: String,
        httpStatus: Int? = nil
    ) -> AWSError {
        AWSError(
            kind: .credentials,
            service: service,
            operation: provider,
            code: code,
            message: message,
            httpStatus: httpStatus
        )
    }
}
