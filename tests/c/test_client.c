/*
 * genie's C client against the fault-injecting mock provider, over real sockets: a stall
 * (reconnect once; twice: the non-stream fallback), a cut stream (reconnect, non-stream, then
 * the next model) and a truncated answer that is never complete, 429 with Retry-After, 402,
 * a silent provider, a flapping provider's circuit breaker, cancellation from another thread
 * while genie_stream_next is blocked (observed on the socket by a raw server), and API keys
 * that never appear in what the client reports. Each scenario asserts the attempts (the
 * client's list and the mock's count), the wall time against the configured limits, and that
 * the client serves a healthy request afterwards.
 *
 * Usage: test_client [fixtures-dir]   (the directory is not used; accepted so run.sh can run
 * every test alike). GENIE_MOCK_PROVIDER: the mock binary (default
 * target/release/genie-mock-provider). GENIE_TEST_SMALL=1 (run.sh under valgrind): fewer
 * providers per scenario, a shorter flapping run, looser upper time bounds.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, clock_gettime */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_support.h"

static const char *const PROVIDERS[] = {"openai", "gemini", "anthropic", "responses"};

static size_t provider_count(void) { return test_small() ? 2 : 4; }

/* {"models": {"p": {"provider": primary}, "b": {"provider": backup}}, "fallbacks": ...} */
static char *two_models(const char *primary, const char *backup, const char *more) {
    static char buf[512];
    snprintf(buf, sizeof buf,
             "{\"models\": {\"p\": {\"provider\": \"%s\"}, \"b\": {\"provider\": \"%s\"}},"
             " \"fallbacks\": {\"p\": [\"b\"]}%s%s}",
             primary, backup, more == NULL ? "" : ", ", more == NULL ? "" : more);
    return buf;
}

static char *one_model(const char *provider, const char *more) {
    static char buf[512];
    snprintf(buf, sizeof buf, "{\"models\": {\"p\": {\"provider\": \"%s\"}}%s%s}", provider,
             more == NULL ? "" : ", ", more == NULL ? "" : more);
    return buf;
}

static bool attempts_are(const call_run *run, const char *expected, const char *context) {
    bool ok = CHECK(strcmp(run->attempts_text, expected) == 0, context);
    if (!ok) {
        fprintf(stderr, "  attempts: %s\n  expected: %s\n", run->attempts_text, expected);
    }
    return ok;
}

static bool is_prefix_of_canonical(const owned_str *s) {
    return s->ptr != NULL && s->len > 0 && s->len < strlen(CANONICAL) &&
           memcmp(s->ptr, CANONICAL, s->len) == 0;
}

static void test_stall(void) {
    for (size_t i = 0; i < provider_count(); i++) {
        mock_reset();
        genie_client *client = make_client(one_model(PROVIDERS[i], NULL));
        mock_fault("p", "stall_after=3|ok");
        call_run run = run_model(client, "p");
        check_canonical(&run, PROVIDERS[i]);
        attempts_are(&run, "p:stream:STREAM_STALLED,p:reconnect:ok", PROVIDERS[i]);
        CHECK(mock_attempts("p") == 2, PROVIDERS[i]);
        CHECK(run.resets == 1 && run.notices[1] == 1, "one reset, one reconnecting notice");
        CHECK(is_prefix_of_canonical(&run.first_shown), "three deltas shown before the reset");
        CHECK_MS(run.elapsed_ms, STALL_MS, STALL_MS + 450, PROVIDERS[i]);
        call_run_free(&run);
        check_healthy_after(client, "p");
        genie_client_free(client);
    }

    /* Stalled again after the reconnect: the same model without streaming answers. */
    mock_reset();
    genie_client *client = make_client(one_model("anthropic", NULL));
    mock_fault("p", "stall_after=3,stall_ms=1000|stall_after=2|ok");
    call_run run = run_model(client, "p");
    check_canonical(&run, "non-stream fallback");
    attempts_are(&run, "p:stream:STREAM_STALLED,p:reconnect:STREAM_STALLED,p:non_stream:ok",
                 "non-stream fallback");
    cJSON *log = mock_log("p");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(log, "log");
    const bool want_stream[3] = {true, true, false};
    CHECK(cJSON_GetArraySize(entries) == 3, "three requests");
    for (int k = 0; k < 3 && k < cJSON_GetArraySize(entries); k++) {
        const cJSON *stream = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetArrayItem(entries, k), "stream");
        CHECK(cJSON_IsBool(stream) && cJSON_IsTrue(stream) == want_stream[k],
              "stream, stream, then a plain request");
    }
    cJSON_Delete(log);
    CHECK(run.resets == 2 && run.notices[2] == 1, "two resets, one non-stream notice");
    CHECK_MS(run.elapsed_ms, 2 * STALL_MS, 2 * STALL_MS + 500, "non-stream fallback");
    call_run_free(&run);
    check_healthy_after(client, "p");
    genie_client_free(client);
}

static void test_cut(void) {
    /* Cut every time: reconnect, non-stream (a truncated JSON body), then the next model. */
    mock_reset();
    genie_client *client = make_client(two_models("openai", "gemini", NULL));
    mock_fault("p", "cut_after=4");
    call_run run = run_model(client, "p");
    check_canonical(&run, "cut, then the next model");
    CHECK(owned_eq(run.model, "b"), "the backup answered");
    CHECK(run.attempt_count == 4, "four attempts");
    CHECK(strncmp(run.attempts_text,
                  "p:stream:STREAM_INCOMPLETE,p:reconnect:STREAM_INCOMPLETE,p:non_stream:",
                  70) == 0 &&
              strcmp(run.attempts[2].outcome, "ok") != 0 &&
              strcmp(run.attempts[3].outcome, "ok") == 0,
          run.attempts_text);
    CHECK(mock_attempts("p") == 3 && mock_attempts("b") == 1, "primary 3, backup 1");
    CHECK(run.notices[3] == 1, "one failed_over notice");
    CHECK_MS(run.elapsed_ms, 0, 1000, "a cut is seen at once, not after a stall gap");
    call_run_free(&run);
    check_healthy_after(client, "p");
    genie_client_free(client);

    /* Nowhere left to go: the partial answer is never complete. */
    mock_reset();
    client = make_client(one_model("openai", "\"non_stream_fallback\": false"));
    mock_fault("p", "cut_after=4");
    run = run_model(client, "p");
    CHECK_STATUS(run.status, GENIE_STATUS_STREAM_INCOMPLETE, "truncated");
    CHECK(!run.done && run.texts > 0, "partial text was shown, and no DONE");
    attempts_are(&run, "p:stream:STREAM_INCOMPLETE,p:reconnect:STREAM_INCOMPLETE", "truncated");
    CHECK(run.message.len > 0, "the error says what happened");
    call_run_free(&run);
    genie_call_summary *summary = (genie_call_summary *)1;
    const char *request = "{\"model\": \"p\", \"messages\": [{\"role\": \"user\", "
                          "\"content\": \"Hi\"}]}";
    CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                 GENIE_STATUS_STREAM_INCOMPLETE, "complete() of a truncated answer");
    CHECK(summary == NULL, "no summary for a truncated answer");
    check_healthy_after(client, "p");
    genie_client_free(client);
}

static void test_rate_limited(void) {
    mock_reset();
    genie_client *client = make_client(one_model("openai", NULL));
    mock_fault("p", "status=429,retry_after=1|ok");
    call_run run = run_model(client, "p");
    check_canonical(&run, "429 + Retry-After");
    attempts_are(&run, "p:stream:RATE_LIMITED,p:stream:ok", "429 + Retry-After");
    CHECK(run.attempts[0].http_status == 429 && run.attempts[1].waited_ms == 1000,
          "waited what Retry-After asked");
    CHECK(run.notices[0] == 1 && run.notice_delay_ms == 1000, "a retrying notice, 1000 ms");
    CHECK(mock_attempts("p") == 2, "two requests");
    CHECK_MS(run.elapsed_ms, 1000, 1600, "429 + Retry-After");
    call_run_free(&run);

    /* The same through genie_client_complete. */
    mock_reset();
    mock_fault("p", "status=429,retry_after=1|ok");
    char request[REQUEST_CAP];
    hi_request(request, "p");
    genie_call_summary *summary = NULL;
    double start = now_ms();
    CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                 GENIE_STATUS_OK, "complete() after a 429");
    CHECK_MS(now_ms() - start, 1000, 1600, "complete() waits too");
    size_t attempts = 0;
    genie_str text = {NULL, 0};
    CHECK_STATUS(genie_call_summary_attempts_len(summary, &attempts), GENIE_STATUS_OK, "len");
    CHECK_STATUS(genie_call_summary_text(summary, &text), GENIE_STATUS_OK, "text");
    CHECK(attempts == 2 && genie_str_eq(text, CANONICAL), "complete(): two attempts, whole");
    genie_call_summary_free(summary);
    check_healthy_after(client, "p");
    genie_client_free(client);
}

static void test_payment_required(void) {
    mock_reset();
    genie_client *client = make_client(two_models("openai", "anthropic", NULL));
    mock_fault("p", "status=402");
    call_run run = run_model(client, "p");
    CHECK_STATUS(run.status, GENIE_STATUS_PAYMENT_REQUIRED, "402");
    CHECK(!run.done && run.http_status == 402, "the error has the HTTP status");
    CHECK(run.provider_code.len > 0, "and the provider's code");
    attempts_are(&run, "p:stream:PAYMENT_REQUIRED", "402");
    CHECK(run.attempts[0].http_status == 402, "the attempt has the HTTP status");
    CHECK(mock_attempts("p") == 1 && mock_attempts("b") == 0, "never retried, no fail-over");
    call_run_free(&run);

    mock_reset();
    mock_fault("p", "status=402");
    char request[REQUEST_CAP];
    hi_request(request, "p");
    genie_call_summary *summary = (genie_call_summary *)1;
    CHECK_STATUS(genie_client_complete(client, request, strlen(request), &summary),
                 GENIE_STATUS_PAYMENT_REQUIRED, "complete() with 402");
    CHECK(summary == NULL && strlen(genie_last_error_message()) > 0, "no summary, a message");
    check_healthy_after(client, "p");
    genie_client_free(client);
}

static void test_silent(void) {
    mock_reset();
    genie_client *client = make_client(two_models("gemini", "openai", NULL));
    mock_fault("p", "silent");
    call_run run = run_model(client, "p");
    check_canonical(&run, "silent primary");
    CHECK(owned_eq(run.model, "b"), "the backup answered");
    attempts_are(&run, "p:stream:DEADLINE_EXCEEDED,b:stream:ok", "silent primary");
    CHECK(mock_attempts("p") == 1 && mock_attempts("b") == 1, "the silent route: no retry");
    CHECK(run.notices[3] == 1, "a failed_over notice");
    CHECK_MS(run.elapsed_ms, FIRST_BYTE_MS, FIRST_BYTE_MS + 450, "silent primary");
    call_run_free(&run);
    check_healthy_after(client, "p");
    genie_client_free(client);
}

static void test_flapping_breaker(void) {
    mock_reset();
    genie_client *client = make_client(two_models(
        "openai", "anthropic",
        "\"retry\": {\"max_attempts\": 1}, \"breaker\": {\"consecutive_failures\": 2,"
        " \"failure_rate\": 0.5, \"window\": 10, \"min_calls\": 4, \"open_ms\": 300,"
        " \"half_open_probes\": 1}"));
    mock_fault("p", "flap=400/400"); /* down [0, 400), up [400, 800), ... from the reset */
    const int periods = test_small() ? 2 : 4;
    double start = now_ms();
    int served_p = 0, served_b = 0, circuit_open = 0;
    while (now_ms() - start < periods * 800.0) {
        call_run run = run_model(client, "p");
        check_canonical(&run, "flapping: every call is served");
        served_p += owned_eq(run.model, "p");
        served_b += owned_eq(run.model, "b");
        circuit_open += run.notices[4];
        call_run_free(&run);
        sleep_ms(40);
    }
    cJSON *log = mock_log("p");
    const cJSON *entries = cJSON_GetObjectItemCaseSensitive(log, "log");
    for (int period = 0; period < periods; period++) {
        double down = period * 800.0, up = down + 400.0;
        int in_down = 0, ok_in_up = 0;
        const cJSON *entry;
        cJSON_ArrayForEach(entry, entries) {
            double at = cJSON_GetObjectItemCaseSensitive(entry, "at_ms")->valuedouble;
            const char *action = json_str(entry, "action");
            in_down += at >= down && at < up;
            ok_in_up += at >= up + 20 && at < up + 400 && action != NULL &&
                        strcmp(action, "ok") == 0;
        }
        char context[64];
        snprintf(context, sizeof context, "period %d: %d while down, %d ok while up", period,
                 in_down, ok_in_up);
        CHECK(in_down <= 5, context); /* two failures open it, then a probe per open period */
        CHECK(ok_in_up >= 1, context); /* it does not stay open */
    }
    cJSON_Delete(log);
    CHECK(served_p > 0 && served_b > 0 && circuit_open > 0,
          "both models served, the open circuit was routed around");
    mock_reset();
    sleep_ms(400); /* past open_ms: a half-open probe closes it */
    check_healthy_after(client, "p");
    genie_client_free(client);
}

/* ---- cancellation ---- */

/* A raw HTTP server for one connection: it answers with one OpenAI text delta and then keeps
 * the stream open, recording when the client closes the connection. */
typedef struct observer {
    int listen_fd;
    int port;
    pthread_t thread;
    double closed_at; /* -1 if the client never closed it (within 10 s) */
} observer;

static void *observe(void *arg) {
    observer *o = arg;
    o->closed_at = -1;
    int fd = accept(o->listen_fd, NULL, NULL);
    if (fd < 0) {
        return NULL;
    }
    char buf[4096];
    size_t seen = 0;
    char head[8192];
    /* Read the request head (the body is small and read along with it or discarded later). */
    while (seen + 1 < sizeof head) {
        ssize_t n = recv(fd, head + seen, sizeof head - seen - 1, 0);
        if (n <= 0) {
            close(fd);
            return NULL;
        }
        seen += (size_t)n;
        head[seen] = '\0';
        if (strstr(head, "\r\n\r\n") != NULL) {
            break;
        }
    }
    const char *event = "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":"
                        "[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n";
    int n = snprintf(buf, sizeof buf,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                     "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%s\r\n",
                     strlen(event), event);
    if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
        close(fd);
        return NULL;
    }
    struct pollfd pfd = {fd, POLLIN, 0};
    while (poll(&pfd, 1, 10000) > 0) {
        if (recv(fd, buf, sizeof buf, 0) <= 0) {
            o->closed_at = now_ms();
            break;
        }
    }
    close(fd);
    return NULL;
}

static void observer_start(observer *o) {
    o->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (o->listen_fd < 0 || bind(o->listen_fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        listen(o->listen_fd, 4) != 0 ||
        getsockname(o->listen_fd, (struct sockaddr *)&addr, &len) != 0 ||
        pthread_create(&o->thread, NULL, observe, o) != 0) {
        fprintf(stderr, "cannot start the observer\n");
        exit(2);
    }
    o->port = ntohs(addr.sin_port);
}

static void observer_join(observer *o) {
    pthread_join(o->thread, NULL);
    close(o->listen_fd);
}

/* A client whose model "o" is served by the observer, with limits far above the test. */
static genie_client *patient_client(int observer_port) {
    char extra[512];
    snprintf(extra, sizeof extra,
             "{\"providers\": {\"obs\": {\"kind\": \"openai\", \"base_url\": "
             "\"http://127.0.0.1:%d\"}},"
             " \"models\": {\"o\": {\"provider\": \"obs\"}, \"p\": {\"provider\": \"openai\"}},"
             " \"timeouts\": {\"first_token_ms\": 20000, \"stall_gap_ms\": 20000,"
             " \"total_ms\": 60000}}",
             observer_port);
    return make_client(extra);
}

/* Reads events until the first TEXT; false if the stream ended first. */
static bool until_text(genie_stream *stream) {
    genie_call_event ev;
    while (genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev) == GENIE_STATUS_OK) {
        if (ev.type == GENIE_CALL_EVENT_TEXT) {
            return true;
        }
    }
    return false;
}

typedef struct canceller {
    genie_stream *stream;
    unsigned delay_ms;
    double cancelled_at;
    genie_status status;
} canceller;

static void *cancel_later(void *arg) {
    canceller *c = arg;
    sleep_ms(c->delay_ms);
    c->cancelled_at = now_ms();
    c->status = genie_stream_cancel(c->stream);
    return NULL;
}

static genie_stream *start_stream(genie_client *client, const char *model) {
    char request[REQUEST_CAP];
    hi_request(request, model);
    genie_stream *stream = NULL;
    CHECK_STATUS(genie_client_stream(client, request, strlen(request), &stream),
                 GENIE_STATUS_OK, "stream");
    return stream;
}

static void check_cancelled_for_good(genie_stream *stream) {
    genie_call_event ev;
    CHECK_STATUS(genie_stream_next(stream, 0, &ev), GENIE_STATUS_CANCELLED, "still cancelled");
    genie_call_error error;
    size_t attempts = 99;
    CHECK_STATUS(genie_stream_error(stream, &error), GENIE_STATUS_OK, "error");
    CHECK(error.status == GENIE_STATUS_CANCELLED && error.message.len > 0, "CANCELLED error");
    CHECK_STATUS(genie_stream_attempts_len(stream, &attempts), GENIE_STATUS_OK, "attempts");
    CHECK(attempts == 0, "a cancelled call reports no attempts");
}

static void test_cancel(void) {
    mock_reset();
    /* 1. Another thread cancels while this one is blocked in genie_stream_next. */
    observer o;
    observer_start(&o);
    genie_client *client = patient_client(o.port);
    genie_stream *stream = start_stream(client, "o");
    CHECK(until_text(stream), "the observer's text arrived");
    canceller c = {stream, 100, 0, GENIE_STATUS_INTERNAL};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_later, &c) == 0, "pthread_create");
    genie_call_event ev;
    double blocked_at = now_ms();
    genie_status status = genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev);
    double returned_at = now_ms();
    pthread_join(thread, NULL);
    observer_join(&o);
    CHECK_STATUS(status, GENIE_STATUS_CANCELLED, "next returns CANCELLED");
    CHECK_STATUS(c.status, GENIE_STATUS_OK, "genie_stream_cancel");
    CHECK(returned_at - blocked_at >= 90, "next was blocked until the cancel");
    CHECK_MS(returned_at - c.cancelled_at, 0, 100, "next returned promptly after the cancel");
    CHECK(o.closed_at >= 0, "the HTTP connection was closed");
    CHECK_MS(o.closed_at - c.cancelled_at, 0, 100, "the HTTP request was aborted promptly");
    check_cancelled_for_good(stream);
    genie_stream_free(stream);

    /* 2. Nobody is waiting: genie_stream_cancel aborts the request by itself. */
    observer_start(&o);
    genie_client_free(client);
    client = patient_client(o.port);
    stream = start_stream(client, "o");
    CHECK(until_text(stream), "the observer's text arrived");
    double cancelled_at = now_ms();
    CHECK_STATUS(genie_stream_cancel(stream), GENIE_STATUS_OK, "cancel, nobody waiting");
    CHECK_STATUS(genie_stream_cancel(stream), GENIE_STATUS_OK, "cancel twice");
    observer_join(&o);
    CHECK(o.closed_at >= 0, "the HTTP connection was closed");
    CHECK_MS(o.closed_at - cancelled_at, 0, 100, "without a thread in next");
    check_cancelled_for_good(stream);
    genie_stream_free(stream);

    /* 3. Cancelled before it started: nothing is sent. */
    stream = start_stream(client, "p");
    CHECK_STATUS(genie_stream_cancel(stream), GENIE_STATUS_OK, "cancel before next");
    check_cancelled_for_good(stream);
    genie_stream_free(stream);
    CHECK(mock_attempts("p") == 0, "a call cancelled before its first next sends nothing");

    /* 4. Against the mock, stalled for good: cancelled, never retried, client still fine. */
    mock_fault("p", "stall_after=3");
    stream = start_stream(client, "p");
    CHECK(until_text(stream), "the mock's text arrived");
    c = (canceller){stream, 100, 0, GENIE_STATUS_INTERNAL};
    CHECK(pthread_create(&thread, NULL, cancel_later, &c) == 0, "pthread_create");
    status = genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev);
    while (status == GENIE_STATUS_OK) { /* the other two deltas before the stall */
        status = genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev);
    }
    returned_at = now_ms();
    pthread_join(thread, NULL);
    CHECK_STATUS(status, GENIE_STATUS_CANCELLED, "mock: CANCELLED");
    CHECK_MS(returned_at - c.cancelled_at, 0, 100, "mock: promptly");
    genie_stream_free(stream);
    sleep_ms(50);
    CHECK(mock_attempts("p") == 1, "a cancelled call is not retried");
    check_healthy_after(client, "p");
    genie_client_free(client);
}

/* ---- secrets ---- */

static const char SECRET[] = "sk-genie-c-test-5ecret-0123456789abcdef";

static bool leaks(const char *text, size_t len) {
    size_t n = strlen(SECRET);
    for (size_t i = 0; text != NULL && i + n <= len; i++) {
        if (memcmp(text + i, SECRET, n) == 0) {
            return true;
        }
    }
    return false;
}

static void test_api_keys_never_leak(void) {
    mock_reset();
    setenv("GENIE_C_TEST_KEY", SECRET, 1);
    genie_client *client = make_client(
        "{\"providers\": {\"openai\": {\"api_key_env\": \"GENIE_C_TEST_KEY\"}},"
        " \"models\": {\"p\": {\"provider\": \"openai\"}}}");
    mock_fault("p", "status=401");
    call_run run = run_model(client, "p");
    CHECK(run.status != GENIE_STATUS_OK, "401 fails");
    CHECK(!leaks(run.message.ptr, run.message.len), "the error message");
    CHECK(!leaks(run.provider_code.ptr, run.provider_code.len), "the provider code");
    CHECK(!leaks(run.attempts_text, strlen(run.attempts_text)), "the attempts");
    const char *last = genie_last_error_message();
    CHECK(!leaks(last, strlen(last)), "genie_last_error_message");
    cJSON *log = mock_log("p");
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(log, "log"), 0);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "api_key")),
          "the key was sent to the provider");
    cJSON_Delete(log);
    call_run_free(&run);
    mock_reset();
    run = run_model(client, "p");
    check_canonical(&run, "served with a key");
    CHECK(!leaks(run.shown.ptr, run.shown.len) && !leaks(run.model.ptr, run.model.len),
          "the events and summary");
    call_run_free(&run);
    genie_client_free(client);
    unsetenv("GENIE_C_TEST_KEY");
}

int main(void) {
    mock_start();
    test_stall();
    test_cut();
    test_rate_limited();
    test_payment_required();
    test_silent();
    test_flapping_breaker();
    test_cancel();
    test_api_keys_never_leak();
    mock_stop();
    return harness_finish("client faults");
}
