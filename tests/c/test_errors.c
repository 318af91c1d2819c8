/*
 * Enumerates tests/fixtures/errors.json: every code has a GENIE_STATUS_<CODE> constant with
 * its number in genie.h, and genie_status_str maps the number back to the code. A kind added
 * to the core (and so to errors.json) without its C rendering fails here. The statuses that
 * are not errors (OK, STREAM_END, WOULD_BLOCK) are numbered below 1000, outside the table.
 *
 * Usage: test_errors [fixtures-dir]   (default: tests/fixtures)
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"

#define STATUS(name) {#name, GENIE_STATUS_##name}

static const struct {
    const char *code;
    genie_status status;
} header_statuses[] = {
    STATUS(OK),
    STATUS(STREAM_END),
    STATUS(WOULD_BLOCK),
    STATUS(INVALID_ARGUMENT),
    STATUS(NULL_ARGUMENT),
    STATUS(INVALID_UTF8),
    STATUS(INVALID_CONFIG),
    STATUS(LIMIT_EXCEEDED),
    STATUS(UPSTREAM_HTTP),
    STATUS(RATE_LIMITED),
    STATUS(PAYMENT_REQUIRED),
    STATUS(CONTEXT_LENGTH_EXCEEDED),
    STATUS(CONTENT_FILTERED),
    STATUS(MALFORMED_RESPONSE),
    STATUS(STREAM_STALLED),
    STATUS(STREAM_INCOMPLETE),
    STATUS(DEADLINE_EXCEEDED),
    STATUS(TRANSPORT),
    STATUS(CANCELLED),
    STATUS(REDACTION_FAILED),
    STATUS(BUDGET_EXCEEDED),
    STATUS(NO_ROUTE),
    STATUS(INTERNAL),
};

#define HEADER_COUNT (sizeof header_statuses / sizeof header_statuses[0])
#define NON_ERRORS 3 /* the first entries: 0, 1 and 2 */

int main(int argc, char **argv) {
    const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
    cJSON *root = read_json(path_join(fixtures, "errors.json"));
    const cJSON *errors = cJSON_GetObjectItemCaseSensitive(root, "errors");
    CHECK(cJSON_GetArraySize(errors) > 0, "errors.json has entries");
    bool seen[HEADER_COUNT] = {false};
    for (size_t i = 0; i < NON_ERRORS; i++) {
        seen[i] = true; /* not errors: not in errors.json */
        CHECK((int)header_statuses[i].status == (int)i, header_statuses[i].code);
        CHECK(strcmp(genie_status_str((int)i), header_statuses[i].code) == 0,
              header_statuses[i].code);
    }

    const cJSON *entry;
    cJSON_ArrayForEach(entry, errors) {
        const char *code = json_str(entry, "code");
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(entry, "status");
        if (!CHECK(code != NULL && cJSON_IsNumber(status), "entry has code and status")) {
            continue;
        }
        CHECK(strcmp(genie_status_str(status->valueint), code) == 0, code);
        size_t i = 0;
        while (i < HEADER_COUNT && strcmp(header_statuses[i].code, code) != 0) {
            i++;
        }
        if (!CHECK(i < HEADER_COUNT, code)) {
            fprintf(stderr, "  GENIE_STATUS_%s is missing from this test's table\n", code);
            continue;
        }
        CHECK((int)header_statuses[i].status == status->valueint, code);
        CHECK(status->valueint >= 1000, "errors are numbered from 1000");
        CHECK(!seen[i], code);
        seen[i] = true;
    }
    for (size_t i = 0; i < HEADER_COUNT; i++) {
        CHECK(seen[i], header_statuses[i].code); /* no constant without an errors.json entry */
    }

    CHECK(GENIE_STATUS_OK == 0, "OK is 0");
    CHECK(strcmp(genie_status_str(GENIE_STATUS_OK), "OK") == 0, "OK");
    const int unknown[] = {-1, 3, 999, 1005, 9001, INT_MAX, INT_MIN};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        CHECK(strcmp(genie_status_str(unknown[i]), "UNKNOWN") == 0, "unknown number");
    }

    const char *version = genie_version();
    CHECK(version != NULL && strlen(version) >= 5 && strchr(version, '.') != NULL, version);
    CHECK(genie_version() == version, "the version string is static");
    CHECK(strcmp(genie_last_error_message(), "") == 0, "no error yet on this thread");

    cJSON_Delete(root);
    return harness_finish("error table");
}
