#!/usr/bin/env python3
"""Rewrites the layers of an OCI image archive with the zstd command-line tool at level 19.

Usage: scripts/image/recompress-oci-archive.py ARCHIVE [--level 19] [--mtime EPOCH]

buildah's zstd encoder (klauspost/compress) stops near zstd's level 11 whatever --compression-level says; the zstd
CLI at level 19 makes the exporter's layer about 4 MiB smaller. Only the compressed blobs change: the uncompressed
layer tars, and so the image config and its diff_ids (the image's identity for a runtime), stay byte for byte.
Level 19 keeps zstd's 8 MiB window, which every zstd decoder accepts (levels 20-22 need larger windows that some
runtimes refuse). The manifest and the index are rewritten with the new digests and sizes; the archive is
re-tarred in sorted order with fixed owners and mtimes, so the same image gives the same archive.
"""
import argparse
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

LAYER_TYPES = {
    "application/vnd.oci.image.layer.v1.tar+zstd": ["zstd", "-d", "-c", "-q"],
    "application/vnd.oci.image.layer.v1.tar+gzip": ["gzip", "-d", "-c"],
    "application/vnd.oci.image.layer.v1.tar": ["cat"],
}
ZSTD_LAYER = "application/vnd.oci.image.layer.v1.tar+zstd"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive")
    parser.add_argument("--level", type=int, default=19, choices=range(1, 20))
    parser.add_argument("--mtime", type=int, default=0)
    args = parser.parse_args()

    with tarfile.open(args.archive) as tar:
        members = {m.name.lstrip("./"): m for m in tar.getmembers() if m.isfile()}
        files = {name: tar.extractfile(m).read() for name, m in members.items()}

    def blob(descriptor: dict) -> bytes:
        algorithm, _, hexdigest = descriptor["digest"].partition(":")
        data = files[f"blobs/{algorithm}/{hexdigest}"]
        if digest_of(data) != descriptor["digest"]:
            raise SystemExit(f"recompress: blob {descriptor['digest']} does not match its digest")
        return data

    def put(data: bytes) -> str:
        digest = digest_of(data)
        files["blobs/sha256/" + digest.split(":", 1)[1]] = data
        return digest

    index = json.loads(files["index.json"])
    before = after = 0
    for entry in index["manifests"]:
        manifest = json.loads(blob(entry))
        for layer in manifest["layers"]:
            decompress = LAYER_TYPES.get(layer["mediaType"])
            if decompress is None:
                raise SystemExit(f"recompress: unknown layer type {layer['mediaType']}")
            compressed = blob(layer)
            raw = subprocess.run(decompress, input=compressed, capture_output=True, check=True).stdout
            recompressed = subprocess.run(
                ["zstd", f"-{args.level}", "-T0", "-q", "-c", "--no-check"], input=raw, capture_output=True, check=True
            ).stdout
            before += len(compressed)
            after += len(recompressed)
            layer.update(mediaType=ZSTD_LAYER, digest=put(recompressed), size=len(recompressed))
        manifest_bytes = json.dumps(manifest, separators=(",", ":")).encode()
        entry.update(digest=put(manifest_bytes), size=len(manifest_bytes))
    files["index.json"] = json.dumps(index, separators=(",", ":")).encode()

    # Only what the new index reaches stays in the archive.
    reachable = {"oci-layout", "index.json"}
    for entry in index["manifests"]:
        reachable.add("blobs/sha256/" + entry["digest"].split(":", 1)[1])
        manifest = json.loads(blob(entry))
        for descriptor in [manifest["config"], *manifest["layers"]]:
            reachable.add("blobs/sha256/" + descriptor["digest"].split(":", 1)[1])
    missing = reachable - files.keys()
    if missing:
        raise SystemExit(f"recompress: archive lacks {sorted(missing)}")

    directory = os.path.dirname(os.path.abspath(args.archive))
    with tempfile.NamedTemporaryFile(dir=directory, delete=False) as temporary:
        with tarfile.open(fileobj=temporary, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in ["blobs", "blobs/sha256"]:
                info = tarfile.TarInfo(name)
                info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, args.mtime
                tar.addfile(info)
            for name in sorted(reachable):
                info = tarfile.TarInfo(name)
                info.size, info.mode, info.mtime = len(files[name]), 0o644, args.mtime
                tar.addfile(info, io.BytesIO(files[name]))
    os.replace(temporary.name, args.archive)
    os.chmod(args.archive, 0o644)
    print(f"recompress: layers {before} -> {after} bytes (zstd -{args.level})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
