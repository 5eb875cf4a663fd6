#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every fuzz target of fuzz/CMakeLists.txt, linked with
# $LIB_FUZZING_ENGINE, compiled with $CXX $CXXFLAGS, installed into $OUT with its dictionary,
# .options file and zipped seed corpus (<target>_seed_corpus.zip). Runs from the source folder
# (the image's WORKDIR) or from anywhere for a local check, e.g.
#   CC=clang CXX=clang++ CFLAGS="-fsanitize=address,fuzzer-no-link" \
#   CXXFLAGS="-fsanitize=address,fuzzer-no-link" LIB_FUZZING_ENGINE=-fsanitize=fuzzer \
#   OUT="$(mktemp -d)" bash .clusterfuzzlite/build.sh
src="${SAH_SOURCE_DIR:-$PWD}"
[[ -f "$src/fuzz/CMakeLists.txt" ]] || src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${WORK:-/tmp}/sah-fuzz-build"
: "${OUT:?OUT must name the output folder}" "${CXX:=clang++}" "${CXXFLAGS:=}" "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
mkdir -p "$OUT"

cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DSAH_BUILD_TESTS=OFF -DSAH_BUILD_BENCH=OFF \
  -DSAH_FUZZ_LINKMAIN=OFF -DSAH_FUZZ_LDFLAGS="$LIB_FUZZING_ENGINE"

mapfile -t targets < <(sed -n 's/^sah_fuzzer(\([a-z0-9_]*\).*/\1/p' "$src/fuzz/CMakeLists.txt")
cmake --build "$build" -j"${SAH_BUILD_JOBS:-$(nproc)}" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
  cp "$build/fuzz/fuzz_$t" "$OUT/"
  [[ -f "$src/fuzz/$t.dict" ]] && cp "$src/fuzz/$t.dict" "$OUT/"
  [[ -f "$src/fuzz/$t.options" ]] && cp "$src/fuzz/$t.options" "$OUT/fuzz_$t.options"
  if [[ -d "$src/corpus/$t" ]]; then
    rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
    (cd "$src/corpus/$t" && zip -q -r "$OUT/fuzz_${t}_seed_corpus.zip" .)
  fi
done
echo "built ${#targets[@]} fuzz targets into $OUT"
