// AWSCore: see docs/architecture.md for this target's contract.
enum AWSCoreModule {}
