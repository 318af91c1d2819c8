/*
 * genie's runtime from C: GENIE_WORKER_THREADS sets how many worker threads it starts, read
 * when the first client is made. A bad value fails genie_client_new with
 * GENIE_STATUS_INVALID_CONFIG naming the variable and starts nothing; the next client, with
 * the variable fixed, starts the runtime with that many workers (counted by name in
 * /proc/self/task) and serves calls. One process per run, since the runtime starts once.
 *
 * Usage: test_client_runtime [fixtures-dir]   (the directory is not used). GENIE_MOCK_PROVIDER:
 * the mock binary (default target/release/genie-mock-provider).
 */
#define _POSIX_C_SOURCE 200809L /* setenv */

#include <stdio.h>
#include <stdlib.h>

#include "client_support.h"

static const char *const MODELS = "{\"models\": {\"m\": {\"provider\": \"openai\"}}}";

static void test_a_bad_value_is_refused(void) {
    check_runtime_variable_refused(MODELS, "GENIE_WORKER_THREADS", "zero");
}

static void test_the_variable_sets_the_workers(void) {
    setenv("GENIE_WORKER_THREADS", "3", 1);
    genie_client *client = make_client(MODELS);
    call_run run = run_model(client, "m");
    check_canonical(&run, "a call on a three-worker runtime");
    call_run_free(&run);
    /* A thread takes its name once it runs: give the workers a moment to show up. */
    int workers = genie_worker_threads();
    for (int i = 0; i < 500 && workers != 3; i++) {
        sleep_ms(10);
        workers = genie_worker_threads();
    }
    if (!CHECK(workers == 3, "three genie-worker threads")) {
        fprintf(stderr, "  counted %d\n", workers);
    }
    genie_client_free(client);
}

int main(void) {
    mock_start();
    test_a_bad_value_is_refused();
    test_the_variable_sets_the_workers();
    mock_stop();
    return harness_finish("client runtime");
}
