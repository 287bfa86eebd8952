import HummingbirdBcrypt

/// bcrypt hashes as `basic_auth_users` holds them: format checks at load, and verification.
enum BcryptHash {
    /// Why `hash` cannot be used, or `nil` when it is a bcrypt hash this exporter can verify. The hash is never part
    /// of the message.
    static func problem(_ hash: String) -> String? {
        let bytes = Array(hash.utf8)
        // `$2?$NN$` then 22 characters of salt and 31 of hash, in bcrypt's base64 alphabet: 60 bytes in all.
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$")
        else { return "not a bcrypt hash (expected $2a$, $2b$ or $2y$, a cost and 53 characters)" }
        guard [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]) else {
            return "bcrypt variant $2\(Character(Unicode.Scalar(bytes[2])))$ is not supported (use $2a$, $2b$ or $2y$)"
        }
        let digits = bytes[4...5]
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return "not a bcrypt hash (the cost is not a number)"
        }
        let cost = digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        guard (4...31).contains(cost) else { return "bcrypt cost \(cost) is outside 4...31" }
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        guard bytes[7...].allSatisfy(alphabet.contains) else { return "not a bcrypt hash (bad characters)" }
        return nil
    }

    /// Whether `password` matches `hash`. `$2y$` (PHP's and htpasswd's name) is the same algorithm as `$2b$`, which
    /// the bundled bcrypt knows, so it is verified as `$2b$`. A password with a NUL cannot reach C's bcrypt intact
    /// and never matches.
    static func verify(_ password: String, hash: String) -> Bool {
        guard problem(hash) == nil, !password.utf8.contains(0) else { return false }
        let normalised = hash.hasPrefix("$2y$") ? "$2b$" + hash.dropFirst(4) : hash
        return Bcrypt.verify(password, hash: normalised)
    }
}
