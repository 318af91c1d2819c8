/*
 * genie's C client API contract, against the mock provider: every provider kind answered
 * through genie_stream_next and genie_client_complete (events, summary accessors, attempts),
 * genie_stream_next's timeouts (0 polls: GENIE_STATUS_WOULD_BLOCK; a short timeout returns
 * on time), NULL for every pointer, invalid configurations and requests (the status, and the
 * path of the bad value in genie_last_error_message), configuration files, and one client
 * shared by four threads at once.
 *
 * Usage: test_client_api [fixtures-dir]   (the directory is not used). GENIE_MOCK_PROVIDER:
 * the mock binary (default target/release/genie-mock-provider). GENIE_TEST_SMALL=1 (run.sh
 * under valgrind): fewer calls per thread.
 */
#define _POSIX_C_SOURCE 200809L /* mkstemp */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_support.h"

static const char *const MODELS =
    "{\"models\": {\"m-openai\": {\"provider\": \"openai\"},"
    " \"m-gemini\": {\"provider\": \"gemini\"}, \"m-anthropic\": {\"provider\": \"anthropic\"},"
    " \"m-responses\": {\"provider\": \"responses\"}}}";
static const char *const MODEL_NAMES[4] = {"m-openai", "m-gemini", "m-anthropic",
                                           "m-responses"};
static const char *const PROVIDER_NAMES[4] = {"openai", "gemini", "anthropic", "responses"};

static void test_every_provider(genie_client *client) {
    for (int i = 0; i < 4; i++) {
        mock_reset();
        const char *model = MODEL_NAMES[i];
        char request[REQUEST_CAP];
        hi_request(request, model);
        /* The first events, field by field. */
        genie_stream *stream = NULL;
        CHECK_STATUS(genie_client_stream(client, request, strlen(request), &stream),
                     GENIE_STATUS_OK, model);
        genie_call_event ev;
        CHECK_STATUS(genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev), GENIE_STATUS_OK,
                     model);
        CHECK(ev.type == GENIE_CALL_EVENT_STARTED && genie_str_eq(ev.model, model) &&
                  genie_str_eq(ev.provider, PROVIDER_NAMES[i]) && ev.attempt == 1 &&
                  genie_str_eq(ev.mode, "stream"),
              "STARTED");
        CHECK(ev.text.ptr == NULL && ev.reason.ptr == NULL && ev.kind.ptr == NULL &&
                  ev.message.ptr == NULL && ev.delay_ms == -1 && ev.summary == NULL &&
                  ev.usage.output_tokens == -1,
              "STARTED: the other fields are absent");
        CHECK_STATUS(genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev), GENIE_STATUS_OK,
                     model);
        CHECK(ev.type == GENIE_CALL_EVENT_TEXT && ev.text.len > 0 &&
                  memcmp(ev.text.ptr, CANONICAL, ev.text.len) == 0 && ev.model.ptr == NULL &&
                  ev.attempt == 0,
              "TEXT: the answer's start, the other fields absent");
        genie_stream_free(stream); /* freeing a running stream cancels it */

        call_run run = run_model(client, model);
        check_canonical(&run, model);
        CHECK(owned_eq(run.model, model), "the summary's model");
        CHECK(strcmp(run.attempts_text, "") != 0 && run.attempt_count == 1, "one attempt");
        CHECK(run.attempts[0].http_status == 200 && run.attempts[0].waited_ms == 0,
              "attempt fields");
        CHECK(run.starts == 1 && run.resets == 0 && run.texts >= 1, "a clean stream");
        call_run_free(&run);

        /* genie_client_complete: the same answer as an owned summary. */
        genie_call_summary *summary = NULL;
        CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                     GENIE_STATUS_OK, model);
        genie_str text, name, provider, reason, raw;
        genie_usage usage;
        genie_call_timings timings;
        bool complete = false;
        uint64_t malformed = 99;
        size_t attempts = 0;
        genie_attempt attempt;
        CHECK_STATUS(genie_call_summary_text(summary, &text), GENIE_STATUS_OK, "text");
        CHECK(genie_str_eq(text, CANONICAL), "complete(): the whole answer");
        CHECK_STATUS(genie_call_summary_model(summary, &name, &provider), GENIE_STATUS_OK, "m");
        CHECK(genie_str_eq(name, model) && genie_str_eq(provider, PROVIDER_NAMES[i]), "model");
        CHECK_STATUS(genie_call_summary_finish_reason(summary, &reason, &raw), GENIE_STATUS_OK,
                     "finish");
        CHECK(genie_str_eq(reason, "stop") && raw.ptr != NULL, "finish reason");
        CHECK_STATUS(genie_call_summary_usage(summary, &usage), GENIE_STATUS_OK, "usage");
        CHECK(usage.output_tokens == CANONICAL_WORDS && usage.input_tokens > 0, "usage");
        CHECK_STATUS(genie_call_summary_complete(summary, &complete), GENIE_STATUS_OK, "complete");
        CHECK(complete, "complete");
        CHECK_STATUS(genie_call_summary_malformed_events(summary, &malformed), GENIE_STATUS_OK,
                     "malformed");
        CHECK(malformed == 0, "no malformed events");
        CHECK_STATUS(genie_call_summary_timings(summary, &timings), GENIE_STATUS_OK, "timings");
        CHECK(timings.ttfb_ms > 0 && timings.ttft_ms >= timings.ttfb_ms &&
                  timings.total_ms >= timings.ttft_ms,
              "timings are in order");
        CHECK_STATUS(genie_call_summary_attempts_len(summary, &attempts), GENIE_STATUS_OK, "n");
        CHECK(attempts == 1, "one attempt");
        CHECK_STATUS(genie_call_summary_attempt(summary, 0, &attempt), GENIE_STATUS_OK, "0");
        CHECK(genie_str_eq(attempt.outcome, "ok") && genie_str_eq(attempt.model, model) &&
                  attempt.error_code.ptr == NULL && attempt.http_status == 200,
              "the attempt");
        CHECK_STATUS(genie_call_summary_attempt(summary, 1, &attempt),
                     GENIE_STATUS_INVALID_ARGUMENT, "past the end");
        genie_call_summary_free(summary);
        CHECK(mock_attempts(model) == 3, "three calls reached the mock");
    }
}

static void expect_last_error(const char *needle, const char *context) {
    const char *message = genie_last_error_message();
    if (!CHECK(strstr(message, needle) != NULL, context)) {
        fprintf(stderr, "  message: %s\n  expected it to contain: %s\n", message, needle);
    }
}

static void test_timeouts(genie_client *client) {
    /* Timeout 0 polls: the call still completes, with WOULD_BLOCK in between. */
    mock_reset();
    mock_fault("m-openai", "delay_ms=50");
    char request[REQUEST_CAP];
    hi_request(request, "m-openai");
    call_run run = run_request(client, request, 0);
    check_canonical(&run, "polled with timeout 0");
    CHECK(run.would_block > 0, "WOULD_BLOCK while the deltas are paced");
    call_run_free(&run);

    /* A short timeout returns WOULD_BLOCK on time, and the call goes on. */
    mock_reset();
    mock_fault("m-openai", "slow_first_token=600");
    genie_stream *stream = NULL;
    CHECK_STATUS(genie_client_stream(client, request, strlen(request), &stream), GENIE_STATUS_OK,
                 "stream");
    genie_call_event ev;
    genie_status status;
    while ((status = genie_stream_next(stream, 1000, &ev)) == GENIE_STATUS_OK &&
           ev.type != GENIE_CALL_EVENT_STARTED) {
    }
    CHECK_STATUS(status, GENIE_STATUS_OK, "STARTED");
    CHECK_STATUS(genie_stream_cancel(NULL), GENIE_STATUS_NULL_ARGUMENT, "sets the message");
    double start = now_ms();
    status = genie_stream_next(stream, 50, &ev);
    CHECK_STATUS(status, GENIE_STATUS_WOULD_BLOCK, "no text within 50 ms");
    CHECK_MS(now_ms() - start, 45, 150, "a 50 ms timeout");
    expect_last_error("stream: must not be NULL", "WOULD_BLOCK is not an error");
    int would_block = 0;
    while ((status = genie_stream_next(stream, 100, &ev)) == GENIE_STATUS_WOULD_BLOCK ||
           (status == GENIE_STATUS_OK && ev.type != GENIE_CALL_EVENT_TEXT)) {
        would_block += status == GENIE_STATUS_WOULD_BLOCK;
    }
    CHECK_STATUS(status, GENIE_STATUS_OK, "then the text");
    CHECK(would_block >= 3, "about 600 ms of 100 ms timeouts before the first token");
    CHECK(ev.text.len > 0 && memcmp(ev.text.ptr, CANONICAL, ev.text.len) == 0,
          "the first delta");
    genie_stream_free(stream);
    mock_reset();
}

static void test_null_arguments(genie_client *client) {
    char request[REQUEST_CAP];
    hi_request(request, "m-openai");
    size_t len = strlen(request);
    genie_client *c = (genie_client *)1;
    CHECK_STATUS(genie_client_new("{}", 2, NULL), GENIE_STATUS_NULL_ARGUMENT, "new: out");
    expect_last_error("client_out", "names the parameter");
    CHECK_STATUS(genie_client_new(NULL, 5, &c), GENIE_STATUS_NULL_ARGUMENT, "new: NULL + len");
    CHECK(c == NULL, "the output is NULL after a failure");
    CHECK_STATUS(genie_client_new_from_path(NULL, &c), GENIE_STATUS_NULL_ARGUMENT, "path");
    expect_last_error("path", "names the parameter");
    CHECK_STATUS(genie_client_new_from_path("x.json", NULL), GENIE_STATUS_NULL_ARGUMENT, "out");

    genie_stream *stream = (genie_stream *)1;
    CHECK_STATUS(genie_client_stream(NULL, request, len, &stream), GENIE_STATUS_NULL_ARGUMENT,
                 "stream: client");
    CHECK(stream == NULL, "the output is NULL after a failure");
    CHECK_STATUS(genie_client_stream(client, NULL, len, &stream), GENIE_STATUS_NULL_ARGUMENT,
                 "stream: request");
    expect_last_error("request_json", "names the parameter");
    CHECK_STATUS(genie_client_stream(client, request, len, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "stream: out");
    genie_call_summary *summary = (genie_call_summary *)1;
    CHECK_STATUS(genie_client_complete(NULL, request, len, &summary),
                 GENIE_STATUS_NULL_ARGUMENT, "complete: client");
    CHECK(summary == NULL, "the output is NULL after a failure");
    CHECK_STATUS(genie_client_complete(client, NULL, len, &summary),
                 GENIE_STATUS_NULL_ARGUMENT, "complete: request");
    CHECK_STATUS(genie_client_complete(client, request, len, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "complete: out");
    expect_last_error("summary_out", "names the parameter");

    genie_call_event ev;
    genie_call_error error;
    genie_attempt attempt;
    CHECK_STATUS(genie_stream_next(NULL, 0, &ev), GENIE_STATUS_NULL_ARGUMENT, "next: stream");
    CHECK_STATUS(genie_stream_cancel(NULL), GENIE_STATUS_NULL_ARGUMENT, "cancel");
    CHECK_STATUS(genie_stream_error(NULL, &error), GENIE_STATUS_NULL_ARGUMENT, "error");
    CHECK_STATUS(genie_stream_attempts_len(NULL, &len), GENIE_STATUS_NULL_ARGUMENT, "len");
    CHECK_STATUS(genie_stream_attempt(NULL, 0, &attempt), GENIE_STATUS_NULL_ARGUMENT, "attempt");
    CHECK_STATUS(genie_client_stream(client, request, strlen(request), &stream),
                 GENIE_STATUS_OK, "a stream");
    CHECK_STATUS(genie_stream_next(stream, 0, NULL), GENIE_STATUS_NULL_ARGUMENT, "next: out");
    expect_last_error("event_out", "names the parameter");
    CHECK_STATUS(genie_stream_error(stream, NULL), GENIE_STATUS_NULL_ARGUMENT, "error: out");
    CHECK_STATUS(genie_stream_attempts_len(stream, NULL), GENIE_STATUS_NULL_ARGUMENT, "len");
    CHECK_STATUS(genie_stream_attempt(stream, 0, NULL), GENIE_STATUS_NULL_ARGUMENT, "attempt");
    CHECK_STATUS(genie_stream_attempt(stream, 0, &attempt), GENIE_STATUS_INVALID_ARGUMENT,
                 "no attempts while it runs");
    CHECK_STATUS(genie_stream_error(stream, &error), GENIE_STATUS_OK, "error while it runs");
    CHECK(error.status == GENIE_STATUS_OK && error.http_status == -1 &&
              error.retry_after_ms == -1 && error.message.ptr == NULL,
          "no error while it runs");
    genie_stream_free(stream);

    CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                 GENIE_STATUS_OK, "a summary");
    genie_str s;
    genie_usage usage;
    genie_call_timings timings;
    bool complete;
    uint64_t count;
    const genie_call_summary *none = NULL;
    CHECK_STATUS(genie_call_summary_model(none, &s, &s), GENIE_STATUS_NULL_ARGUMENT, "model");
    CHECK_STATUS(genie_call_summary_model(summary, NULL, &s), GENIE_STATUS_NULL_ARGUMENT, "m");
    CHECK_STATUS(genie_call_summary_model(summary, &s, NULL), GENIE_STATUS_NULL_ARGUMENT, "p");
    CHECK_STATUS(genie_call_summary_text(none, &s), GENIE_STATUS_NULL_ARGUMENT, "text");
    CHECK_STATUS(genie_call_summary_text(summary, NULL), GENIE_STATUS_NULL_ARGUMENT, "text");
    CHECK_STATUS(genie_call_summary_usage(none, &usage), GENIE_STATUS_NULL_ARGUMENT, "usage");
    CHECK_STATUS(genie_call_summary_usage(summary, NULL), GENIE_STATUS_NULL_ARGUMENT, "usage");
    CHECK_STATUS(genie_call_summary_finish_reason(none, &s, &s), GENIE_STATUS_NULL_ARGUMENT,
                 "finish");
    CHECK_STATUS(genie_call_summary_finish_reason(summary, NULL, &s),
                 GENIE_STATUS_NULL_ARGUMENT, "finish");
    CHECK_STATUS(genie_call_summary_finish_reason(summary, &s, NULL),
                 GENIE_STATUS_NULL_ARGUMENT, "raw");
    CHECK_STATUS(genie_call_summary_complete(none, &complete), GENIE_STATUS_NULL_ARGUMENT, "c");
    CHECK_STATUS(genie_call_summary_complete(summary, NULL), GENIE_STATUS_NULL_ARGUMENT, "c");
    CHECK_STATUS(genie_call_summary_timings(none, &timings), GENIE_STATUS_NULL_ARGUMENT, "t");
    CHECK_STATUS(genie_call_summary_timings(summary, NULL), GENIE_STATUS_NULL_ARGUMENT, "t");
    CHECK_STATUS(genie_call_summary_malformed_events(none, &count), GENIE_STATUS_NULL_ARGUMENT,
                 "malformed");
    CHECK_STATUS(genie_call_summary_malformed_events(summary, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "malformed");
    CHECK_STATUS(genie_call_summary_attempts_len(none, &len), GENIE_STATUS_NULL_ARGUMENT, "n");
    CHECK_STATUS(genie_call_summary_attempts_len(summary, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "n");
    CHECK_STATUS(genie_call_summary_attempt(none, 0, &attempt), GENIE_STATUS_NULL_ARGUMENT, "a");
    CHECK_STATUS(genie_call_summary_attempt(summary, 0, NULL), GENIE_STATUS_NULL_ARGUMENT, "a");
    expect_last_error("attempt_out", "names the parameter");
    genie_call_summary_free(summary);

    genie_client_free(NULL);
    genie_stream_free(NULL);
    genie_call_summary_free(NULL);
}

/* A config that must fail with `want`, naming `needle` in the message. */
static void bad_config(const char *json, genie_status want, const char *needle) {
    genie_client *client = (genie_client *)1;
    CHECK_STATUS(genie_client_new(json, strlen(json), &client), want, json);
    CHECK(client == NULL, "no client");
    expect_last_error(needle, json);
}

static void bad_request(genie_client *client, const char *json, size_t len, genie_status want,
                        const char *needle) {
    genie_stream *stream = (genie_stream *)1;
    CHECK_STATUS(genie_client_stream(client, json, len, &stream), want, json);
    CHECK(stream == NULL, "no stream");
    expect_last_error(needle, json);
    genie_call_summary *summary = (genie_call_summary *)1;
    CHECK_STATUS(genie_client_complete(client, json, len, &summary), want, json);
    CHECK(summary == NULL, "no summary");
    expect_last_error(needle, json);
}

static void test_bad_input(genie_client *client) {
    bad_config("{\"timeouts\": {\"stall_gap_ms\": 0}}", GENIE_STATUS_INVALID_CONFIG,
               "timeouts.stall_gap_ms");
    const char *kind = "{\"providers\": {\"x\": {\"kind\": \"cohere\"}}}";
    bad_config(kind, GENIE_STATUS_INVALID_CONFIG, "providers.x.kind");
    const char *route = "{\"providers\": {\"o\": {\"kind\": \"openai\"}}, \"models\": {\"a\": "
                        "{\"provider\": \"o\"}}, \"fallbacks\": {\"a\": [\"nope\"]}}";
    bad_config(route, GENIE_STATUS_INVALID_CONFIG, "fallbacks.a[0]");
    const char *key = "{\"providers\": {\"o\": {\"kind\": \"openai\", \"api_key_env\": "
                      "\"GENIE_C_TEST_UNSET_KEY\"}}, \"models\": {\"a\": {\"provider\": \"o\"}}}";
    unsetenv("GENIE_C_TEST_UNSET_KEY");
    bad_config(key, GENIE_STATUS_INVALID_CONFIG, "GENIE_C_TEST_UNSET_KEY");
    bad_config("{\"timeouts\": ", GENIE_STATUS_INVALID_CONFIG, "EOF");
    bad_config("[1, 2]", GENIE_STATUS_INVALID_CONFIG, "JSON object");
    bad_config("{\"x\xff\": 1}", GENIE_STATUS_INVALID_UTF8, "byte 3");

    /* Files: the message names the file. */
    char path[] = "/tmp/genie-client-config-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "mkstemp");
    char *config = client_config(MODELS);
    CHECK(write(fd, config, strlen(config)) == (ssize_t)strlen(config), "write");
    close(fd);
    free(config);
    genie_client *from_file = NULL;
    CHECK_STATUS(genie_client_new_from_path(path, &from_file), GENIE_STATUS_OK, "from a file");
    call_run run = run_model(from_file, "m-gemini");
    check_canonical(&run, "a client from a file");
    call_run_free(&run);
    genie_client_free(from_file);
    FILE *f = fopen(path, "wb");
    fputs("{\"retry\": {\"base_ms\": -1}}", f);
    fclose(f);
    CHECK_STATUS(genie_client_new_from_path(path, &from_file), GENIE_STATUS_INVALID_CONFIG,
                 "a bad file");
    expect_last_error(path, "names the file");
    expect_last_error("retry.base_ms", "names the value");
    unlink(path);
    CHECK_STATUS(genie_client_new_from_path(path, &from_file), GENIE_STATUS_INVALID_CONFIG,
                 "a missing file");
    expect_last_error(path, "names the file");

    /* Requests. */
    const char *role = "{\"model\": \"m-openai\", \"messages\": [{\"role\": \"robot\", "
                       "\"content\": \"Hi\"}]}";
    bad_request(client, role, strlen(role), GENIE_STATUS_INVALID_ARGUMENT, "messages[0].role");
    bad_request(client, "{\"messages\": 5}", strlen("{\"messages\": 5}"), GENIE_STATUS_INVALID_ARGUMENT, "messages");
    const char *empty = "{\"model\": \"m-openai\", \"messages\": []}";
    bad_request(client, empty, strlen(empty), GENIE_STATUS_INVALID_ARGUMENT, "messages");
    bad_request(client, "not json", 8, GENIE_STATUS_INVALID_ARGUMENT, "JSON object");
    bad_request(client, NULL, 0, GENIE_STATUS_INVALID_ARGUMENT, "JSON object");
    const char *cut = "{\"model\": \"\xc3\"}";
    bad_request(client, cut, strlen(cut), GENIE_STATUS_INVALID_UTF8, "request_json");

    /* An unknown model is refused by the first next, before any attempt. */
    char request[REQUEST_CAP];
    hi_request(request, "no-such-model");
    mock_reset();
    run = run_request(client, request, GENIE_STREAM_WAIT_FOREVER);
    CHECK_STATUS(run.status, GENIE_STATUS_INVALID_ARGUMENT, "unknown model");
    CHECK(run.attempt_count == 0 && run.starts == 0, "no attempt");
    CHECK(run.message.ptr != NULL && strstr(run.message.ptr, "no-such-model") != NULL,
          "the message names the model");
    call_run_free(&run);
}

/* ---- one client, four threads ---- */

#define THREADS 4

typedef struct worker {
    genie_client *client;
    int index, rounds;
    int served, canonical;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    char request[REQUEST_CAP];
    for (int round = 0; round < w->rounds; round++) {
        const char *model = MODEL_NAMES[(w->index + round) % 4];
        hi_request(request, model);
        genie_stream *stream = NULL;
        if (genie_client_stream(w->client, request, strlen(request), &stream) != GENIE_STATUS_OK) {
            continue;
        }
        char text[512];
        size_t len = 0;
        genie_call_event ev;
        while (genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev) == GENIE_STATUS_OK) {
            if (ev.type == GENIE_CALL_EVENT_TEXT && len + ev.text.len < sizeof text) {
                memcpy(text + len, ev.text.ptr, ev.text.len);
                len += ev.text.len;
            }
            w->served += ev.type == GENIE_CALL_EVENT_DONE;
        }
        w->canonical += len == strlen(CANONICAL) && memcmp(text, CANONICAL, len) == 0;
        genie_stream_free(stream);
        genie_call_summary *summary = NULL;
        if (genie_client_complete(w->client, request, strlen(request), &summary) ==
            GENIE_STATUS_OK) {
            genie_str whole;
            w->served += genie_call_summary_text(summary, &whole) == GENIE_STATUS_OK;
            w->canonical += genie_str_eq(whole, CANONICAL);
        }
        genie_call_summary_free(summary);
    }
    return NULL;
}

static void test_shared_client(genie_client *client) {
    mock_reset();
    worker workers[THREADS];
    pthread_t threads[THREADS];
    int rounds = test_small() ? 2 : 10;
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){client, i, rounds, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "pthread_create");
    }
    long want = 0;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0, "pthread_join");
        CHECK(workers[i].served == 2 * rounds, "every call of the thread was served");
        CHECK(workers[i].canonical == 2 * rounds, "with the whole answer");
        want += 2 * rounds;
    }
    long seen = 0;
    for (int i = 0; i < 4; i++) {
        seen += mock_attempts(MODEL_NAMES[i]);
    }
    CHECK(seen == want, "one request per call reached the mock");
}

/* With GENIE_WORKER_THREADS unset, genie's runtime runs one worker (test_client_runtime
 * covers the variable). */
static void test_one_worker_by_default(void) {
    if (getenv("GENIE_WORKER_THREADS") != NULL) {
        return;
    }
    int workers = genie_worker_threads();
    for (int i = 0; i < 500 && workers == 0; i++) {
        sleep_ms(10);
        workers = genie_worker_threads();
    }
    if (!CHECK(workers == 1, "one genie-worker thread by default")) {
        fprintf(stderr, "  counted %d\n", workers);
    }
}

int main(void) {
    mock_start();
    genie_client *client = make_client(MODELS);
    test_one_worker_by_default();
    test_every_provider(client);
    test_timeouts(client);
    test_null_arguments(client);
    test_bad_input(client);
    test_shared_client(client);
    genie_client_free(client);
    mock_stop();
    return harness_finish("client API");
}
