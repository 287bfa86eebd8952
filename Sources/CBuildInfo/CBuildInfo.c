#include "CBuildInfo.h"

// scripts/build-image.sh writes cte_build_info_generated.h into .build/ (never into the source tree, so the tree
// stays clean) and passes its directory with `-Xcc -I`. Because the include path is the same on every build and only
// the header's content changes, a new revision recompiles this one file and relinks, instead of the whole package
// that a changing `-Xcc -D` flag would rebuild. The macros may also be given directly with `-Xcc -DCTE_BUILD_...`.
#if defined(__has_include)
#if __has_include(<cte_build_info_generated.h>)
#include <cte_build_info_generated.h>
#endif
#endif

// Defaults for a plain `swift build`: the source's version, and upstream's "unknown" for what the build didn't say.
// scripts/build-image.sh reads CTE_BUILD_VERSION from this line, so the version is written in one place only.
#ifndef CTE_BUILD_VERSION
#define CTE_BUILD_VERSION "0.1.0"
#endif
#ifndef CTE_BUILD_REVISION
#define CTE_BUILD_REVISION "unknown"
#endif
#ifndef CTE_BUILD_RELEASE_DATE
#define CTE_BUILD_RELEASE_DATE "unknown"
#endif

const char *cte_build_version(void) { return CTE_BUILD_VERSION; }
const char *cte_build_revision(void) { return CTE_BUILD_REVISION; }
const char *cte_build_release_date(void) { return CTE_BUILD_RELEASE_DATE; }
