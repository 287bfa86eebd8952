// AWSClient: see docs/architecture.md for this target's contract.
enum AWSClientModule {}
