/*
 * Hostile and careless input through genie's C redaction API: NULL for every pointer
 * parameter, zero lengths, invalid UTF-8 (with the offset of the first bad byte in the
 * message), NUL bytes inside text, out-of-range indexes, bad config files, streams (redactor and
 * restorer) fed bytes
 * that split characters or never become UTF-8, the fail-closed contract (a failed call
 * leaves NULL, never text), a 50 MB text (whole and streamed), and 4 threads sharing one
 * redactor. Every case must end in a documented status: never a crash, a leak or a hang.
 *
 * Usage: test_redact_bad_input [fixtures-dir]   (fixtures are not used; the argument is
 * accepted so run.sh can run every test alike). GENIE_TEST_SMALL=1 (set by run.sh under
 * valgrind) shrinks the large inputs.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, unsetenv, clock_gettime */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

static bool small;

/* A non-NULL value an output must not keep after a failure. */
#define STALE(type) ((type *)(uintptr_t)0x1)

static bool error_mentions(const char *needle) {
    return strstr(genie_last_error_message(), needle) != NULL;
}

static bool error_starts_with(const char *prefix) {
    return strncmp(genie_last_error_message(), prefix, strlen(prefix)) == 0;
}

static void check_null(genie_status status, const char *parameter) {
    char prefix[128];
    snprintf(prefix, sizeof prefix, "%s: ", parameter);
    CHECK_STATUS(status, GENIE_STATUS_NULL_ARGUMENT, parameter);
    CHECK(error_starts_with(prefix), genie_last_error_message());
}

static const uint8_t *bytes(const char *s) { return (const uint8_t *)s; }

static const char placeholders[] = "{\"operators\": {\"default\": {\"type\": \"placeholder\"}}}";

static genie_redactor *new_redactor(const char *json) {
    genie_redactor *redactor = NULL;
    CHECK_STATUS(genie_redactor_new(json, json ? strlen(json) : 0, &redactor), GENIE_STATUS_OK,
                 json ? json : "defaults");
    return redactor;
}

static genie_redaction *redact(const genie_redactor *redactor, const char *text, size_t len) {
    genie_redaction *result = NULL;
    CHECK_STATUS(genie_redactor_redact(redactor, bytes(text), len, &result), GENIE_STATUS_OK,
                 "redact");
    return result;
}

static bool text_is(const genie_redaction *result, const char *want, size_t want_len) {
    genie_str text = {NULL, 0};
    return genie_redaction_text(result, &text) == GENIE_STATUS_OK && text.ptr != NULL &&
           text.len == want_len && memcmp(text.ptr, want, want_len) == 0;
}

static bool string_is(genie_string *string, const char *want, size_t want_len) {
    genie_str view = {NULL, 0};
    bool ok = genie_string_view(string, &view) == GENIE_STATUS_OK && view.ptr != NULL &&
              view.len == want_len && memcmp(view.ptr, want, want_len) == 0;
    genie_string_free(string);
    return ok;
}

static size_t findings_len(const genie_redaction *result) {
    size_t len = (size_t)-1;
    CHECK_STATUS(genie_redaction_findings_len(result, &len), GENIE_STATUS_OK, "findings_len");
    return len;
}

/* ---- NULL pointers, every parameter of every function ---- */

static void null_arguments(void) {
    const char *text = "mail jane@example.com";
    size_t len = strlen(text);
    genie_redactor *redactor = new_redactor(placeholders);
    genie_redaction *result = redact(redactor, text, len);
    const genie_mapping *borrowed = NULL;
    CHECK_STATUS(genie_redaction_mapping(result, &borrowed), GENIE_STATUS_OK, "mapping");
    genie_mapping *owned = NULL;
    CHECK_STATUS(genie_mapping_new(&owned), GENIE_STATUS_OK, "mapping_new");
    genie_stream_redactor *stream = NULL;
    CHECK_STATUS(genie_stream_redactor_new(redactor, &stream), GENIE_STATUS_OK, "stream_new");

    genie_redactor *r_out = STALE(genie_redactor);
    genie_redaction *res_out = STALE(genie_redaction);
    genie_string *s_out = STALE(genie_string);
    genie_mapping *m_out = STALE(genie_mapping);
    genie_stream_redactor *st_out = STALE(genie_stream_redactor);
    genie_stream_restorer *rs_out = STALE(genie_stream_restorer);
    const genie_mapping *cm_out = NULL;
    genie_str str;
    genie_finding finding;
    size_t n;
    uint64_t count;

    check_null(genie_redactor_new(NULL, 0, NULL), "redactor_out");
    check_null(genie_redactor_new(NULL, 5, &r_out), "config_json");
    CHECK(r_out == NULL, "redactor_out is NULL after a failure");
    check_null(genie_redactor_new_from_path("x.json", NULL), "redactor_out");
    r_out = STALE(genie_redactor);
    check_null(genie_redactor_new_from_path(NULL, &r_out), "path");
    CHECK(r_out == NULL, "redactor_out is NULL after a failure");

    check_null(genie_redactor_redact(redactor, bytes(text), len, NULL), "result_out");
    check_null(genie_redactor_redact(NULL, bytes(text), len, &res_out), "redactor");
    CHECK(res_out == NULL, "result_out is NULL after a failure");
    res_out = STALE(genie_redaction);
    check_null(genie_redactor_redact(redactor, NULL, len, &res_out), "text");
    CHECK(res_out == NULL, "result_out is NULL after a failure");
    check_null(genie_redactor_find(redactor, bytes(text), len, NULL), "result_out");
    res_out = STALE(genie_redaction);
    check_null(genie_redactor_find(NULL, bytes(text), len, &res_out), "redactor");
    CHECK(res_out == NULL, "find: result_out is NULL after a failure");
    check_null(genie_redactor_find(redactor, NULL, 1, &res_out), "text");

    check_null(genie_redactor_restore(redactor, bytes(text), len, borrowed, NULL),
               "restored_out");
    check_null(genie_redactor_restore(NULL, bytes(text), len, borrowed, &s_out), "redactor");
    CHECK(s_out == NULL, "restored_out is NULL after a failure");
    s_out = STALE(genie_string);
    check_null(genie_redactor_restore(redactor, NULL, len, borrowed, &s_out), "text");
    CHECK(s_out == NULL, "restored_out is NULL after a failure");
    check_null(genie_redactor_restore(redactor, bytes(text), len, NULL, &s_out), "mapping");

    check_null(genie_redaction_text(NULL, &str), "result");
    check_null(genie_redaction_text(result, NULL), "text_out");
    check_null(genie_redaction_findings_len(NULL, &n), "result");
    check_null(genie_redaction_findings_len(result, NULL), "len_out");
    check_null(genie_redaction_finding(NULL, 0, &finding), "result");
    check_null(genie_redaction_finding(result, 0, NULL), "finding_out");
    check_null(genie_redaction_mapping(NULL, &cm_out), "result");
    check_null(genie_redaction_mapping(result, NULL), "mapping_out");
    check_null(genie_redaction_counts_len(NULL, &n), "result");
    check_null(genie_redaction_counts_len(result, NULL), "len_out");
    check_null(genie_redaction_counts_entry(NULL, 0, &str, &count), "result");
    check_null(genie_redaction_counts_entry(result, 0, NULL, &count), "type_out");
    check_null(genie_redaction_counts_entry(result, 0, &str, NULL), "count_out");

    check_null(genie_mapping_new(NULL), "mapping_out");
    check_null(genie_mapping_insert(NULL, bytes("[A_1]"), 5, bytes("v"), 1), "mapping");
    check_null(genie_mapping_insert(owned, NULL, 5, bytes("v"), 1), "placeholder");
    check_null(genie_mapping_insert(owned, bytes("[A_1]"), 5, NULL, 1), "value");
    check_null(genie_mapping_len(NULL, &n), "mapping");
    check_null(genie_mapping_len(owned, NULL), "len_out");
    check_null(genie_mapping_entry(NULL, 0, &str, &str), "mapping");
    check_null(genie_mapping_entry(borrowed, 0, NULL, &str), "placeholder_out");
    check_null(genie_mapping_entry(borrowed, 0, &str, NULL), "value_out");
    check_null(genie_mapping_clone(borrowed, NULL), "clone_out");
    check_null(genie_mapping_clone(NULL, &m_out), "mapping");
    CHECK(m_out == NULL, "clone_out is NULL after a failure");

    check_null(genie_stream_redactor_new(redactor, NULL), "stream_out");
    check_null(genie_stream_redactor_new(NULL, &st_out), "redactor");
    CHECK(st_out == NULL, "stream_out is NULL after a failure");
    check_null(genie_stream_redactor_push(stream, bytes(text), len, NULL), "text_out");
    s_out = STALE(genie_string);
    check_null(genie_stream_redactor_push(NULL, bytes(text), len, &s_out), "stream");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    s_out = STALE(genie_string);
    check_null(genie_stream_redactor_push(stream, NULL, len, &s_out), "data");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    check_null(genie_stream_redactor_flush(stream, NULL), "text_out");
    s_out = STALE(genie_string);
    check_null(genie_stream_redactor_flush(NULL, &s_out), "stream");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    check_null(genie_stream_redactor_snapshot(stream, NULL), "result_out");
    res_out = STALE(genie_redaction);
    check_null(genie_stream_redactor_snapshot(NULL, &res_out), "stream");
    CHECK(res_out == NULL, "result_out is NULL after a failure");

    check_null(genie_stream_restorer_new(borrowed, NULL), "restorer_out");
    check_null(genie_stream_restorer_new(NULL, &rs_out), "mapping");
    CHECK(rs_out == NULL, "restorer_out is NULL after a failure");
    genie_stream_restorer *restorer = NULL;
    CHECK_STATUS(genie_stream_restorer_new(borrowed, &restorer), GENIE_STATUS_OK, "restorer_new");
    check_null(genie_stream_restorer_push(restorer, bytes(text), len, NULL), "text_out");
    s_out = STALE(genie_string);
    check_null(genie_stream_restorer_push(NULL, bytes(text), len, &s_out), "restorer");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    s_out = STALE(genie_string);
    check_null(genie_stream_restorer_push(restorer, NULL, len, &s_out), "data");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    check_null(genie_stream_restorer_flush(restorer, NULL), "text_out");
    s_out = STALE(genie_string);
    check_null(genie_stream_restorer_flush(NULL, &s_out), "restorer");
    CHECK(s_out == NULL, "text_out is NULL after a failure");
    /* Empty chunks, NULL or not, are fine; the failures above changed nothing. */
    CHECK_STATUS(genie_stream_restorer_push(restorer, NULL, 0, &s_out), GENIE_STATUS_OK,
                 "empty push");
    CHECK(string_is(s_out, "", 0), "an empty push releases nothing");
    CHECK_STATUS(genie_stream_restorer_push(restorer, bytes("to [EMAIL_1"), 11, &s_out),
                 GENIE_STATUS_OK, "push after NULL errors");
    CHECK(string_is(s_out, "to ", 3), "the possible placeholder is held back");
    CHECK_STATUS(genie_stream_restorer_push(restorer, bytes("]."), 2, &s_out), GENIE_STATUS_OK,
                 "push the rest");
    CHECK(string_is(s_out, "jane@example.com.", 17), "the restored placeholder");
    CHECK_STATUS(genie_stream_restorer_flush(restorer, &s_out), GENIE_STATUS_OK, "flush");
    CHECK(string_is(s_out, "", 0), "nothing left");
    genie_stream_restorer_free(restorer);

    check_null(genie_string_view(NULL, &str), "string");
    CHECK_STATUS(genie_redactor_restore(redactor, bytes(text), len, borrowed, &s_out),
                 GENIE_STATUS_OK, "restore");
    check_null(genie_string_view(s_out, NULL), "view_out");
    genie_string_free(s_out);

    /* Every free accepts NULL. */
    genie_redactor_free(NULL);
    genie_redaction_free(NULL);
    genie_mapping_free(NULL);
    genie_stream_redactor_free(NULL);
    genie_stream_restorer_free(NULL);
    genie_string_free(NULL);

    /* The NULL-argument failures changed nothing: the stream still works. */
    CHECK_STATUS(genie_stream_redactor_push(stream, bytes(text), len, &s_out), GENIE_STATUS_OK,
                 "push after NULL errors");
    genie_string_free(s_out);
    CHECK_STATUS(genie_stream_redactor_flush(stream, &s_out), GENIE_STATUS_OK, "flush");
    CHECK(string_is(s_out, "mail [EMAIL_1]", 14), "the stream output");
    genie_stream_redactor_free(stream);
    genie_mapping_free(owned);
    genie_redaction_free(result);
    genie_redactor_free(redactor);
}

/* ---- zero lengths, empty text, NUL bytes, indexes ---- */

static void zero_lengths_and_indexes(void) {
    /* NULL/0, "" and "{}" are all the default configuration. */
    genie_redactor *defaults[3] = {NULL, NULL, NULL};
    CHECK_STATUS(genie_redactor_new(NULL, 0, &defaults[0]), GENIE_STATUS_OK, "NULL, 0");
    CHECK_STATUS(genie_redactor_new("ignored", 0, &defaults[1]), GENIE_STATUS_OK, "len 0");
    CHECK_STATUS(genie_redactor_new("{}", 2, &defaults[2]), GENIE_STATUS_OK, "{}");
    const char *text = "call +1 415 802 3391";
    for (int i = 0; i < 3; i++) {
        genie_redaction *result = redact(defaults[i], text, strlen(text));
        CHECK(text_is(result, "call <PHONE>", 12), "defaults replace");
        genie_redaction_free(result);
    }
    genie_redactor *redactor = defaults[0];

    /* Empty text: NULL or not, an empty (present) text and nothing found. */
    genie_redaction *result = redact(redactor, NULL, 0);
    genie_str s = {NULL, 99};
    CHECK_STATUS(genie_redaction_text(result, &s), GENIE_STATUS_OK, "empty text");
    CHECK(s.ptr != NULL && s.len == 0, "an empty text is present, not absent");
    CHECK(findings_len(result) == 0, "nothing in empty text");
    size_t counts = 99;
    CHECK_STATUS(genie_redaction_counts_len(result, &counts), GENIE_STATUS_OK, "counts");
    CHECK(counts == 0, "no counts");

    /* Out-of-range indexes fail and write nothing. */
    genie_finding finding = {{"untouched", 9}, 7, 7, {NULL, 0}};
    CHECK_STATUS(genie_redaction_finding(result, 0, &finding), GENIE_STATUS_INVALID_ARGUMENT,
                 "finding 0 of 0");
    CHECK(error_mentions("0 is out of range") && finding.start == 7, genie_last_error_message());
    uint64_t count = 42;
    CHECK_STATUS(genie_redaction_counts_entry(result, 0, &s, &count),
                 GENIE_STATUS_INVALID_ARGUMENT, "count 0 of 0");
    CHECK(count == 42, "count untouched");
    const genie_mapping *mapping = NULL;
    CHECK_STATUS(genie_redaction_mapping(result, &mapping), GENIE_STATUS_OK, "mapping");
    genie_str p = {"untouched", 9}, v = p;
    CHECK_STATUS(genie_mapping_entry(mapping, (size_t)-1, &p, &v),
                 GENIE_STATUS_INVALID_ARGUMENT, "entry SIZE_MAX");
    CHECK(p.len == 9 && v.len == 9, "entry untouched");
    genie_string *restored = NULL;
    CHECK_STATUS(genie_redactor_restore(redactor, NULL, 0, mapping, &restored), GENIE_STATUS_OK,
                 "restore empty");
    CHECK(string_is(restored, "", 0), "restore of nothing is empty");
    genie_redaction_free(result);

    CHECK_STATUS(genie_redactor_find(redactor, bytes("x"), 0, &result), GENIE_STATUS_OK, "find 0");
    CHECK(findings_len(result) == 0, "find on empty text");
    genie_redaction_free(result);

    /* NUL bytes are text like any other: offsets count them. */
    const char with_nul[] = "a\0b jane@example.com\0";
    result = redact(redactor, with_nul, sizeof with_nul - 1);
    CHECK(text_is(result, "a\0b <EMAIL>\0", 12), "NUL bytes pass through");
    CHECK_STATUS(genie_redaction_finding(result, 0, &finding), GENIE_STATUS_OK, "finding");
    CHECK(finding.start == 4 && finding.end == 20, "offsets count NUL bytes");
    genie_redaction_free(result);

    /* Mapping pairs: empty values are fine, empty placeholders are not; re-inserting
     * replaces. */
    genie_mapping *owned = NULL;
    CHECK_STATUS(genie_mapping_new(&owned), GENIE_STATUS_OK, "mapping_new");
    CHECK_STATUS(genie_mapping_insert(owned, bytes("[EMAIL_1]"), 9, NULL, 0), GENIE_STATUS_OK,
                 "empty value");
    CHECK_STATUS(genie_mapping_insert(owned, bytes("x"), 0, bytes("v"), 1),
                 GENIE_STATUS_INVALID_ARGUMENT, "empty placeholder");
    CHECK(error_starts_with("placeholder: must not be empty"), genie_last_error_message());
    CHECK_STATUS(genie_mapping_insert(owned, bytes("[EMAIL_1]"), 9, bytes("a@b.io"), 6),
                 GENIE_STATUS_OK, "replace");
    CHECK_STATUS(genie_mapping_insert(owned, bytes("[EMAIL_10]"), 10, bytes("c@d.io"), 6),
                 GENIE_STATUS_OK, "second");
    size_t n = 0;
    CHECK_STATUS(genie_mapping_len(owned, &n), GENIE_STATUS_OK, "len");
    CHECK(n == 2, "two pairs");
    CHECK_STATUS(genie_redactor_restore(redactor, bytes("[EMAIL_1] [EMAIL_10] [EMAIL_2]"), 30,
                                        owned, &restored),
                 GENIE_STATUS_OK, "restore");
    CHECK(string_is(restored, "a@b.io c@d.io [EMAIL_2]", 23), "restore with built pairs");
    genie_mapping_free(owned);

    for (int i = 0; i < 3; i++) {
        genie_redactor_free(defaults[i]);
    }
}

/* ---- invalid UTF-8 ---- */

static void invalid_utf8(void) {
    genie_redactor *redactor = new_redactor(NULL);
#define BAD(literal, at) {(literal), sizeof(literal) - 1, (at)}
    static const struct {
        const char *bytes;
        size_t len;
        const char *at;
    } bad[] = {
        BAD("jane@example.com \xff rest", "at byte 17 "),
        BAD("ok \xc3\xa9 then \xc0\x80", "at byte 11 "), /* an overlong NUL */
        BAD("\xed\xa0\x80 surrogate", "at byte 0 "),    /* a UTF-16 surrogate */
        BAD("lone \x80 continuation", "at byte 5 "),
        BAD("cut at the end \xe2\x82", "at byte 15 "),
        BAD("\xf4\x90\x80\x80 past U+10FFFF", "at byte 0 "),
    };
#undef BAD
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        genie_redaction *result = STALE(genie_redaction);
        CHECK_STATUS(genie_redactor_redact(redactor, bytes(bad[i].bytes), bad[i].len, &result),
                     GENIE_STATUS_INVALID_UTF8, bad[i].at);
        CHECK(result == NULL, "fail closed: no result");
        CHECK(error_starts_with("text: invalid UTF-8 ") && error_mentions(bad[i].at),
              genie_last_error_message());
        result = STALE(genie_redaction);
        CHECK_STATUS(genie_redactor_find(redactor, bytes(bad[i].bytes), bad[i].len, &result),
                     GENIE_STATUS_INVALID_UTF8, bad[i].at);
        CHECK(result == NULL && error_mentions(bad[i].at), genie_last_error_message());
    }
    genie_mapping *mapping = NULL;
    CHECK_STATUS(genie_mapping_new(&mapping), GENIE_STATUS_OK, "mapping");
    genie_string *restored = STALE(genie_string);
    CHECK_STATUS(genie_redactor_restore(redactor, bytes("ab\xfe"), 3, mapping, &restored),
                 GENIE_STATUS_INVALID_UTF8, "restore");
    CHECK(restored == NULL && error_mentions("at byte 2 "), genie_last_error_message());
    CHECK_STATUS(genie_mapping_insert(mapping, bytes("[X_1]"), 5, bytes("v\xff"), 2),
                 GENIE_STATUS_INVALID_UTF8, "value");
    CHECK(error_starts_with("value: invalid UTF-8 at byte 1 "), genie_last_error_message());
    CHECK_STATUS(genie_mapping_insert(mapping, bytes("\xff"), 1, bytes("v"), 1),
                 GENIE_STATUS_INVALID_UTF8, "placeholder");
    size_t n = 9;
    CHECK(genie_mapping_len(mapping, &n) == GENIE_STATUS_OK && n == 0, "rejected pairs");
    genie_mapping_free(mapping);

    genie_redactor *r = STALE(genie_redactor);
    CHECK_STATUS(genie_redactor_new("{\"profile\": \"\xff\"}", 16, &r), GENIE_STATUS_INVALID_UTF8,
                 "config");
    CHECK(r == NULL && error_starts_with("config_json: invalid UTF-8 at byte 13 "),
          genie_last_error_message());
    genie_redactor_free(redactor);
}

/* ---- configuration errors ---- */

static void config_errors(void) {
    genie_redactor *r = STALE(genie_redactor);
    CHECK_STATUS(genie_redactor_new("{\"profile\": ", 12, &r), GENIE_STATUS_INVALID_CONFIG,
                 "truncated JSON");
    CHECK(r == NULL, "NULL after a failure");
    CHECK_STATUS(genie_redactor_new("{} {}", 5, &r), GENIE_STATUS_INVALID_CONFIG, "trailing");
    CHECK_STATUS(genie_redactor_new("{\"colour\": 1}", 13, &r), GENIE_STATUS_INVALID_CONFIG,
                 "unknown field");
    CHECK(error_mentions("colour"), genie_last_error_message());
    const char *missing = "/nonexistent/genie/redact.json";
    r = STALE(genie_redactor);
    CHECK_STATUS(genie_redactor_new_from_path(missing, &r), GENIE_STATUS_INVALID_CONFIG,
                 "missing file");
    CHECK(r == NULL && error_starts_with(missing), genie_last_error_message());
    /* The hash operator without its key's variable: the message names the variable, never
     * a key. */
    unsetenv("GENIE_TEST_UNSET_KEY");
    const char *hash =
        "{\"hash_key_env\": \"GENIE_TEST_UNSET_KEY\", \"operators\": {\"default\": {\"type\": "
        "\"hash\"}}}";
    CHECK_STATUS(genie_redactor_new(hash, strlen(hash), &r), GENIE_STATUS_INVALID_CONFIG,
                 "unset key");
    CHECK(error_starts_with("hash_key_env:") && error_mentions("GENIE_TEST_UNSET_KEY"),
          genie_last_error_message());
    setenv("GENIE_TEST_UNSET_KEY", "k", 1);
    genie_redactor *ok = new_redactor(hash);
    genie_redaction *a = redact(ok, "a@b.io a@b.io", 13);
    genie_str text;
    genie_redaction_text(a, &text);
    CHECK(text.len == 33 && memcmp(text.ptr, text.ptr + 17, 16) == 0, "equal pseudonyms");
    genie_redaction_free(a);
    genie_redactor_free(ok);
    unsetenv("GENIE_TEST_UNSET_KEY");
    /* A successful call leaves the last message, like errno. */
    CHECK(error_mentions("GENIE_TEST_UNSET_KEY"), genie_last_error_message());
}

/* ---- the stream redactor and bytes cut anywhere ---- */

static genie_status push(genie_stream_redactor *stream, const char *data, size_t len,
                         char *out, size_t *out_len) {
    genie_string *piece = STALE(genie_string);
    genie_status status = genie_stream_redactor_push(stream, bytes(data), len, &piece);
    if (status != GENIE_STATUS_OK) {
        CHECK(piece == NULL, "fail closed: no text from a failed push");
        return status;
    }
    genie_str view;
    genie_string_view(piece, &view);
    memcpy(out + *out_len, view.ptr, view.len);
    *out_len += view.len;
    genie_string_free(piece);
    return status;
}

static genie_status flush(genie_stream_redactor *stream, char *out, size_t *out_len) {
    genie_string *rest = STALE(genie_string);
    genie_status status = genie_stream_redactor_flush(stream, &rest);
    if (status != GENIE_STATUS_OK) {
        CHECK(rest == NULL, "fail closed: no text from a failed flush");
        return status;
    }
    genie_str view;
    genie_string_view(rest, &view);
    memcpy(out + *out_len, view.ptr, view.len);
    *out_len += view.len;
    genie_string_free(rest);
    return status;
}

/* A string literal and its length (without the terminating NUL). */
#define LIT(literal) (literal), (sizeof(literal) - 1)

static void stream_utf8(void) {
    genie_redactor *redactor = new_redactor(NULL);
    char out[512];
    size_t out_len = 0;
    genie_stream_redactor *stream = NULL;
    CHECK_STATUS(genie_stream_redactor_new(redactor, &stream), GENIE_STATUS_OK, "new");
    /* The redactor may go before its streams. */
    genie_redactor_free(redactor);

    /* "é" (c3 a9) and "😀" (f0 9f 98 80) split across chunks, then invalid chunks, which are
     * rejected whole, leaving the stream as it was. Stream offsets: "caf" 0-2, é 3-4,
     * " mail " 5-10, the address 11-26, " " 27, the emoji 28-31, " ok " 32-35, "€" 36-38. */
    CHECK_STATUS(push(stream, LIT("caf\xc3"), out, &out_len), GENIE_STATUS_OK, "lead byte");
    CHECK_STATUS(push(stream, LIT("\xa9 mail jos\xc3\xa9@example.fr \xf0\x9f"), out, &out_len),
                 GENIE_STATUS_OK, "continuation");
    CHECK_STATUS(push(stream, LIT("\x98"), out, &out_len), GENIE_STATUS_OK, "third byte");
    CHECK_STATUS(push(stream, LIT("X"), out, &out_len), GENIE_STATUS_INVALID_UTF8,
                 "an emoji not completed");
    CHECK(error_starts_with("data: invalid UTF-8 at byte 28 of the stream") &&
              error_mentions("previous chunk"),
          genie_last_error_message());
    CHECK_STATUS(push(stream, LIT("\x80 ok \xff more"), out, &out_len),
                 GENIE_STATUS_INVALID_UTF8, "a bad byte inside the chunk");
    CHECK(error_starts_with("data: invalid UTF-8 at byte 5 of this chunk, byte 36 of the stream "
                            "(the sequence starting with 0xff is not valid)"),
          genie_last_error_message());
    CHECK_STATUS(push(stream, LIT("\x80 ok"), out, &out_len), GENIE_STATUS_OK, "completed");
    CHECK_STATUS(push(stream, LIT(" \xe2\x82"), out, &out_len), GENIE_STATUS_OK, "euro, cut");
    CHECK_STATUS(flush(stream, out, &out_len), GENIE_STATUS_INVALID_UTF8, "ends inside");
    CHECK(error_mentions("began at byte 36 of the stream (2 of its 3 bytes arrived)"),
          genie_last_error_message());
    CHECK_STATUS(push(stream, LIT("\xac"), out, &out_len), GENIE_STATUS_OK, "euro, completed");
    CHECK_STATUS(flush(stream, out, &out_len), GENIE_STATUS_OK, "flush");
    const char want[] = "caf\xc3\xa9 mail <EMAIL> \xf0\x9f\x98\x80 ok \xe2\x82\xac";
    CHECK(out_len == sizeof want - 1 && memcmp(out, want, out_len) == 0, "the stream output");
    genie_redaction *snapshot = NULL;
    CHECK_STATUS(genie_stream_redactor_snapshot(stream, &snapshot), GENIE_STATUS_OK, "snapshot");
    genie_stream_redactor_free(stream);
    /* The snapshot outlives the stream; offsets are into the accepted bytes. */
    genie_finding finding = {{NULL, 0}, 0, 0, {NULL, 0}};
    CHECK_STATUS(genie_redaction_finding(snapshot, 0, &finding), GENIE_STATUS_OK, "finding");
    CHECK(finding.start == 11 && finding.end == 27 && genie_str_eq(finding.type, "EMAIL") &&
              genie_str_eq(finding.operator_name, "replace"),
          "stream finding");
    genie_redaction_free(snapshot);
}

/* The stream restorer takes bytes cut anywhere too: a character split across chunks is
 * completed, bytes that can never be UTF-8 are refused whole with their offset. */
static void restorer_utf8(void) {
    genie_mapping *mapping = NULL;
    CHECK_STATUS(genie_mapping_new(&mapping), GENIE_STATUS_OK, "mapping_new");
    CHECK_STATUS(genie_mapping_insert(mapping, bytes("[PERSON_1]"), 10, bytes("Jos\xc3\xa9"), 5),
                 GENIE_STATUS_OK, "insert");
    genie_stream_restorer *restorer = NULL;
    CHECK_STATUS(genie_stream_restorer_new(mapping, &restorer), GENIE_STATUS_OK, "new");
    /* The restorer copied the mapping: freeing it changes nothing. */
    genie_mapping_free(mapping);
    char out[256];
    size_t out_len = 0;
    genie_string *piece = NULL;
    genie_str view;
#define RPUSH(literal, want_status, what)                                                     \
    do {                                                                                      \
        piece = STALE(genie_string);                                                          \
        genie_status st = genie_stream_restorer_push(restorer, bytes(literal),                \
                                                     sizeof(literal) - 1, &piece);            \
        CHECK_STATUS(st, want_status, what);                                                  \
        if (st == GENIE_STATUS_OK) {                                                          \
            genie_string_view(piece, &view);                                                  \
            memcpy(out + out_len, view.ptr, view.len);                                        \
            out_len += view.len;                                                              \
            genie_string_free(piece);                                                         \
        } else {                                                                              \
            CHECK(piece == NULL, "no text from a failed push");                               \
        }                                                                                     \
    } while (0)
    /* Stream offsets: "caf" 0-2, é 3-4, " [PERSON_" 5-13, "1]" 14-15, " " 16, "€" 17-19. */
    RPUSH("caf\xc3", GENIE_STATUS_OK, "lead byte");
    RPUSH("\xa9 [PERSON_", GENIE_STATUS_OK, "continuation, placeholder cut");
    RPUSH("1] \xe2", GENIE_STATUS_OK, "placeholder completed, euro cut");
    RPUSH("X", GENIE_STATUS_INVALID_UTF8, "euro not continued");
    CHECK(error_starts_with("data: invalid UTF-8 at byte 17 of the stream"),
          genie_last_error_message());
    RPUSH("\x82", GENIE_STATUS_OK, "euro, 2 of 3");
    piece = STALE(genie_string);
    CHECK_STATUS(genie_stream_restorer_flush(restorer, &piece), GENIE_STATUS_INVALID_UTF8,
                 "ends inside");
    CHECK(piece == NULL, "no text from a failed flush");
    CHECK(error_mentions("began at byte 17 of the stream (2 of its 3 bytes arrived)"),
          genie_last_error_message());
    RPUSH("\xac ok \xff", GENIE_STATUS_INVALID_UTF8, "a bad byte inside the chunk");
    CHECK(error_starts_with("data: invalid UTF-8 at byte 5 of this chunk, byte 24 of the stream"),
          genie_last_error_message());
    RPUSH("\xac", GENIE_STATUS_OK, "euro, completed");
#undef RPUSH
    CHECK_STATUS(genie_stream_restorer_flush(restorer, &piece), GENIE_STATUS_OK, "flush");
    genie_string_view(piece, &view);
    memcpy(out + out_len, view.ptr, view.len);
    out_len += view.len;
    genie_string_free(piece);
    const char want[] = "caf\xc3\xa9 Jos\xc3\xa9 \xe2\x82\xac";
    CHECK(out_len == sizeof want - 1 && memcmp(out, want, out_len) == 0, "the restored output");
    genie_stream_restorer_free(restorer);
}

/* ---- a 50 MB text ---- */

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void large_text(void) {
    const size_t target = small ? 64 * 1024 : 50u * 1000 * 1000;
    static const char *const lines[] = {
        "Ticket 48213: customer reports the export fails after the 2.4.1 update. ",
        "Contact: maria.lopez%zu@example.org, phone +1 415 802 3391. ",
        "Stack trace attached (order #A-99812, build 1.2.3.4), nothing else to add.\n",
        "Patient notes: café au lait spots, follow up in 2 weeks — 東京 office. ",
    };
    size_t cap = target + 256, len = 0, emails = 0;
    char *text = malloc(cap);
    for (size_t i = 0; len < target; i++) {
        int n = snprintf(text + len, cap - len, lines[i % 4], i);
        len += (size_t)n;
        emails += i % 4 == 1;
    }
    genie_redactor *redactor = new_redactor(NULL);
    double t0 = seconds();
    genie_redaction *result = redact(redactor, text, len);
    double t1 = seconds();
    genie_str out = {NULL, 0};
    genie_redaction_text(result, &out);
    size_t n_counts = 0;
    uint64_t email_count = 0;
    genie_redaction_counts_len(result, &n_counts);
    for (size_t i = 0; i < n_counts; i++) {
        genie_str type;
        uint64_t count;
        genie_redaction_counts_entry(result, i, &type, &count);
        if (genie_str_eq(type, "EMAIL")) {
            email_count = count;
        }
    }
    CHECK(email_count == emails, "every e-mail found");
    CHECK(out.ptr != NULL && memchr(out.ptr, '@', out.len) == NULL, "no address survives");
    printf("%.1f MB redacted in %.3f s (%.1f MB/s), %zu e-mails\n", (double)len / 1e6, t1 - t0,
           (double)len / 1e6 / (t1 - t0), emails);

    /* Streamed in 1 MiB chunks (cut anywhere, even inside "é" or "東"), the same output. */
    genie_stream_redactor *stream = NULL;
    CHECK_STATUS(genie_stream_redactor_new(redactor, &stream), GENIE_STATUS_OK, "stream");
    const size_t chunk = small ? 4099 : 1048573;
    size_t matched = 0;
    bool same = true;
    for (size_t pos = 0; pos < len && same; pos += chunk) {
        size_t n = len - pos < chunk ? len - pos : chunk;
        genie_string *piece = NULL;
        if (!CHECK_STATUS(genie_stream_redactor_push(stream, bytes(text) + pos, n, &piece),
                          GENIE_STATUS_OK, "push")) {
            break;
        }
        genie_str view = {"", 0};
        genie_string_view(piece, &view);
        same = matched + view.len <= out.len &&
               memcmp(out.ptr + matched, view.ptr, view.len) == 0;
        matched += view.len;
        genie_string_free(piece);
    }
    genie_string *rest = NULL;
    CHECK_STATUS(genie_stream_redactor_flush(stream, &rest), GENIE_STATUS_OK, "flush");
    genie_str view = {"", 0};
    genie_string_view(rest, &view);
    same = same && matched + view.len == out.len &&
           memcmp(out.ptr + matched, view.ptr, view.len) == 0;
    CHECK(same, "streaming the large text gives the whole-text output");
    printf("streamed %.1f MB in %.3f s\n", (double)len / 1e6, seconds() - t1);
    genie_string_free(rest);
    genie_stream_redactor_free(stream);
    genie_redaction_free(result);
    genie_redactor_free(redactor);
    free(text);
}

/* ---- one redactor, four threads ---- */

enum { THREADS = 4 };

typedef struct worker {
    const genie_redactor *redactor;
    int id;
    int rounds;
    int failures;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    for (int round = 0; round < w->rounds; round++) {
        char text[256], want[256];
        int n = snprintf(text, sizeof text, "thread %d round %d: mail user%d.%d@example.com, "
                                            "card 4111 1111 1111 1111 ok",
                         w->id, round, w->id, round);
        snprintf(want, sizeof want, "thread %d round %d: mail [EMAIL_1], card [CREDIT_CARD_1] ok",
                 w->id, round);
        genie_redaction *result = NULL;
        if (genie_redactor_redact(w->redactor, bytes(text), (size_t)n, &result) !=
                GENIE_STATUS_OK ||
            !text_is(result, want, strlen(want))) {
            w->failures++;
        }
        const genie_mapping *mapping = NULL;
        genie_string *restored = NULL;
        if (genie_redaction_mapping(result, &mapping) != GENIE_STATUS_OK ||
            genie_redactor_restore(w->redactor, bytes(want), strlen(want), mapping, &restored) !=
                GENIE_STATUS_OK ||
            !string_is(restored, text, (size_t)n)) {
            w->failures++;
        }
        genie_redaction_free(result);
        /* A stream of its own, from the shared redactor. */
        genie_stream_redactor *stream = NULL;
        genie_string *a = NULL, *b = NULL;
        if (genie_stream_redactor_new(w->redactor, &stream) != GENIE_STATUS_OK ||
            genie_stream_redactor_push(stream, bytes(text), (size_t)n, &a) != GENIE_STATUS_OK ||
            genie_stream_redactor_flush(stream, &b) != GENIE_STATUS_OK) {
            w->failures++;
        } else {
            genie_str va, vb;
            genie_string_view(a, &va);
            genie_string_view(b, &vb);
            if (va.len + vb.len != strlen(want) || memcmp(want, va.ptr, va.len) != 0 ||
                memcmp(want + va.len, vb.ptr, vb.len) != 0) {
                w->failures++;
            }
        }
        genie_string_free(a);
        genie_string_free(b);
        genie_stream_redactor_free(stream);
    }
    return NULL;
}

static void shared_across_threads(void) {
    genie_redactor *redactor = new_redactor(placeholders);
    worker workers[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        workers[i] = (worker){redactor, i, small ? 20 : 2000, 0};
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "pthread_create");
    }
    int failures = 0;
    for (int i = 0; i < THREADS; i++) {
        CHECK(pthread_join(threads[i], NULL) == 0, "pthread_join");
        failures += workers[i].failures;
    }
    CHECK(failures == 0, "every thread got its own, correct results");
    printf("%d threads x %d rounds on one redactor: %d failures\n", THREADS, workers[0].rounds,
           failures);
    genie_redactor_free(redactor);
}

int main(void) {
    small = getenv("GENIE_TEST_SMALL") != NULL && strcmp(getenv("GENIE_TEST_SMALL"), "0") != 0;
    null_arguments();
    zero_lengths_and_indexes();
    invalid_utf8();
    config_errors();
    stream_utf8();
    restorer_utf8();
    large_text();
    shared_across_threads();
    return harness_finish("redaction bad input");
}
