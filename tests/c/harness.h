/*
 * The C tests' shared helpers: checks that count failures instead of stopping, reading
 * files and JSON fixtures, the fixture chunkings of tests/fixtures/README.md, and owned
 * copies of the genie_str values genie lends to callbacks.
 */
#ifndef GENIE_TEST_HARNESS_H
#define GENIE_TEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "genie.h"

/* Counts a check; prints where and why when it fails. Tests keep going after a failure so
 * one run shows every problem. */
bool check_at(bool ok, const char *file, int line, const char *what, const char *context);
#define CHECK(cond, context) check_at((cond), __FILE__, __LINE__, #cond, (context))

/* Checks a status, printing both codes and genie_last_error_message() when it differs. */
bool check_status_at(genie_status got, genie_status want, const char *file, int line,
                     const char *context);
#define CHECK_STATUS(got, want, context) \
    check_status_at((got), (want), __FILE__, __LINE__, (context))

/* Prints the totals; returns the process exit code (0 when every check passed). */
int harness_finish(const char *suite);

/* An owned byte string (may contain NUL). ptr == NULL means "absent". */
typedef struct owned_str {
    char *ptr;
    size_t len;
} owned_str;

owned_str owned_copy(genie_str s);
void owned_free(owned_str *s);
/* Whether s equals the NUL-terminated expected (NULL expected = absent). */
bool owned_eq(owned_str s, const char *expected);
bool genie_str_eq(genie_str s, const char *expected);
bool utf8_valid(const char *p, size_t len);

/* Reads a whole file; exits the test with a message when it cannot. Free with free(). */
uint8_t *read_file(const char *path, size_t *len_out);
/* Parses a JSON file; exits with a message when it cannot. Free with cJSON_Delete. */
cJSON *read_json(const char *path);
/* Decodes lowercase hex; NULL on malformed input. Free with free(). */
uint8_t *hex_decode(const char *hex, size_t *len_out);
/* "dir/name" in a static buffer, valid until the next call. */
const char *path_join(const char *dir, const char *name);

/* One way of cutting an input into the chunks fed to genie (tests/fixtures/README.md). */
typedef struct chunk_plan {
    size_t *lengths;
    size_t count;
} chunk_plan;

/* The chunk lengths `chunking` (one entry of a fixture's "chunkings") gives for `input`.
 * Returns false (after reporting) for an unknown chunking name or a malformed entry. */
bool chunk_plan_make(const cJSON *chunking, const uint8_t *input, size_t len, chunk_plan *out);
void chunk_plan_free(chunk_plan *plan);

/* Reads the optional "options" object of a fixture case into *out; false if absent. */
bool fixture_options(const cJSON *test_case, genie_sse_parser_options *out);

/* A cJSON member's string, or NULL when missing or not a string. */
const char *json_str(const cJSON *obj, const char *key);

#endif
