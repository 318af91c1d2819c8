#!/usr/bin/env bash
# Builds libgenie, then compiles and runs genie's C tests and the C and C++ examples against
# both libgenie.so and libgenie.a, natively and under valgrind (no memory errors, no definite
# or indirect leaks). Everything is compiled into target/c-tests/, never into the sources.
#
# Needs a Rust toolchain, gcc and g++, plus (Debian/Ubuntu; this script installs nothing):
#   apt-get install -y libcjson-dev valgrind
#
# Usage: tests/c/run.sh     (from any directory)
# Environment:
#   GENIE_FIXTURES   the fixtures directory to replay (default: tests/fixtures)
#   GENIE_VALGRIND=0 skip the valgrind runs
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
fixtures="${GENIE_FIXTURES:-tests/fixtures}"
out="target/c-tests"
lib="$root/target/release"

for tool in cargo gcc g++; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 1; }
done
if [ ! -f /usr/include/cjson/cJSON.h ]; then
    echo "run.sh: cJSON is missing: apt-get install -y libcjson-dev" >&2
    exit 1
fi
if [ "${GENIE_VALGRIND:-1}" != 0 ] && ! command -v valgrind >/dev/null; then
    echo "run.sh: valgrind is missing: apt-get install -y valgrind (or GENIE_VALGRIND=0)" >&2
    exit 1
fi

step() { printf '\n== %s\n' "$*"; }

step "cargo build --release -p genie-ffi (also regenerates include/genie.h)"
cargo build --release -p genie-ffi

cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude)
cxxflags=(-std=c++17 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude)
shared_libs=(-L"$lib" -lgenie -Wl,-rpath,"$lib" -pthread)
# A Rust staticlib needs the C runtime pieces std uses.
static_libs=("$lib/libgenie.a" -lpthread -ldl -lm)
tests=(test_errors test_sse_conformance test_providers test_bad_input)

mkdir -p "$out/shared" "$out/static"

step "the header compiles alone as C99 and as C++17"
printf '#include "genie.h"\nint main(void) { return genie_version() == 0; }\n' \
    >"$out/header_check.c"
gcc "${cflags[@]}" -c "$out/header_check.c" -o "$out/header_check_c.o"
g++ "${cxxflags[@]}" -x c++ -c "$out/header_check.c" -o "$out/header_check_cpp.o"

for kind in shared static; do
    step "compile against libgenie ($kind)"
    if [ "$kind" = shared ]; then libs=("${shared_libs[@]}"); else libs=("${static_libs[@]}"); fi
    for t in "${tests[@]}"; do
        gcc "${cflags[@]}" tests/c/harness.c "tests/c/$t.c" -o "$out/$kind/$t" -lcjson "${libs[@]}"
    done
    gcc "${cflags[@]}" examples/c/decode_stream.c -o "$out/$kind/decode_stream_c" "${libs[@]}"
    g++ "${cxxflags[@]}" examples/cpp/decode_stream.cpp -o "$out/$kind/decode_stream_cpp" \
        "${libs[@]}"
done
if [ "$(ldd "$out/static/test_errors" | grep -c libgenie || true)" != 0 ]; then
    echo "run.sh: the static build links libgenie.so" >&2
    exit 1
fi

# The examples decode every provider stream in the fixtures, plus their default; under
# valgrind (about a second per start) the default and one stream per provider.
all_streams=("")
some_streams=("")
seen_providers=" "
for file in "$fixtures"/providers/*.sse; do
    [ -e "$file" ] || continue
    name="$(basename "$file" .sse)"
    for provider in openai-responses openai anthropic gemini; do
        if [[ "$name" == "$provider"-* ]]; then
            all_streams+=("$provider $file")
            if [[ "$seen_providers" != *" $provider "* ]]; then
                some_streams+=("$provider $file")
                seen_providers+="$provider "
            fi
            break
        fi
    done
done

run_all() { # run_all <kind> <streams array name> [wrapper...]
    local kind="$1"
    local -n streams="$2"
    shift 2
    for t in "${tests[@]}"; do
        "$@" "$out/$kind/$t" "$fixtures"
    done
    local log="$out/$kind/examples.log"
    : >"$log"
    for example in decode_stream_c decode_stream_cpp; do
        for args in "${streams[@]}"; do
            echo "+ $example $args" >>"$log"
            # shellcheck disable=SC2086 # args is "provider path", split on purpose
            if ! "$@" "$out/$kind/$example" $args >>"$log" 2>&1; then
                cat "$log"
                echo "run.sh: $example ${args:-(defaults)} failed ($kind)" >&2
                return 1
            fi
        done
    done
    echo "examples: decode_stream_c and decode_stream_cpp each decoded ${#streams[@]} streams (output: $log)"
}

export RUST_BACKTRACE=0
for kind in shared static; do
    step "run ($kind)"
    run_all "$kind" all_streams
done

step "example output (C++, default stream)"
"$out/shared/decode_stream_cpp"

if [ "${GENIE_VALGRIND:-1}" != 0 ]; then
    valgrind=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect
        --error-exitcode=1)
    for kind in shared static; do
        step "valgrind ($kind)"
        run_all "$kind" some_streams "${valgrind[@]}"
    done
fi

step "C tests and examples passed"
