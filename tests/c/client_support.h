/*
 * What the C client tests share: the mock provider binary (spawned once per test process and
 * driven through its /_mock control endpoints over a plain socket), client configurations
 * pointed at it with millisecond-scale timeouts, and one call run to its end through
 * genie_stream_next with the invariants every call must keep checked on the way (a reset is
 * followed by its replacement text, usage comes right before DONE, the summary's text is what
 * was shown, a truncated answer never ends with DONE, STREAM_END after DONE).
 */
#ifndef GENIE_TEST_CLIENT_SUPPORT_H
#define GENIE_TEST_CLIENT_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "harness.h"

/* The client limits of client_config(): small enough for a fast suite, apart enough that a
 * test can tell which one fired. The mock's waits are well above them. Under valgrind
 * (GENIE_TEST_SMALL) the deadlines that cover genie's own work are four times longer: code
 * runs there for the first time at a fraction of its speed. */
int limit_scale(void);
#define FIRST_BYTE_MS (500 * limit_scale())
#define FIRST_TOKEN_MS (1500 * limit_scale())
#define STALL_MS 300
#define TOTAL_MS (5000 * limit_scale())

/* The mock's answer: ten deltas, 39 words (tests/mock-provider/README.md). */
extern const char CANONICAL[];
#define CANONICAL_WORDS 39

/* GENIE_TEST_SMALL=1 (run.sh sets it under valgrind): fewer rounds, looser upper time
 * bounds (valgrind slows genie, not the mock). */
bool test_small(void);
/* Extra milliseconds allowed above a time bound: 0 natively, more under valgrind. */
double time_slack_ms(void);

/* Milliseconds on a monotonic clock. */
double now_ms(void);
void sleep_ms(unsigned ms);

/* How many threads of this process are named genie-worker (from /proc/self/task), or -1
 * where /proc is missing. */
int genie_worker_threads(void);

/* Starts $GENIE_MOCK_PROVIDER (default target/release/genie-mock-provider) with
 * --exit-on-stdin-eof and reads its port; exits the test when it cannot. */
void mock_start(void);
/* Closes the mock's stdin (it exits) and waits for it. */
void mock_stop(void);
const char *mock_base_url(void);
int mock_port(void);

/* The control endpoints. Each exits the test if the mock does not answer 200. */
void mock_reset(void); /* forgets attempts and logs, restarts the flap clock, clears scripts */
void mock_fault(const char *model, const char *script);
long mock_attempts(const char *model);
/* {"attempts": n, "log": [...]} for `model`; cJSON_Delete it. */
cJSON *mock_log(const char *model);

/* One HTTP/1.1 request to 127.0.0.1:port with Connection: close; returns the response body
 * (malloc'd, NUL-terminated; free it) and the status in *status_out, or NULL. */
char *http_request(int port, const char *method, const char *path, const char *body,
                   int *status_out);

/* A configuration: the four providers on the mock ("gemini", "openai", "responses",
 * "anthropic"), the limits above, retries with 50-200 ms backoff, with the JSON object
 * `extra` merged over it (models, fallbacks, overrides). Free with free(). */
char *client_config(const char *extra_json);
/* A client for client_config(extra_json); exits the test if it cannot be made. */
genie_client *make_client(const char *extra_json);
/* Sets the runtime variable `name` to `bad` and checks that the first client is refused with
 * INVALID_CONFIG and a message naming the variable and its quoted value. The variable keeps
 * the bad value: the caller sets the one it wants next. */
void check_runtime_variable_refused(const char *extra_json, const char *name, const char *bad);
/* Writes {"model": model, "messages": [{"role": "user", "content": "Hi"}]} to buf (of
 * REQUEST_CAP bytes) and returns it. */
#define REQUEST_CAP 256
const char *hi_request(char *buf, const char *model);

typedef struct attempt_record {
    char model[32];
    char mode[16];
    char outcome[32];
    int32_t http_status;
    uint64_t waited_ms;
} attempt_record;

#define MAX_ATTEMPTS 16

/* One call's events and outcome. */
typedef struct call_run {
    genie_status status; /* GENIE_STATUS_OK when DONE arrived, else the error */
    bool done;
    bool complete;        /* the summary's */
    owned_str shown;      /* the text shown since the last reset */
    owned_str first_shown; /* the text shown before the first reset */
    owned_str model;      /* the answering model (summary) */
    int starts, texts, resets, usages;
    int notices[5];         /* by kind: retrying, reconnecting, non_stream_fallback,
                               failed_over, circuit_open */
    int64_t notice_delay_ms; /* the delay_ms of the first notice that has one, else -1 */
    int64_t output_tokens;   /* of the USAGE event, else -1 */
    attempt_record attempts[MAX_ATTEMPTS];
    size_t attempt_count;
    char attempts_text[512]; /* "model:mode:outcome,..." */
    int32_t http_status;     /* genie_stream_error's, or -1 */
    owned_str message;       /* genie_stream_error's message (absent when served) */
    owned_str provider_code;
    unsigned long would_block;
    double elapsed_ms;
} call_run;

/* Runs `request_json` on a stream with genie_stream_next(timeout_ms) until DONE or an error,
 * checking the invariants above. With `timeout_ms` 0 it sleeps 2 ms between polls. */
call_run run_request(genie_client *client, const char *request_json, uint32_t timeout_ms);
/* run_request(hi_request(model), GENIE_STREAM_WAIT_FOREVER). */
call_run run_model(genie_client *client, const char *model);
void call_run_free(call_run *run);

/* Checks that the run was served with the canonical answer, complete. */
bool check_canonical(const call_run *run, const char *context);
/* Checks a time against [low, high + time_slack_ms()]. */
bool check_ms_at(double got, double low, double high, const char *file, int line,
                 const char *context);
#define CHECK_MS(got, low, high, context) \
    check_ms_at((got), (low), (high), __FILE__, __LINE__, (context))
/* After a fault: with the faults cleared, `model` serves the canonical answer in one attempt
 * (the client is not left broken). Resets the mock. */
void check_healthy_after(genie_client *client, const char *model);

#endif
