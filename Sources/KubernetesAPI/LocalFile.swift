import FoundationEssentials

/// Bounded reads of the small local files the access needs (kubeconfig, token, certificates, keys).
enum LocalFile {
    /// Kubeconfig files and certificate bundles stay far below this; anything larger is not one of them.
    static let certificateLimit = 4 * 1024 * 1024
    /// A bearer token is a few kilobytes at most.
    static let tokenLimit = 64 * 1024

    /// The file's bytes, or an error naming the file (never its content).
    static func read(_ path: String, limit: Int) throws(KubernetesAccessError) -> [UInt8] {
        let manager = FileManager.default
        var isDirectory = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw KubernetesAccessError(file: path, message: "does not exist")
        }
        guard !isDirectory else {
            throw KubernetesAccessError(file: path, message: "is a directory, not a file")
        }
        // Checking the size first keeps a wrong path (a device, a huge file) from being read into memory.
        if let size = try? manager.attributesOfItem(atPath: path)[.size], Self.exceeds(size, limit) {
            throw KubernetesAccessError(file: path, message: "is larger than \(limit) bytes")
        }
        guard let data = manager.contents(atPath: path) else {
            throw KubernetesAccessError(file: path, message: "cannot be read")
        }
        guard data.count <= limit else {
            throw KubernetesAccessError(file: path, message: "is larger than \(limit) bytes")
        }
        return [UInt8](data)
    }

    /// Whether a file size attribute (an integer of whichever type the Foundation in use stores) is above `limit`.
    private static func exceeds(_ size: Any, _ limit: Int) -> Bool {
        switch size {
        case let size as Int: size > limit
        case let size as Int64: size > Int64(limit)
        case let size as UInt64: size > UInt64(max(0, limit))
        default: false
        }
    }

    /// `directory/name`, or `name` alone when it is absolute.
    static func join(_ directory: String, _ name: String) -> String {
        if name.hasPrefix("/") || directory.isEmpty { return name }
        return directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The directory part of `path` (`.` when it has none).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
