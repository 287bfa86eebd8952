/// Kubernetes' name rules (apimachinery validation), checked byte by byte so that hostile tag values (control
/// characters, non-ASCII, huge strings) are simply not names.
enum KubernetesNameRules {
    /// The longest DNS-1123 label: namespaces and Services.
    static let maximumLabelLength = 63
    /// The longest DNS-1123 subdomain: Ingresses.
    static let maximumSubdomainLength = 253
    /// The longest port name (IANA service name).
    static let maximumPortNameLength = 15
    /// How many characters of the sanitised namespace and Service the controllers keep in a target group name.
    static let namePartLength = 8

    /// A DNS-1123 label: 1-63 of `a-z`, `0-9` and `-`, alphanumeric at both ends. Namespaces are labels; Services
    /// are DNS-1035 labels (a letter first), a subset, unless relaxed Service name validation is on.
    static func isLabel(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard (1...maximumLabelLength).contains(bytes.count),
            bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == hyphen })
        else { return false }
        return bytes.first != hyphen && bytes.last != hyphen
    }

    /// A DNS-1123 subdomain: at most 253 characters of dot-separated labels. Ingress names are subdomains.
    static func isSubdomain(_ text: Substring) -> Bool {
        guard (1...maximumSubdomainLength).contains(text.utf8.count) else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let bytes = label.utf8
            guard !bytes.isEmpty, bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == hyphen }) else { return false }
            return bytes.first != hyphen && bytes.last != hyphen
        }
    }

    /// A Service port as an `IntOrString` prints it: a number in 1-65535, or a port name (1-15 of `a-z`, `0-9`
    /// and `-`, at least one letter, no `-` at either end or twice in a row).
    static func isPort(_ text: Substring) -> Bool {
        let bytes = text.utf8
        if !bytes.isEmpty, bytes.count <= 5, bytes.allSatisfy(isDigit) {
            guard let number = Int(text) else { return false }
            return (1...65_535).contains(number) && bytes.first != UInt8(ascii: "0")
        }
        guard (1...maximumPortNameLength).contains(bytes.count),
            bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == hyphen }),
            bytes.contains(where: { !isDigit($0) && $0 != hyphen }),
            bytes.first != hyphen, bytes.last != hyphen, !text.contains("--")
        else { return false }
        return true
    }

    /// The namespace or Service as a controller-built target group name carries it: non-alphanumerics removed,
    /// then the first 8 characters (Go's `%.8s` of `[[:^alnum:]]` replaced by nothing).
    static func namePart(_ name: Substring) -> Substring {
        // Every byte of a non-ASCII character is 0x80 or above, so filtering bytes drops whole characters, as
        // Go's regexp drops whole runes.
        let kept = name.utf8.filter { isLowerAlphanumeric($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        return Substring(String(decoding: kept, as: UTF8.self)).prefix(namePartLength)
    }

    static let hyphen = UInt8(ascii: "-")

    static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }
}
