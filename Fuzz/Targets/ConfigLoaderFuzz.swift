// libFuzzer target: the config loader (ExporterConfig ConfigLoader over YAMLDocument and libyaml): YAML text in,
// a config or diagnostics out, never a trap.
import ConfigFile

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let yaml = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    do {
        let loaded = try ConfigLoader.parse(yaml: yaml, file: "fuzz.yml")
        for warning in loaded.warnings { _ = warning.description }
    } catch let error as ConfigError {
        // The messages are what an operator reads; render them too.
        _ = error.description
    } catch {
        fatalError("ConfigLoader.parse threw something other than ConfigError: \(error)")
    }
    return 0
}
