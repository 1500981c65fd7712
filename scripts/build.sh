#!/usr/bin/env bash
# Release build as users get it. Start-up is what runtimes are compared on:
# - a fully static executable (Swift stdlib, glibc, libseccomp's archive): no dynamic loader
#   at all (~1 ms and ~2 MiB less per start), and every container process is started by
#   re-executing this binary (Sources/CShim/stage0.c), which then costs as little as a
#   static C program does. Nothing in it needs NSS (user look-ups read the files).
# - the executable is not position-independent (like Debian's runc): ~40,000 relative
#   relocations fewer to apply at every start (~1 ms and ~1 MiB of dirtied pages here).
# - the code and data a per-container command touches are laid out together, `state`'s first
#   (lld with scripts/hot-symbols.txt, our modules compiled with one section per function and
#   per datum): the kernel maps a binary's pages 64 KB (or a whole large folio) at a time
#   around each fault, so what is spread over the 18 MB of text and data is what peak RSS and
#   the page-fault time of every start are made of. scripts/hot-symbols.sh regenerates the
#   list; a stale list only costs locality.
# - concrete generic types (KeyedDecodingContainer<CodingKeys>, [String]) are reached through
#   metadata accessors, not by demangling their names at run time: each first use of a name
#   cost a demangle and a scan of every protocol conformance in the binary (~20% of a `state`'s
#   instructions; the text grows by ~50 KB).
set -euo pipefail
cd "$(dirname "$0")/.."
# SwiftPM does not know the ordering file is a link input: relink every time (~1 s).
rm -f .build/release/runtime
swift build -c release --static-swift-stdlib -Xswiftc -static-executable -Xlinker -no-pie \
    -Xswiftc -use-ld=lld -Xswiftc -Xfrontend -Xswiftc -function-sections \
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors \
    -Xlinker --symbol-ordering-file="$(pwd)/scripts/hot-symbols.txt" -Xlinker --no-warn-symbol-ordering \
    --product runtime "$@"
echo "$(pwd)/.build/release/runtime"
