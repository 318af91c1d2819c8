/*
 * Implementation of client_support.h: the mock provider process and its control endpoints,
 * client configurations for it, and one call run through genie_stream_next with its
 * invariants checked.
 */
#define _POSIX_C_SOURCE 200809L /* posix_spawn, clock_gettime, nanosleep, setenv */

#include "client_support.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

const char CANONICAL[] = "Genie streams this canonical answer so every test can compare it "
                         "exactly: na\xc3\xafve caf\xc3\xa9 r\xc3\xa9sum\xc3\xa9, "
                         "\xe6\x9d\xb1\xe4\xba\xac and Z\xc3\xbcrich, emoji \xf0\x9f\x9a\x80 "
                         "included. Resilient clients reconnect once, fall back to a "
                         "non-stream call and never report a truncated answer as complete.";

static const char *const NOTICE_KINDS[5] = {"retrying", "reconnecting", "non_stream_fallback",
                                            "failed_over", "circuit_open"};

bool test_small(void) {
    const char *small = getenv("GENIE_TEST_SMALL");
    return small != NULL && strcmp(small, "0") != 0;
}

double time_slack_ms(void) { return test_small() ? 2500.0 : 0.0; }

int limit_scale(void) { return test_small() ? 4 : 1; }

double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void sleep_ms(unsigned ms) {
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* ---- the mock provider process ---- */

static pid_t mock_pid = -1;
static int mock_stdin = -1;
static int port = 0;
static char base_url[64];

static void die(const char *what) {
    fprintf(stderr, "test setup failed: %s\n", what);
    exit(2);
}

void mock_start(void) {
    const char *binary = getenv("GENIE_MOCK_PROVIDER");
    if (binary == NULL || *binary == '\0') {
        binary = "target/release/genie-mock-provider";
    }
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) {
        die("pipe");
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
    if (spawned != 0) {
        fprintf(stderr, "cannot start %s: %s (build it: cargo build --release -p "
                        "genie-mock-provider, or set GENIE_MOCK_PROVIDER)\n",
                binary, strerror(spawned));
        exit(2);
    }
    mock_stdin = in[1];
    /* The first stdout line is PORT=<n>. */
    char line[64];
    size_t len = 0;
    struct pollfd pfd = {out[0], POLLIN, 0};
    while (len + 1 < sizeof line) {
        if (poll(&pfd, 1, 10000) <= 0 || read(out[0], &line[len], 1) != 1) {
            die("the mock provider did not print PORT=<n>");
        }
        if (line[len] == '\n') {
            break;
        }
        len++;
    }
    line[len] = '\0';
    close(out[0]);
    if (sscanf(line, "PORT=%d", &port) != 1 || port <= 0) {
        die("the mock provider's first line is not PORT=<n>");
    }
    snprintf(base_url, sizeof base_url, "http://127.0.0.1:%d", port);
}

void mock_stop(void) {
    if (mock_stdin >= 0) {
        close(mock_stdin);
        mock_stdin = -1;
        int status;
        waitpid(mock_pid, &status, 0);
    }
}

const char *mock_base_url(void) { return base_url; }
int mock_port(void) { return port; }

/* ---- HTTP ---- */

static bool send_all(int fd, const char *data, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        data += n;
        len -= (size_t)n;
    }
    return true;
}

char *http_request(int to_port, const char *method, const char *path, const char *body,
                   int *status_out) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)to_port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    char head[512];
    size_t body_len = body == NULL ? 0 : strlen(body);
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                     method, path, body_len);
    char *response = NULL;
    size_t len = 0, cap = 0;
    if (n > 0 && (size_t)n < sizeof head && send_all(fd, head, (size_t)n) &&
        (body_len == 0 || send_all(fd, body, body_len))) {
        for (;;) {
            if (len + 4096 + 1 > cap) {
                cap = (len + 4096 + 1) * 2;
                char *grown = realloc(response, cap);
                if (grown == NULL) {
                    die("out of memory");
                }
                response = grown;
            }
            ssize_t got = recv(fd, response + len, 4096, 0);
            if (got <= 0) {
                break;
            }
            len += (size_t)got;
        }
    }
    close(fd);
    if (response == NULL) {
        return NULL;
    }
    response[len] = '\0';
    char *split = strstr(response, "\r\n\r\n");
    int status = 0;
    if (split == NULL || sscanf(response, "HTTP/1.1 %d", &status) != 1) {
        free(response);
        return NULL;
    }
    *status_out = status;
    memmove(response, split + 4, strlen(split + 4) + 1);
    return response;
}

/* A control request that must answer 200; returns its parsed body. */
static cJSON *control(const char *method, const char *path, const char *body) {
    int status = 0;
    char *text = http_request(port, method, path, body, &status);
    cJSON *json = text == NULL ? NULL : cJSON_Parse(text);
    if (status != 200 || json == NULL) {
        fprintf(stderr, "mock control %s %s: status %d, body %s\n", method, path, status,
                text == NULL ? "(none)" : text);
        exit(2);
    }
    free(text);
    return json;
}

void mock_reset(void) {
    cJSON_Delete(control("DELETE", "/_mock/faults", NULL));
    cJSON_Delete(control("POST", "/_mock/reset", NULL));
}

void mock_fault(const char *model, const char *script) {
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "model", model);
    if (script == NULL) {
        cJSON_AddNullToObject(body, "fault");
    } else {
        cJSON_AddStringToObject(body, "fault", script);
    }
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(control("POST", "/_mock/fault", text));
    free(text);
    cJSON_Delete(body);
}

cJSON *mock_log(const char *model) {
    char path[128];
    snprintf(path, sizeof path, "/_mock/attempts?model=%s", model); /* plain names only */
    return control("GET", path, NULL);
}

long mock_attempts(const char *model) {
    cJSON *log = mock_log(model);
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(log, "attempts");
    long attempts = cJSON_IsNumber(n) ? (long)n->valuedouble : -1;
    cJSON_Delete(log);
    return attempts;
}

/* ---- configurations ---- */

static void merge(cJSON *into, cJSON *from) {
    cJSON *item = from->child;
    while (item != NULL) {
        cJSON *next = item->next;
        cJSON *slot = cJSON_GetObjectItemCaseSensitive(into, item->string);
        if (slot != NULL && cJSON_IsObject(slot) && cJSON_IsObject(item)) {
            merge(slot, item);
        } else {
            char key[128];
            snprintf(key, sizeof key, "%s", item->string);
            cJSON_DeleteItemFromObjectCaseSensitive(into, key);
            cJSON_AddItemToObject(into, key, cJSON_DetachItemViaPointer(from, item));
        }
        item = next;
    }
}

char *client_config(const char *extra_json) {
    char base[1024];
    snprintf(base, sizeof base,
             "{\"providers\": {"
             "\"gemini\": {\"kind\": \"gemini\", \"base_url\": \"%s\"},"
             "\"openai\": {\"kind\": \"openai\", \"base_url\": \"%s\"},"
             "\"responses\": {\"kind\": \"openai-responses\", \"base_url\": \"%s\"},"
             "\"anthropic\": {\"kind\": \"anthropic\", \"base_url\": \"%s\"}},"
             "\"timeouts\": {\"connect_ms\": 500, \"first_byte_ms\": %d,"
             " \"first_token_ms\": %d, \"stall_gap_ms\": %d, \"non_stream_ms\": 2000,"
             " \"total_ms\": %d},"
             "\"retry\": {\"max_attempts\": 3, \"base_ms\": 50, \"cap_ms\": 200}}",
             base_url, base_url, base_url, base_url, FIRST_BYTE_MS, FIRST_TOKEN_MS, STALL_MS,
             TOTAL_MS);
    cJSON *doc = cJSON_Parse(base);
    cJSON *extra = cJSON_Parse(extra_json == NULL ? "{}" : extra_json);
    if (doc == NULL || extra == NULL) {
        die("a test configuration is not valid JSON");
    }
    merge(doc, extra);
    cJSON_Delete(extra);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    return text;
}

void check_runtime_variable_refused(const char *extra_json, const char *name, const char *bad) {
    setenv(name, bad, 1);
    char *config = client_config(extra_json);
    char context[128], quoted[64];
    snprintf(context, sizeof context, "%s=%s", name, bad);
    snprintf(quoted, sizeof quoted, "\"%s\"", bad);
    genie_client *client = (genie_client *)1;
    CHECK_STATUS(genie_client_new(config, strlen(config), &client), GENIE_STATUS_INVALID_CONFIG,
                 context);
    CHECK(client == NULL, "no client");
    const char *message = genie_last_error_message();
    if (!CHECK(strstr(message, name) != NULL && strstr(message, quoted) != NULL,
               "the message names the variable and its value")) {
        fprintf(stderr, "  message: %s\n", message);
    }
    free(config);
}

genie_client *make_client(const char *extra_json) {
    char *config = client_config(extra_json);
    genie_client *client = NULL;
    genie_status status = genie_client_new(config, strlen(config), &client);
    if (status != GENIE_STATUS_OK) {
        fprintf(stderr, "genie_client_new: %s: %s\nconfig: %s\n", genie_status_str(status),
                genie_last_error_message(), config);
        exit(2);
    }
    free(config);
    return client;
}

const char *hi_request(char *buf, const char *model) {
    snprintf(buf, REQUEST_CAP,
             "{\"model\": \"%s\", \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}",
             model);
    return buf;
}

/* ---- one call ---- */

static void copy_str(char *dst, size_t cap, genie_str s) {
    size_t n = s.ptr == NULL ? 0 : (s.len < cap - 1 ? s.len : cap - 1);
    if (n > 0) {
        memcpy(dst, s.ptr, n);
    }
    dst[n] = '\0';
}

static void append(owned_str *to, genie_str s) {
    char *grown = realloc(to->ptr, to->len + s.len + 1);
    if (grown == NULL) {
        die("out of memory");
    }
    memcpy(grown + to->len, s.ptr, s.len);
    to->ptr = grown;
    to->len += s.len;
    to->ptr[to->len] = '\0';
}

static void record_attempts(call_run *run, genie_stream *stream) {
    size_t len = 0;
    CHECK_STATUS(genie_stream_attempts_len(stream, &len), GENIE_STATUS_OK, "attempts_len");
    run->attempt_count = len;
    size_t used = 0;
    for (size_t i = 0; i < len && i < MAX_ATTEMPTS; i++) {
        genie_attempt a;
        CHECK_STATUS(genie_stream_attempt(stream, i, &a), GENIE_STATUS_OK, "attempt");
        attempt_record *r = &run->attempts[i];
        copy_str(r->model, sizeof r->model, a.model);
        copy_str(r->mode, sizeof r->mode, a.mode);
        copy_str(r->outcome, sizeof r->outcome, a.outcome);
        r->http_status = a.http_status;
        r->waited_ms = a.waited_ms;
        CHECK(a.provider.ptr != NULL && a.provider.len > 0, "attempt provider");
        int n = snprintf(run->attempts_text + used, sizeof run->attempts_text - used, "%s%s:%s:%s",
                         i == 0 ? "" : ",", r->model, r->mode, r->outcome);
        if (n > 0 && (size_t)n < sizeof run->attempts_text - used) {
            used += (size_t)n;
        }
    }
    genie_attempt past;
    CHECK_STATUS(genie_stream_attempt(stream, len, &past), GENIE_STATUS_INVALID_ARGUMENT,
                 "attempt past the end");
}

/* Reads the DONE event's summary and checks it against what the stream showed. */
static void record_summary(call_run *run, const genie_call_summary *summary) {
    genie_str model, provider, text, reason, raw;
    CHECK_STATUS(genie_call_summary_model(summary, &model, &provider), GENIE_STATUS_OK, "model");
    run->model = owned_copy(model);
    CHECK_STATUS(genie_call_summary_text(summary, &text), GENIE_STATUS_OK, "text");
    CHECK(text.len == run->shown.len &&
              (text.len == 0 || memcmp(text.ptr, run->shown.ptr, text.len) == 0),
          "the summary's text is what was shown after the last reset");
    CHECK_STATUS(genie_call_summary_complete(summary, &run->complete), GENIE_STATUS_OK,
                 "complete");
    CHECK_STATUS(genie_call_summary_finish_reason(summary, &reason, &raw), GENIE_STATUS_OK,
                 "finish");
    genie_usage usage;
    CHECK_STATUS(genie_call_summary_usage(summary, &usage), GENIE_STATUS_OK, "usage");
    CHECK(usage.output_tokens == run->output_tokens, "the summary's usage is the USAGE event's");
    genie_call_timings t;
    CHECK_STATUS(genie_call_summary_timings(summary, &t), GENIE_STATUS_OK, "timings");
    CHECK(t.ttfb_ms >= 0 && t.total_ms >= t.ttfb_ms && t.total_ms <= run->elapsed_ms + 50,
          "ttfb <= total <= wall time");
    CHECK(run->shown.len == 0 ? t.ttft_ms == -1.0 : (t.ttft_ms >= 0 && t.ttft_ms <= t.total_ms),
          "ttft");
    size_t attempts = 0;
    CHECK_STATUS(genie_call_summary_attempts_len(summary, &attempts), GENIE_STATUS_OK, "len");
    CHECK(attempts >= 1 && attempts == run->attempt_count,
          "the summary's attempts are the stream's");
    genie_attempt last;
    CHECK_STATUS(genie_call_summary_attempt(summary, attempts - 1, &last), GENIE_STATUS_OK,
                 "last attempt");
    CHECK(genie_str_eq(last.outcome, "ok"), "the answering attempt is last");
    CHECK(last.model.len == model.len && memcmp(last.model.ptr, model.ptr, model.len) == 0,
          "the answering attempt's model");
}

call_run run_request(genie_client *client, const char *request_json, uint32_t timeout_ms) {
    call_run run;
    memset(&run, 0, sizeof run);
    run.notice_delay_ms = -1;
    run.output_tokens = -1;
    run.http_status = -1;
    double start = now_ms();
    genie_stream *stream = NULL;
    CHECK_STATUS(genie_client_stream(client, request_json, strlen(request_json), &stream),
                 GENIE_STATUS_OK, request_json);
    genie_call_event_type previous = GENIE_CALL_EVENT_STARTED;
    bool have_previous = false;
    const genie_call_summary *summary = NULL;
    for (;;) {
        genie_call_event ev;
        genie_status status = genie_stream_next(stream, timeout_ms, &ev);
        if (status == GENIE_STATUS_WOULD_BLOCK) {
            run.would_block++;
            if (timeout_ms == 0) {
                sleep_ms(2);
            }
            continue;
        }
        if (status != GENIE_STATUS_OK) {
            CHECK(status != GENIE_STATUS_STREAM_END, "STREAM_END only after DONE");
            run.status = status;
            break;
        }
        if (have_previous && previous == GENIE_CALL_EVENT_RESET) {
            CHECK(ev.type == GENIE_CALL_EVENT_TEXT, "a reset comes right before its text");
        }
        CHECK(have_previous || ev.type == GENIE_CALL_EVENT_STARTED ||
                  (ev.type == GENIE_CALL_EVENT_NOTICE && genie_str_eq(ev.kind, "circuit_open")),
              "STARTED comes first (or the notice that an open circuit is routed around)");
        switch (ev.type) {
        case GENIE_CALL_EVENT_STARTED:
            run.starts++;
            CHECK(ev.attempt == (uint32_t)run.starts, "attempts are numbered 1, 2, ...");
            CHECK(genie_str_eq(ev.mode, "stream") || genie_str_eq(ev.mode, "non_stream"),
                  "mode");
            CHECK(ev.model.ptr != NULL && ev.provider.ptr != NULL, "started fields");
            break;
        case GENIE_CALL_EVENT_TEXT:
            run.texts++;
            CHECK(ev.text.ptr != NULL && utf8_valid(ev.text.ptr, ev.text.len), "text is UTF-8");
            append(&run.shown, ev.text);
            break;
        case GENIE_CALL_EVENT_RESET:
            if (run.resets == 0) {
                run.first_shown = run.shown;
            } else {
                owned_free(&run.shown);
            }
            run.shown.ptr = NULL;
            run.shown.len = 0;
            run.resets++;
            CHECK(ev.reason.len > 0 && ev.model.len > 0, "reset fields");
            break;
        case GENIE_CALL_EVENT_NOTICE:
            for (int k = 0; k < 5; k++) {
                run.notices[k] += genie_str_eq(ev.kind, NOTICE_KINDS[k]);
            }
            CHECK(ev.message.len > 0 && ev.model.len > 0, "notice fields");
            if (run.notice_delay_ms < 0) {
                run.notice_delay_ms = ev.delay_ms;
            }
            break;
        case GENIE_CALL_EVENT_USAGE:
            run.usages++;
            run.output_tokens = ev.usage.output_tokens;
            break;
        case GENIE_CALL_EVENT_DONE:
            CHECK(previous == GENIE_CALL_EVENT_USAGE, "USAGE comes right before DONE");
            CHECK(ev.summary != NULL, "DONE has a summary");
            run.done = true;
            summary = ev.summary;
            break;
        default:
            CHECK(false, "an unknown event type");
        }
        previous = ev.type;
        have_previous = true;
        if (run.done) {
            break;
        }
    }
    run.elapsed_ms = now_ms() - start;
    genie_call_error error;
    CHECK_STATUS(genie_stream_error(stream, &error), GENIE_STATUS_OK, "genie_stream_error");
    if (!run.done) {
        CHECK(error.status == run.status, "genie_stream_error has the status next returned");
        CHECK(genie_str_eq(error.message, genie_last_error_message()),
              "genie_stream_error has genie_last_error_message");
    }
    record_attempts(&run, stream);
    if (run.done) {
        run.status = GENIE_STATUS_OK;
        CHECK(run.usages == 1, "one USAGE event");
        CHECK(error.status == GENIE_STATUS_OK && error.message.ptr == NULL, "no error");
        record_summary(&run, summary);
        genie_call_event ev;
        CHECK_STATUS(genie_stream_next(stream, 0, &ev), GENIE_STATUS_STREAM_END, "after DONE");
        CHECK_STATUS(genie_stream_cancel(stream), GENIE_STATUS_OK, "cancel after DONE");
        CHECK_STATUS(genie_stream_next(stream, 0, &ev), GENIE_STATUS_STREAM_END,
                     "cancel after DONE changes nothing");
        /* The lent summary is still readable after the stream ended. */
        size_t len = 0;
        CHECK_STATUS(genie_call_summary_attempts_len(summary, &len), GENIE_STATUS_OK, "lent");
    } else {
        run.http_status = error.http_status;
        run.message = owned_copy(error.message);
        run.provider_code = owned_copy(error.provider_code);
        genie_call_event ev;
        CHECK_STATUS(genie_stream_next(stream, 0, &ev), run.status, "the error again");
    }
    genie_stream_free(stream);
    return run;
}

call_run run_model(genie_client *client, const char *model) {
    char request[REQUEST_CAP];
    return run_request(client, hi_request(request, model), GENIE_STREAM_WAIT_FOREVER);
}

void call_run_free(call_run *run) {
    owned_free(&run->shown);
    owned_free(&run->first_shown);
    owned_free(&run->model);
    owned_free(&run->message);
    owned_free(&run->provider_code);
}

bool check_canonical(const call_run *run, const char *context) {
    bool ok = CHECK_STATUS(run->status, GENIE_STATUS_OK, context);
    ok &= CHECK(run->done && run->complete, context);
    ok &= CHECK(owned_eq(run->shown, CANONICAL), context);
    ok &= CHECK(run->output_tokens == CANONICAL_WORDS, context);
    return ok;
}

bool check_ms_at(double got, double low, double high, const char *file, int line,
                 const char *context) {
    bool ok = got >= low && got <= high + time_slack_ms();
    if (!check_at(ok, file, line, "time within bounds", context)) {
        fprintf(stderr, "  took %.1f ms, expected %.0f..%.0f ms\n", got, low, high);
    }
    return ok;
}

void check_healthy_after(genie_client *client, const char *model) {
    mock_reset();
    call_run run = run_model(client, model);
    check_canonical(&run, "healthy after the fault");
    CHECK(run.attempt_count == 1, "healthy: one attempt");
    CHECK(mock_attempts(model) == 1, "healthy: the mock saw one attempt");
    call_run_free(&run);
    mock_reset();
}

int genie_worker_threads(void) {
    DIR *tasks = opendir("/proc/self/task");
    if (tasks == NULL) {
        return -1;
    }
    int count = 0;
    struct dirent *task;
    while ((task = readdir(tasks)) != NULL) {
        char path[300]; /* "/proc/self/task/" + a d_name (at most 255 bytes) + "/comm" */
        char name[32] = {0};
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", task->d_name);
        FILE *comm = fopen(path, "r");
        if (comm == NULL) {
            continue;
        }
        if (fgets(name, sizeof name, comm) != NULL && strcmp(name, "genie-worker\n") == 0) {
            count++;
        }
        fclose(comm);
    }
    closedir(tasks);
    return count;
}
