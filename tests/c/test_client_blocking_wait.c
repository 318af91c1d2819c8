/*
 * How a thread blocked in genie_client_complete waits (genie_core's client::handover): it
 * busy-waits up to GENIE_BLOCKING_SPIN_US microseconds before it sleeps, only while its recent
 * waits were that short and a core is spare. A bad value fails genie_client_new with
 * GENIE_STATUS_INVALID_CONFIG naming the variable; the next client, with the variable fixed,
 * starts the runtime under it. One process per run, since the variable is read once.
 *
 * Natively (not under valgrind, which runs one thread at a time and wakes them itself), it
 * checks that fast calls skip the sleep (sleeps counted in /proc/thread-self/status) and that a
 * slow provider costs one spin, not one per wait (the thread's CPU time).
 *
 * Usage: test_client_blocking_wait [fixtures-dir]   (the directory is not used).
 * GENIE_MOCK_PROVIDER: the mock binary (default target/release/genie-mock-provider).
 */
#define _GNU_SOURCE /* setenv, clock_gettime, sched_getaffinity */

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "client_support.h"

static const char *const MODELS =
    "{\"models\": {\"fast\": {\"provider\": \"openai\"}, \"slow\": {\"provider\": \"openai\"}}}";

/* The longest budget: far beyond what the mock needs, so a busy machine does not turn spins
 * into sleeps. */
static const char *const SPIN_US = "10000";

static void test_a_bad_value_is_refused(void) {
    check_runtime_variable_refused(MODELS, "GENIE_BLOCKING_SPIN_US", "fast");
    setenv("GENIE_BLOCKING_SPIN_US", SPIN_US, 1);
}

/* This thread's voluntary context switches (its sleeps), or -1 without /proc. */
static long sleeps(void) {
    FILE *status = fopen("/proc/thread-self/status", "r");
    if (status == NULL) {
        return -1;
    }
    char line[256];
    long count = -1;
    while (fgets(line, sizeof line, status) != NULL) {
        if (sscanf(line, "voluntary_ctxt_switches: %ld", &count) == 1) {
            break;
        }
    }
    fclose(status);
    return count;
}

static double thread_cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* One genie_client_complete of `model`; checks it gave the canonical answer. */
static void complete(genie_client *client, const char *model) {
    char request[REQUEST_CAP];
    hi_request(request, model);
    genie_call_summary *summary = NULL;
    if (CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                     GENIE_STATUS_OK, model)) {
        genie_str text;
        CHECK_STATUS(genie_call_summary_text(summary, &text), GENIE_STATUS_OK, "text");
        CHECK(genie_str_eq(text, CANONICAL), "the canonical answer");
    }
    genie_call_summary_free(summary);
}

/* The cores this process may run on, as genie counts its spare ones (affinity included). */
static int cores(void) {
    cpu_set_t set;
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

static void test_fast_calls_skip_the_sleep(genie_client *client) {
    if (sleeps() < 0 || cores() < 2) {
        printf("skipped: fast calls skip the sleep (needs /proc and a core beside the worker)\n");
        return;
    }
    complete(client, "fast"); /* connects */
    int slept = 0;
    for (int i = 0; i < 50; i++) {
        long before = sleeps();
        complete(client, "fast");
        slept += sleeps() > before;
    }
    if (!CHECK(slept <= 25, "most fast calls are served without the thread sleeping")) {
        fprintf(stderr, "  %d of 50 calls slept\n", slept);
    }
}

static void test_a_slow_provider_costs_one_spin(genie_client *client) {
    /* Ten calls whose first byte takes 100 ms: spinning each wait out (10 ms) would cost 100 ms
     * of CPU, spinning through the waits a second; learning after the first, ~10 ms. */
    mock_fault("slow", "slow_first_byte=100");
    complete(client, "slow");
    double cpu = thread_cpu_ms();
    for (int i = 0; i < 10; i++) {
        complete(client, "slow");
    }
    cpu = thread_cpu_ms() - cpu;
    if (!CHECK(cpu < 60.0, "a slow provider costs the waiting thread little CPU")) {
        fprintf(stderr, "  %.1f ms of CPU for ten calls\n", cpu);
    }
}

int main(void) {
    mock_start();
    test_a_bad_value_is_refused();
    genie_client *client = make_client(MODELS);
    complete(client, "fast");
    if (test_small()) {
        printf("skipped under valgrind: sleep counts and CPU time\n");
    } else {
        test_fast_calls_skip_the_sleep(client);
        test_a_slow_provider_costs_one_spin(client);
    }
    genie_client_free(client);
    mock_stop();
    return harness_finish("client blocking wait");
}
