#!/usr/bin/env bash
# Builds the cloudwatch-tag-exporter container image with buildah (no daemon, no registry) from ./Containerfile.
#
# Usage:
#   scripts/build-image.sh [--output PATH] [--tag NAME:VERSION]
#       Builds the release binary (static Swift stdlib, stripped), assembles the image's root filesystem, builds
#       the image into the local containers storage as NAME:VERSION, and writes it as an OCI archive to PATH.
#       Defaults: --output .build/image/cloudwatch-tag-exporter.tar, --tag cloudwatch-tag-exporter:<version>.
#       The tag is only the image's name: the version inside the binary and the labels is the source's.
#   scripts/build-image.sh --build-args
#       Prints the --build-arg options that give `docker build -f Containerfile .` this build's version, revision
#       and dates, so a Docker or Podman build is labelled like this script's.
#   scripts/build-image.sh --rootfs-only DIR
#       Builds the binary and assembles the root filesystem in DIR only (what the Containerfile's builder stage runs).
#
# The build's identity comes from git (the working tree's HEAD) unless set in the environment:
#   CTE_VERSION        default: CTE_BUILD_VERSION in Sources/CBuildInfo/CBuildInfo.c
#   CTE_REVISION       default: `git rev-parse --short=12 HEAD`, "-dirty" if tracked files changed; else "unknown"
#   SOURCE_DATE_EPOCH  default: the commit time of HEAD; gives the release date, the image's created time and
#                      every file's mtime, so the same commit builds the same image
# Environment for buildah: STORAGE_DRIVER (default vfs: overlay needs kernel support this sandbox may lack).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

output=.build/image/cloudwatch-tag-exporter.tar
tag=
mode=image
rootfs_only=
while [ $# -gt 0 ]; do
  case $1 in
    --output) output=${2:?--output needs a path}; shift 2 ;;
    --tag) tag=${2:?--tag needs NAME:VERSION}; shift 2 ;;
    --build-args) mode=build-args; shift ;;
    --rootfs-only) mode=rootfs; rootfs_only=${2:?--rootfs-only needs a directory}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "build-image: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

# --- The build's identity -------------------------------------------------------------------------------------------
# Git may be absent (a Docker build context without .git): then the environment or the defaults decide.
in_git() { git rev-parse --is-inside-work-tree >/dev/null 2>&1; }
default_version=$(sed -n 's/^#define CTE_BUILD_VERSION "\(.*\)"$/\1/p' Sources/CBuildInfo/CBuildInfo.c)
version=${CTE_VERSION:-$default_version}
revision=${CTE_REVISION:-}
epoch=${SOURCE_DATE_EPOCH:-}
source_url=unknown
if in_git; then
  if [ -z "$revision" ]; then
    revision=$(git rev-parse --short=12 HEAD)
    # Only tracked files count: untracked scratch files don't go into the build.
    [ -z "$(git status --porcelain --untracked-files=no)" ] || revision="$revision-dirty"
  fi
  [ -n "$epoch" ] || epoch=$(git log -1 --format=%ct)
  source_url=$(git remote get-url origin 2>/dev/null || echo unknown)
fi
revision=${revision:-unknown}
if [ -n "$epoch" ]; then
  release_date=$(date -u -d "@$epoch" +%Y-%m-%d)
  created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
else
  release_date=unknown
  created=unknown
fi
case $version$revision$release_date in
  *[!A-Za-z0-9._+-]*) echo "build-image: version/revision may only contain [A-Za-z0-9._+-]" >&2; exit 2 ;;
esac

args=("VERSION=$version" "REVISION=$revision" "SOURCE_DATE_EPOCH=$epoch" "CREATED=$created" "SOURCE=$source_url")
build_args=()
for arg in "${args[@]}"; do build_args+=(--build-arg "$arg"); done
if [ "$mode" = build-args ]; then
  printf -- '--build-arg %s\n' "${args[@]}"
  exit 0
fi

# Checked before the build too.
tag=${tag:-cloudwatch-tag-exporter:$version}
case $tag in
  *:*) ;;
  *) echo "build-image: --tag must be NAME:VERSION" >&2; exit 2 ;;
esac

# --- The tools ------------------------------------------------------------------------------------------------------
# Every tool this mode needs is checked before the release build, which takes minutes: a missing buildah found only
# after it would waste them. All missing ones are named at once.
tools=(swift strip readelf ldd)
if [ "$mode" = image ]; then tools+=(buildah zstd python3); fi
missing=()
for tool in "${tools[@]}"; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=("ca-certificates (/etc/ssl/certs/ca-certificates.crt)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-image: missing before the build: ${missing[*]}; scripts/install-deps.sh installs them" >&2
  exit 1
fi

# --- The binary -----------------------------------------------------------------------------------------------------
# The values reach the CBuildInfo C target through a header in .build (never the source tree, which stays clean). The
# -I path is the same on every build, so a new revision recompiles one C file and relinks; a changing -D would
# change every compile command and rebuild the whole package. Rewritten only when its content changes, for the
# same reason.
buildinfo_dir=$root/.build/buildinfo
mkdir -p "$buildinfo_dir"
header=$(printf '// Written by scripts/build-image.sh; read by Sources/CBuildInfo/CBuildInfo.c.\n#define CTE_BUILD_VERSION "%s"\n#define CTE_BUILD_REVISION "%s"\n#define CTE_BUILD_RELEASE_DATE "%s"\n' \
  "$version" "$revision" "$release_date")
if [ "$(cat "$buildinfo_dir/cte_build_info_generated.h" 2>/dev/null)" != "$header" ]; then
  printf '%s\n' "$header" >"$buildinfo_dir/cte_build_info_generated.h"
fi

echo "build-image: cloudwatch-tag-exporter $version (revision $revision, released $release_date)"
# --static-swift-stdlib links the Swift runtime and FoundationEssentials into the binary (no module imports the full
# Foundation, so neither FoundationInternationalization nor ICU's data is linked), so the image needs only glibc's
# libraries from the system, and libyaml's (libyaml-0.so.2, 0.1 MB: CLibYAML's module map links -lyaml, which the
# linker resolves to the shared library; the ldd loop below copies it in).
# --no-export-dynamic: an executable needs no dynamic symbol table of its own 40,000 symbols (nothing dlopens into
# it); dropping it makes the binary 4.6 MB smaller (0.9 MB compressed).
swift_build=(swift build -c release --product cloudwatch-tag-exporter --static-swift-stdlib -Xcc "-I$buildinfo_dir"
  -Xlinker --no-export-dynamic)
"${swift_build[@]}"
binary=$("${swift_build[@]}" --show-bin-path)/cloudwatch-tag-exporter
# No ICU: it is 34 MB, and only full Foundation brings it (see README, "Container image").
if ldd "$binary" | grep -q 'libFoundation\|libicu' || grep -q 'icudt[0-9]' "$binary"; then
  echo "build-image: $binary links full Foundation or ICU; every module should import FoundationEssentials only" >&2
  exit 1
fi

# --- The root filesystem --------------------------------------------------------------------------------------------
assemble_rootfs() {
  local dir=$1 lib real interp
  rm -rf "$dir"
  mkdir -p "$dir/etc/ssl/certs" "$dir/config"
  strip --strip-all -o "$dir/cloudwatch-tag-exporter" "$binary"
  chmod 0755 "$dir/cloudwatch-tag-exporter"
  # Exactly the shared libraries the binary loads, at the paths ldd resolves them to (the loader's default search
  # path), plus the program interpreter at the path the binary names. Copies of the real files, not symlinks.
  interp=$(readelf -l "$binary" | sed -n 's/.*\[Requesting program interpreter: \(.*\)\]/\1/p')
  [ -n "$interp" ] || { echo "build-image: $binary names no program interpreter" >&2; return 1; }
  for lib in $interp $(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'); do
    real=$(readlink -f "$lib")
    install -D -m 0755 "$real" "$dir$lib"
  done
  # Nothing may be missing: a "not found" here would fail at the first start of the container instead.
  if ldd "$binary" | grep -q 'not found'; then
    ldd "$binary" >&2
    echo "build-image: unresolved shared libraries" >&2
    return 1
  fi
  # AWS is reached over TLS; swift-nio-ssl looks for this bundle first (Debian's ca-certificates).
  [ -s /etc/ssl/certs/ca-certificates.crt ] ||
    { echo "build-image: /etc/ssl/certs/ca-certificates.crt missing (apt-get install ca-certificates)" >&2; return 1; }
  install -m 0644 /etc/ssl/certs/ca-certificates.crt "$dir/etc/ssl/certs/ca-certificates.crt"
  # The user the image runs as (USER 65534:65534), so tools that map ids to names find one.
  printf 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$dir/etc/passwd"
  printf 'nogroup:x:65534:\n' >"$dir/etc/group"
  # Without nsswitch.conf glibc consults /etc/hosts only when DNS is unavailable; the runtime's /etc/hosts comes first.
  printf 'hosts: files dns\n' >"$dir/etc/nsswitch.conf"
  chmod 0644 "$dir/etc/passwd" "$dir/etc/group" "$dir/etc/nsswitch.conf"
}

if [ "$mode" = rootfs ]; then
  assemble_rootfs "$rootfs_only"
  exit 0
fi

# --- The image ------------------------------------------------------------------------------------------------------
# The name in the archive is the full reference a cluster resolves the short one to (Kubernetes and containerd read
# `cloudwatch-tag-exporter:0.1.0` as docker.io/library/cloudwatch-tag-exporter:0.1.0), so an archive loaded with
# `kind load image-archive` or `k3d image import` is found by the manifests' image name.
first=${tag%%/*}
if [ "$first" = "$tag" ]; then
  ref=docker.io/library/$tag
elif [[ $first != *.* && $first != *:* && $first != localhost ]]; then
  ref=docker.io/$tag
else
  ref=$tag
fi

context=.build/image/context
assemble_rootfs "$context/rootfs"
buildah=(buildah --storage-driver "${STORAGE_DRIVER:-vfs}")
old_id=$("${buildah[@]}" images --quiet --no-trunc "$tag" 2>/dev/null || true)
# bud leaves the stages' working containers and nameless images behind; note what exists, to remove only ours.
containers_before=$("${buildah[@]}" containers --quiet --notruncate 2>/dev/null || true)
dangling_before=$("${buildah[@]}" images --quiet --no-trunc --filter dangling=true 2>/dev/null || true)
# --isolation chroot: this sandbox cannot create the namespaces the default (oci) isolation uses; no RUN step runs
# in the prebuilt path anyway. --identity-label=false: no io.buildah.version label, as with docker build.
# --timestamp: the created time and every file's mtime, for a reproducible image.
"${buildah[@]}" bud --isolation chroot --identity-label=false ${epoch:+--timestamp "$epoch"} \
  --build-arg ROOTFS=prebuilt "${build_args[@]}" -f "$root/Containerfile" -t "$tag" "$context"
new_id=$("${buildah[@]}" images --quiet --no-trunc "$tag")
# The stages' leftovers and the previous build of this tag (now nameless): removed, so repeated builds don't fill
# the storage (vfs keeps a full copy per image). Containers and images that were there before are left alone.
for id in $("${buildah[@]}" containers --quiet --notruncate); do
  grep -qx "$id" <<<"$containers_before" || "${buildah[@]}" rm "$id" >/dev/null 2>&1 || true
done
for id in $("${buildah[@]}" images --quiet --no-trunc --filter dangling=true); do
  grep -qx "$id" <<<"$dangling_before" || "${buildah[@]}" rmi "$id" >/dev/null 2>&1 || true
done
if [ -n "$old_id" ] && [ "$old_id" != "$new_id" ]; then
  "${buildah[@]}" rmi "$old_id" >/dev/null 2>&1 || true
fi

mkdir -p "$(dirname "$output")"
rm -f "$output"
# push compresses the layer as a registry stores it: zstd, not the default gzip, because the static binary carries
# two BoringSSLs. buildah's zstd encoder stops near zstd level 11
# whatever --compression-level says (28.8 MiB), so the archive's layer is then recompressed with the zstd CLI at level
# 19 (about 4 MiB less; the uncompressed layer and the image config stay the same). zstd layers need containerd >=
# 1.5, CRI-O >= 1.19, Podman >= 3 or Docker >= 23.
"${buildah[@]}" push --quiet --compression-format zstd --compression-level 19 "$tag" "oci-archive:$output:$ref"
python3 scripts/image/recompress-oci-archive.py "$output" --level 19 --mtime "${epoch:-0}"
echo "build-image: $tag -> local containers storage and $output ($(du -h "$output" | cut -f1), as $ref)"
