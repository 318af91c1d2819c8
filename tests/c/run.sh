#!/usr/bin/env bash
# Builds libgenie, then compiles and runs genie's C tests and the C and C++ examples against
# both libgenie.so and libgenie.a, natively and under valgrind (no memory errors, no definite
# or indirect leaks). Everything is compiled into target/c-tests/, never into the sources.
# Under valgrind the tests run with GENIE_TEST_SMALL=1, which shrinks their large inputs (the
# 50 MB redaction, long streams, thread rounds) so the memory check stays quick. The client
# tests and examples run against the mock provider binary (tests/mock-provider), built here.
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

step "cargo build --release -p genie-ffi -p genie-mock-provider (also regenerates include/genie.h)"
cargo build --release -p genie-ffi -p genie-mock-provider
export GENIE_MOCK_PROVIDER="$root/target/release/genie-mock-provider"

cflags=(-std=c99 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude)
cxxflags=(-std=c++17 -Wall -Wextra -Werror -pedantic -O1 -g -Iinclude)
shared_libs=(-L"$lib" -lgenie -Wl,-rpath,"$lib" -pthread)
# A Rust staticlib needs the C runtime pieces std uses.
static_libs=("$lib/libgenie.a" -lpthread -ldl -lm)
tests=(test_errors test_sse_conformance test_providers test_bad_input test_redact
    test_redact_bad_input test_client test_client_api test_client_runtime
    test_client_blocking_wait)

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
        support=()
        if [[ "$t" == test_client* ]]; then support=(tests/c/client_support.c); fi
        gcc "${cflags[@]}" tests/c/harness.c "${support[@]}" "tests/c/$t.c" -o "$out/$kind/$t" \
            -lcjson "${libs[@]}"
    done
    gcc "${cflags[@]}" examples/c/decode_stream.c -o "$out/$kind/decode_stream_c" "${libs[@]}"
    g++ "${cxxflags[@]}" examples/cpp/decode_stream.cpp -o "$out/$kind/decode_stream_cpp" \
        "${libs[@]}"
    gcc "${cflags[@]}" examples/c/redact.c -o "$out/$kind/redact_c" "${libs[@]}"
    g++ "${cxxflags[@]}" examples/cpp/redact.cpp -o "$out/$kind/redact_cpp" "${libs[@]}"
    gcc "${cflags[@]}" examples/c/client.c -o "$out/$kind/client_c" "${libs[@]}"
    g++ "${cxxflags[@]}" examples/cpp/client.cpp -o "$out/$kind/client_cpp" "${libs[@]}"
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

# The redaction examples print the same report; it must redact the ticket's values in the
# prompt, restore them in the answer (streamed the same as whole) and redact the streamed answer.
run_redact_examples() { # run_redact_examples <kind> [wrapper...]
    local kind="$1"
    shift
    for example in redact_c redact_cpp; do
        if ! "$@" "$out/$kind/$example" >"$out/$kind/$example.out" 2>&1; then
            cat "$out/$kind/$example.out"
            echo "run.sh: $example failed ($kind)" >&2
            return 1
        fi
    done
    local report="$out/$kind/redact_c.out"
    if ! cmp -s "$report" "$out/$kind/redact_cpp.out"; then
        diff "$report" "$out/$kind/redact_cpp.out" || true
        echo "run.sh: redact_c and redact_cpp disagree ($kind)" >&2
        return 1
    fi
    if sed -n '/^== prompt/,/^== audit/p' "$report" | grep -qE 'maria\.gonzalez@|415 802'; then
        echo "run.sh: the redact example's prompt leaks PII ($kind): $report" >&2
        return 1
    fi
    for want in "new reset link to maria.gonzalez@globex-corp.com" \
        "second account, <EMAIL>, registered with <PHONE>"; do
        if ! grep -qF "$want" "$report"; then
            cat "$report"
            echo "run.sh: the redact example's output lacks \"$want\" ($kind)" >&2
            return 1
        fi
    done
    local whole streamed
    whole="$(sed -n '/^== the model.s answer, restored/{n;p}' "$report")"
    streamed="$(sed -n '/^== the same answer, restored as it streams/{n;p}' "$report")"
    if [ -z "$whole" ] || [ "$whole" != "$streamed" ]; then
        echo "run.sh: the redact example's streamed restore differs from the whole one ($kind)" >&2
        return 1
    fi
    echo "examples: redact_c and redact_cpp agree (output: $report)"
}

# The client examples stream through a route whose first model stalls: each must report
# the stall, the reconnect, the non-stream fallback and the fail-over, and a whole answer from
# the second model. client_c also runs against a mock started here, given its URL.
run_client_examples() { # run_client_examples <kind> [wrapper...]
    local kind="$1"
    shift
    local runs=(client_c client_cpp client_c_url)
    for run in "${runs[@]}"; do
        local report="$out/$kind/$run.out" status=0
        if [ "$run" = client_c_url ]; then
            coproc MOCK { "$GENIE_MOCK_PROVIDER" --exit-on-stdin-eof; }
            local port_line
            read -r port_line <&"${MOCK[0]}"
            "$@" "$out/$kind/client_c" "http://127.0.0.1:${port_line#PORT=}" >"$report" 2>&1 ||
                status=$?
            local mock_pid="$MOCK_PID"
            exec {MOCK[1]}>&-
            wait "$mock_pid" || true
        else
            "$@" "$out/$kind/$run" >"$report" 2>&1 || status=$?
        fi
        if [ "$status" != 0 ]; then
            cat "$report"
            echo "run.sh: $run failed ($kind)" >&2
            return 1
        fi
        for want in "notice    reconnecting:" "notice    non_stream_fallback:" \
            "notice    failed_over:" "reset     discard the text shown so far" \
            "answered by gemini-2.5-flash (mock), finish reason stop, complete: yes" \
            "answer: Genie streams this canonical answer" "never report a truncated answer as complete." \
            "gemini-2.5-pro     stream     STREAM_STALLED" "gemini-2.5-flash   stream     ok"; do
            if ! grep -qF "$want" "$report"; then
                cat "$report"
                echo "run.sh: $run's output lacks \"$want\" ($kind)" >&2
                return 1
            fi
        done
    done
    echo "examples: client_c, client_cpp and client_c with a URL failed over as expected (output: $out/$kind/client_c.out)"
}

export RUST_BACKTRACE=0
for kind in shared static; do
    step "run ($kind)"
    run_all "$kind" all_streams
    run_redact_examples "$kind"
    run_client_examples "$kind"
done

step "example output (C++, default stream)"
"$out/shared/decode_stream_cpp"

step "example output (C++, redaction)"
cat "$out/shared/redact_cpp.out"

step "example output (C++, client)"
cat "$out/shared/client_cpp.out"

if [ "${GENIE_VALGRIND:-1}" != 0 ]; then
    # Possibly-lost blocks are not reported: the redactor's process-lifetime tables (name
    # gazetteer, phone metadata) are hash tables that valgrind sees only through interior
    # pointers. Definite and indirect leaks still fail the run.
    # The client's runtime keeps its worker threads for the life of the process (still
    # reachable, not reported); valgrind.supp lists the false positives of other crates.
    valgrind=(env GENIE_TEST_SMALL=1 valgrind --quiet --leak-check=full --show-possibly-lost=no
        --errors-for-leak-kinds=definite,indirect --error-exitcode=1
        --suppressions="$root/tests/c/valgrind.supp")
    for kind in shared static; do
        step "valgrind ($kind)"
        run_all "$kind" some_streams "${valgrind[@]}"
    done
    # Every process that builds a redactor spends ~10 s under valgrind loading those tables;
    # the examples exercise no library code the tests do not, so they are checked once.
    step "valgrind (redaction examples, shared)"
    run_redact_examples shared "${valgrind[@]}"
    step "valgrind (client examples, shared)"
    run_client_examples shared "${valgrind[@]}"
fi

step "C tests and examples passed"
