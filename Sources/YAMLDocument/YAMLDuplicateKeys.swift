/// What the composer does with a mapping that has the same key more than once.
public enum YAMLDuplicateKeys: Sendable {
    /// Keeps every pair, in document order: the caller decides.
    case keep
    /// Throws ``YAMLError/Kind-swift.enum/duplicateKeys`` as soon as such a mapping ends (before anything after it is
    /// read). Two scalar keys are the same when their texts are equal and `scalarType` gives both the same type (the
    /// tag the caller's schema resolves them to); sequences and mappings are the same when their items are, in order.
    case reject(scalarType: @Sendable (YAMLScalar) -> String)
}
