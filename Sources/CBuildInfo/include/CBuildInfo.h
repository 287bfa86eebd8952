#ifndef CTE_CBUILDINFO_H
#define CTE_CBUILDINFO_H

// The build's identity, filled in at build time without a generated file in the source tree: see CBuildInfo.c.
// Kept in C because a C translation unit can take its values from the build (a header on the include path) while
// a plain `swift build` of a fresh clone still compiles with defaults; Swift has no conditional include.

/// The release version, e.g. "0.1.0".
const char *cte_build_version(void);
/// The git revision the binary was built from (`git describe --always --dirty`), or "unknown".
const char *cte_build_revision(void);
/// The release date, yyyy-MM-dd (the commit date of the revision), or "unknown".
const char *cte_build_release_date(void);

#endif
