// AWSSigV4: see docs/architecture.md for this target's contract.
enum AWSSigV4Module {}
