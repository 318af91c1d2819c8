/*
 * client: streams an answer through genie's resilient client from C, against the mock
 * provider. The route is gemini-2.5-pro, then gemini-2.5-flash; the mock makes the pro model
 * stall after three deltas on every request. genie detects the stall (no byte for 500 ms),
 * reconnects once, asks without streaming, then fails over to flash, and tells the reader
 * to discard the partial text before the replacement arrives. The example prints every
 * event, then the summary and the attempt list.
 *
 * Usage: client [base-url]
 *   base-url  a running genie-mock-provider (http://127.0.0.1:<port>). Without it, the
 *             example starts $GENIE_MOCK_PROVIDER (default target/release/genie-mock-provider,
 *             relative to the repository root) and stops it at the end.
 *
 * Build (from the repository root, after `cargo build --release -p genie-ffi -p
 * genie-mock-provider`):
 *   cc -std=c99 -Iinclude examples/c/client.c -Ltarget/release -lgenie \
 *      -Wl,-rpath,$PWD/target/release -o client
 */
#define _POSIX_C_SOURCE 200809L /* posix_spawn */

#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "genie.h"

extern char **environ;

/* The mock provider, when this example started it: closing its stdin stops it. */
static pid_t mock_pid = -1;
static int mock_stdin = -1;

/* Starts the mock provider and writes its base URL to `url`; false if it cannot. */
static int start_mock(char *url, size_t cap) {
    const char *binary = getenv("GENIE_MOCK_PROVIDER");
    if (binary == NULL || *binary == '\0') {
        binary = "target/release/genie-mock-provider";
    }
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        return 0;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, in[1]);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    char *argv[] = {(char *)binary, (char *)"--exit-on-stdin-eof", NULL};
    int spawned = posix_spawn(&mock_pid, binary, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(in[0]);
    close(out[1]);
    mock_stdin = in[1];
    /* Its first stdout line is PORT=<n>. */
    char line[32] = {0};
    size_t len = 0;
    while (spawned == 0 && len + 1 < sizeof line && read(out[0], &line[len], 1) == 1 &&
           line[len] != '\n') {
        len++;
    }
    close(out[0]);
    int port = 0;
    if (spawned != 0 || sscanf(line, "PORT=%d", &port) != 1) {
        fprintf(stderr, "cannot start %s (build it: cargo build --release -p "
                        "genie-mock-provider)\n", binary);
        return 0;
    }
    snprintf(url, cap, "http://127.0.0.1:%d", port);
    return 1;
}

static void stop_mock(void) {
    if (mock_stdin >= 0) {
        close(mock_stdin);
        waitpid(mock_pid, NULL, 0);
    }
}

static int fail(const char *what, genie_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, genie_status_str(status), genie_last_error_message());
    return 1;
}

#define S(s) (int)(s).len, (s).ptr

/* Prints one event. Its strings are borrowed until the next genie_stream_next. */
static void print_event(const genie_call_event *ev) {
    switch (ev->type) {
    case GENIE_CALL_EVENT_STARTED:
        printf("started   %.*s via %.*s (attempt %u, %.*s)\n", S(ev->model), S(ev->provider),
               ev->attempt, S(ev->mode));
        break;
    case GENIE_CALL_EVENT_TEXT:
        printf("text      \"%.*s\"\n", S(ev->text));
        break;
    case GENIE_CALL_EVENT_RESET:
        printf("reset     discard the text shown so far: %.*s\n", S(ev->reason));
        break;
    case GENIE_CALL_EVENT_NOTICE:
        printf("notice    %.*s: %.*s", S(ev->kind), S(ev->message));
        if (ev->delay_ms >= 0) {
            printf(" (in %lld ms)", (long long)ev->delay_ms);
        }
        printf("\n");
        break;
    case GENIE_CALL_EVENT_USAGE:
        printf("usage     %lld tokens in, %lld out\n", (long long)ev->usage.input_tokens,
               (long long)ev->usage.output_tokens);
        break;
    case GENIE_CALL_EVENT_DONE:
        printf("done\n");
        break;
    }
}

/* Prints the summary a DONE event lends (valid until the stream is freed). */
static void print_summary(const genie_call_summary *summary) {
    genie_str model, provider, text, reason, raw;
    genie_call_timings t;
    bool complete = false;
    size_t attempts = 0;
    genie_call_summary_model(summary, &model, &provider);
    genie_call_summary_text(summary, &text);
    genie_call_summary_finish_reason(summary, &reason, &raw);
    genie_call_summary_complete(summary, &complete);
    genie_call_summary_timings(summary, &t);
    genie_call_summary_attempts_len(summary, &attempts);
    printf("\nanswered by %.*s (%.*s), finish reason %.*s, complete: %s\n", S(model),
           S(provider), S(reason), complete ? "yes" : "no");
    printf("answer: %.*s\n", S(text));
    printf("time to first byte %.0f ms, to first token %.0f ms, total %.0f ms\n", t.ttfb_ms,
           t.ttft_ms, t.total_ms);
    printf("attempts:\n");
    for (size_t i = 0; i < attempts; i++) {
        genie_attempt a;
        genie_call_summary_attempt(summary, i, &a);
        printf("  %zu. %-18.*s %-10.*s %-17.*s HTTP %3d %5llu ms\n", i + 1, S(a.model),
               S(a.mode), S(a.outcome), a.http_status, (unsigned long long)a.duration_ms);
    }
}

int main(int argc, char **argv) {
    char url[128];
    if (argc > 1) {
        snprintf(url, sizeof url, "%s", argv[1]);
    } else if (!start_mock(url, sizeof url)) {
        return 1;
    }
    /* The mock reads a fault script from the model name after '@': the pro model stalls
     * after its third delta, every time. */
    char config[1024];
    snprintf(config, sizeof config,
             "{\"providers\": {\"mock\": {\"kind\": \"gemini\", \"base_url\": \"%s\"}},"
             " \"models\": {"
             "  \"gemini-2.5-pro\": {\"provider\": \"mock\", \"id\": \"gemini-2.5-pro@stall_after=3\"},"
             "  \"gemini-2.5-flash\": {\"provider\": \"mock\", \"id\": \"gemini-2.5-flash\"}},"
             " \"fallbacks\": {\"gemini-2.5-pro\": [\"gemini-2.5-flash\"]},"
             " \"timeouts\": {\"stall_gap_ms\": 500, \"non_stream_ms\": 1000,"
             "  \"total_ms\": 30000}}",
             url);
    const char *request = "{\"model\": \"gemini-2.5-pro\", \"system\": \"You are terse.\","
                          " \"messages\": [{\"role\": \"user\", \"content\": \"Say it.\"}]}";

    int code = 0;
    genie_client *client = NULL;
    genie_stream *stream = NULL;
    genie_status status = genie_client_new(config, strlen(config), &client);
    if (status != GENIE_STATUS_OK) {
        code = fail("genie_client_new", status);
        goto done;
    }
    status = genie_client_stream(client, request, strlen(request), &stream);
    if (status != GENIE_STATUS_OK) {
        code = fail("genie_client_stream", status);
        goto done;
    }
    genie_call_event ev;
    /* The call's own deadline bounds the wait; a UI thread would pass a short timeout and
     * treat GENIE_STATUS_WOULD_BLOCK as "nothing yet". */
    while ((status = genie_stream_next(stream, GENIE_STREAM_WAIT_FOREVER, &ev)) ==
           GENIE_STATUS_OK) {
        print_event(&ev);
        if (ev.type == GENIE_CALL_EVENT_DONE) {
            print_summary(ev.summary);
        }
    }
    if (status != GENIE_STATUS_STREAM_END) {
        code = fail("genie_stream_next", status);
        size_t n = 0;
        genie_stream_attempts_len(stream, &n);
        for (size_t i = 0; i < n; i++) {
            genie_attempt a;
            genie_stream_attempt(stream, i, &a);
            fprintf(stderr, "  attempt %zu: %.*s %.*s %.*s\n", i + 1, S(a.model), S(a.mode),
                    S(a.outcome));
        }
    }
done:
    genie_stream_free(stream);
    genie_client_free(client);
    stop_mock();
    return code;
}
