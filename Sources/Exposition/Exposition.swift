// Exposition: see docs/architecture.md for this target's contract.
enum ExpositionModule {}
