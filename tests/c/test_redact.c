/*
 * Replays tests/fixtures/pii/redaction.json through genie's C redaction API: for every case,
 * the redactor built from the case's JSON config (and again from a config file), the redacted
 * text, the findings with byte offsets and operators (from redact and from find), the counts,
 * the placeholder mapping, restore (with the result's mapping, a clone of it and a mapping
 * rebuilt from stored pairs; whole and through the stream restorer at several chunkings,
 * byte by byte included), the config errors (status and the path of the bad value), and
 * the stream redactor at several chunkings including byte by byte (which splits multi-byte
 * characters), on the case's input and on a longer text made of it.
 *
 * Usage: test_redact [fixtures-dir]   (default: tests/fixtures)
 * GENIE_TEST_SMALL=1 (set by run.sh under valgrind) keeps the long-text streams short.
 */
#define _POSIX_C_SOURCE 200809L /* setenv, mkstemp */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static const char *fixtures_dir;
static bool small;

/* ---- helpers ---- */

static bool str_is(genie_str s, const char *bytes, size_t len) {
    return s.ptr != NULL && s.len == len && memcmp(s.ptr, bytes, len) == 0;
}

/* The JSON text of a case's config, or NULL (defaults) for null. Free with free(). */
static char *config_json(const cJSON *test_case) {
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(test_case, "config");
    return cJSON_IsNull(config) || config == NULL ? NULL : cJSON_PrintUnformatted(config);
}

static genie_status new_redactor(const char *json, genie_redactor **out) {
    return genie_redactor_new(json, json == NULL ? 0 : strlen(json), out);
}

/* A temporary file for configs, made once and removed at the end. */
static char config_path[] = "/tmp/genie-redact-config-XXXXXX";

/* Writes `json` to the temporary config file and returns its path. */
static const char *config_file(const char *json) {
    if (strstr(config_path, "XXXXXX") != NULL) {
        int fd = mkstemp(config_path);
        if (fd < 0) {
            perror("mkstemp");
            exit(2);
        }
        close(fd);
    }
    FILE *f = fopen(config_path, "wb");
    if (f == NULL || fputs(json, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", config_path);
        exit(2);
    }
    return config_path;
}

/* Owned text of a genie_string, then frees it. */
static owned_str take_string(genie_string *string) {
    genie_str view = {NULL, 0};
    CHECK_STATUS(genie_string_view(string, &view), GENIE_STATUS_OK, "genie_string_view");
    owned_str out = owned_copy(view);
    genie_string_free(string);
    return out;
}

/* A growable byte buffer. */
typedef struct buffer {
    char *ptr;
    size_t len, cap;
} buffer;

static void buffer_add(buffer *b, const char *bytes, size_t len) {
    if (b->len + len + 1 > b->cap) {
        b->cap = (b->len + len + 1) * 2;
        b->ptr = realloc(b->ptr, b->cap);
        if (b->ptr == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
    }
    if (len > 0) {
        memcpy(b->ptr + b->len, bytes, len);
    }
    b->len += len;
    b->ptr[b->len] = '\0';
}

/* ---- the checks of one result against a case's expectations ---- */

static void check_findings(const genie_redaction *result, const cJSON *want, const char *input,
                           bool with_operator, const char *name) {
    size_t len = 999;
    CHECK_STATUS(genie_redaction_findings_len(result, &len), GENIE_STATUS_OK, name);
    CHECK(len == (size_t)cJSON_GetArraySize(want), name);
    size_t i = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, want) {
        genie_finding got;
        if (i >= len ||
            !CHECK_STATUS(genie_redaction_finding(result, i, &got), GENIE_STATUS_OK, name)) {
            break;
        }
        const char *type = json_str(f, "type");
        size_t start = (size_t)cJSON_GetObjectItemCaseSensitive(f, "start_byte")->valuedouble;
        size_t end = (size_t)cJSON_GetObjectItemCaseSensitive(f, "end_byte")->valuedouble;
        const char *value = json_str(f, "value");
        CHECK(genie_str_eq(got.type, type), name);
        CHECK(got.start == start && got.end == end, name);
        /* Byte offsets slice the input the C way. */
        CHECK(end - start == strlen(value) && memcmp(input + start, value, end - start) == 0,
              name);
        CHECK(genie_str_eq(got.operator_name, with_operator ? json_str(f, "operator") : NULL),
              name);
        i++;
    }
}

static void check_counts(const genie_redaction *result, const cJSON *want, const char *name) {
    size_t len = 999;
    CHECK_STATUS(genie_redaction_counts_len(result, &len), GENIE_STATUS_OK, name);
    CHECK(len == (size_t)(want == NULL ? 0 : cJSON_GetArraySize(want)), name);
    for (size_t i = 0; i < len; i++) {
        genie_str type;
        uint64_t count = 0;
        CHECK_STATUS(genie_redaction_counts_entry(result, i, &type, &count), GENIE_STATUS_OK,
                     name);
        owned_str t = owned_copy(type);
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(want, t.ptr);
        CHECK(cJSON_IsNumber(n) && (uint64_t)n->valuedouble == count, t.ptr);
        owned_free(&t);
    }
}

/* Whether `mapping` holds exactly the pairs of the JSON object `want` (null: none). */
static void check_mapping(const genie_mapping *mapping, const cJSON *want, const char *name) {
    size_t len = 999;
    CHECK_STATUS(genie_mapping_len(mapping, &len), GENIE_STATUS_OK, name);
    size_t want_len = cJSON_IsObject(want) ? (size_t)cJSON_GetArraySize(want) : 0;
    CHECK(len == want_len, name);
    for (size_t i = 0; i < len; i++) {
        genie_str placeholder, value;
        CHECK_STATUS(genie_mapping_entry(mapping, i, &placeholder, &value), GENIE_STATUS_OK,
                     name);
        owned_str p = owned_copy(placeholder);
        CHECK(genie_str_eq(value, json_str(want, p.ptr)), p.ptr);
        owned_free(&p);
    }
}

static owned_str restore(const genie_redactor *redactor, const char *text,
                         const genie_mapping *mapping) {
    genie_string *restored = NULL;
    if (!CHECK_STATUS(genie_redactor_restore(redactor, (const uint8_t *)text, strlen(text),
                                             mapping, &restored),
                      GENIE_STATUS_OK, text)) {
        return (owned_str){NULL, 0};
    }
    return take_string(restored);
}

/* ---- streaming ---- */

/* A stream's push (redactor or restorer) behind one signature, so one loop feeds both. */
typedef genie_status (*push_fn)(void *stream, const uint8_t *data, size_t len,
                                genie_string **text_out);

static genie_status push_redactor(void *stream, const uint8_t *data, size_t len,
                                  genie_string **text_out) {
    return genie_stream_redactor_push(stream, data, len, text_out);
}

static genie_status push_restorer(void *stream, const uint8_t *data, size_t len,
                                  genie_string **text_out) {
    return genie_stream_restorer_push(stream, data, len, text_out);
}

/* Pushes `len` bytes of `text` in chunks of `chunk` bytes (cycling through `sizes` when chunk
 * is 0: byte-sized chunks split multi-byte characters) and appends the output to `out`. */
static void push_chunks(void *stream, push_fn push, const char *text, size_t len, size_t chunk,
                        buffer *out, const char *name) {
    static const size_t sizes[] = {1, 2, 3, 5, 7, 11, 13, 64, 300, 1000};
    size_t k = 0;
    for (size_t pos = 0; pos < len; k++) {
        size_t n = chunk ? chunk : sizes[k % (sizeof sizes / sizeof sizes[0])];
        if (n > len - pos) {
            n = len - pos;
        }
        genie_string *piece = NULL;
        if (!CHECK_STATUS(push(stream, (const uint8_t *)text + pos, n, &piece), GENIE_STATUS_OK,
                          name)) {
            break;
        }
        owned_str s = take_string(piece);
        buffer_add(out, s.ptr, s.len);
        owned_free(&s);
        pos += n;
    }
}

/* Appends a flushed string to `out`. */
static void add_flushed(buffer *out, genie_status status, genie_string *rest, const char *name) {
    CHECK_STATUS(status, GENIE_STATUS_OK, name);
    owned_str s = take_string(rest);
    buffer_add(out, s.ptr, s.len);
    owned_free(&s);
}

/* Streams `len` bytes of `text` through a stream redactor in chunks of `chunk` bytes (see
 * push_chunks) and returns the concatenated output; *snapshot_out gets the stream's result. */
static owned_str stream_text(const genie_redactor *redactor, const char *text, size_t len,
                             size_t chunk, genie_redaction **snapshot_out, const char *name) {
    genie_stream_redactor *stream = NULL;
    buffer out = {NULL, 0, 0};
    buffer_add(&out, "", 0);
    CHECK_STATUS(genie_stream_redactor_new(redactor, &stream), GENIE_STATUS_OK, name);
    push_chunks(stream, push_redactor, text, len, chunk, &out, name);
    genie_string *rest = NULL;
    genie_status status = genie_stream_redactor_flush(stream, &rest);
    add_flushed(&out, status, rest, name);
    CHECK_STATUS(genie_stream_redactor_snapshot(stream, snapshot_out), GENIE_STATUS_OK, name);
    genie_stream_redactor_free(stream);
    return (owned_str){out.ptr, out.len};
}

/* `text` through a stream restorer in chunks of `chunk` bytes (see push_chunks). */
static owned_str stream_restore(const genie_mapping *mapping, const char *text, size_t chunk,
                                const char *name) {
    genie_stream_restorer *restorer = NULL;
    buffer out = {NULL, 0, 0};
    buffer_add(&out, "", 0);
    CHECK_STATUS(genie_stream_restorer_new(mapping, &restorer), GENIE_STATUS_OK, name);
    push_chunks(restorer, push_restorer, text, strlen(text), chunk, &out, name);
    genie_string *rest = NULL;
    genie_status status = genie_stream_restorer_flush(restorer, &rest);
    add_flushed(&out, status, rest, name);
    genie_stream_restorer_free(restorer);
    return (owned_str){out.ptr, out.len};
}

/* Every restore pair of the case, with `mapping`: whole, and streamed at several chunkings. */
static void check_restores(const genie_redactor *redactor, const cJSON *pairs,
                           const genie_mapping *mapping, const char *name) {
    static const size_t chunkings[] = {0, 1, 2, 3, 1000};
    const cJSON *pair;
    cJSON_ArrayForEach(pair, pairs) {
        const char *text = json_str(pair, "text"), *want = json_str(pair, "expect");
        owned_str got = restore(redactor, text, mapping);
        CHECK(owned_eq(got, want), name);
        owned_free(&got);
        for (size_t c = 0; c < sizeof chunkings / sizeof chunkings[0]; c++) {
            char context[256];
            snprintf(context, sizeof context, "%s, stream restore in chunks of %zu", name,
                     chunkings[c]);
            owned_str streamed = stream_restore(mapping, text, chunkings[c], context);
            CHECK(owned_eq(streamed, want), context);
            owned_free(&streamed);
        }
    }
}

/* The case's input streamed at several chunkings gives the expected text, findings, counts
 * and mapping. */
static void check_streams(const genie_redactor *redactor, const char *input, const cJSON *expect,
                          const char *name) {
    static const size_t chunkings[] = {0, 1, 2, 3, 5, 64, 100000};
    for (size_t c = 0; c < sizeof chunkings / sizeof chunkings[0]; c++) {
        char context[256];
        if (chunkings[c] == 0) {
            snprintf(context, sizeof context, "%s, stream in mixed chunks", name);
        } else {
            snprintf(context, sizeof context, "%s, stream in chunks of %zu", name, chunkings[c]);
        }
        genie_redaction *snapshot = NULL;
        owned_str got = stream_text(redactor, input, strlen(input), chunkings[c], &snapshot,
                                    context);
        CHECK(owned_eq(got, json_str(expect, "text")), context);
        owned_free(&got);
        if (snapshot != NULL) {
            genie_str text = {"not absent", 1};
            CHECK_STATUS(genie_redaction_text(snapshot, &text), GENIE_STATUS_OK, context);
            CHECK(text.ptr == NULL && text.len == 0, "a snapshot has no text");
            check_findings(snapshot, cJSON_GetObjectItemCaseSensitive(expect, "findings"), input,
                           true, context);
            check_counts(snapshot, cJSON_GetObjectItemCaseSensitive(expect, "counts"), context);
            const genie_mapping *mapping = NULL;
            CHECK_STATUS(genie_redaction_mapping(snapshot, &mapping), GENIE_STATUS_OK, context);
            check_mapping(mapping, cJSON_GetObjectItemCaseSensitive(expect, "mapping"), context);
        }
        genie_redaction_free(snapshot);
    }
}

/* A text a few KB long made of the input, so the stream releases output while chunks are
 * still arriving (it holds back a few hundred bytes): streamed, it equals the whole-text
 * redaction genie gives through the same API. */
static void check_long_stream(const genie_redactor *redactor, const char *input,
                              const char *name) {
    buffer text = {NULL, 0, 0};
    size_t target = small ? 1500 : 6000;
    for (int i = 0; text.len < target; i++) {
        buffer_add(&text, input, strlen(input));
        buffer_add(&text, i % 3 == 2 ? "\n\n" : " ", i % 3 == 2 ? 2 : 1);
    }
    genie_redaction *whole = NULL;
    CHECK_STATUS(genie_redactor_redact(redactor, (const uint8_t *)text.ptr, text.len, &whole),
                 GENIE_STATUS_OK, name);
    genie_str want = {NULL, 0};
    CHECK_STATUS(genie_redaction_text(whole, &want), GENIE_STATUS_OK, name);
    static const size_t chunkings[] = {1, 0, 7, 512, 4096};
    for (size_t c = small ? 1 : 0; c < sizeof chunkings / sizeof chunkings[0]; c++) {
        char context[256];
        snprintf(context, sizeof context, "%s, long text in chunks of %zu (0: mixed)", name,
                 chunkings[c]);
        genie_redaction *snapshot = NULL;
        owned_str got = stream_text(redactor, text.ptr, text.len, chunkings[c], &snapshot,
                                    context);
        CHECK(str_is(want, got.ptr, got.len), context);
        size_t whole_findings = 0, stream_findings = 1;
        genie_redaction_findings_len(whole, &whole_findings);
        genie_redaction_findings_len(snapshot, &stream_findings);
        CHECK(whole_findings == stream_findings, context);
        owned_free(&got);
        genie_redaction_free(snapshot);
    }
    genie_redaction_free(whole);
    free(text.ptr);
}

/* ---- one case ---- */

static void error_case(const cJSON *test_case, const char *name) {
    const cJSON *error = cJSON_GetObjectItemCaseSensitive(test_case, "error");
    const char *path = json_str(error, "path");
    CHECK(strcmp(json_str(error, "code"), "INVALID_CONFIG") == 0, name);
    char *json = config_json(test_case);
    genie_redactor *redactor = (genie_redactor *)&redactor; /* must become NULL */
    CHECK_STATUS(new_redactor(json, &redactor), GENIE_STATUS_INVALID_CONFIG, name);
    CHECK(redactor == NULL, "a failed new leaves NULL");
    CHECK(strstr(genie_last_error_message(), path) != NULL, genie_last_error_message());
    CHECK(strcmp(genie_status_str(GENIE_STATUS_INVALID_CONFIG), json_str(error, "code")) == 0,
          name);
    /* The same document from a file: the message names the file and the path. */
    const char *file = config_file(json);
    redactor = (genie_redactor *)&redactor;
    CHECK_STATUS(genie_redactor_new_from_path(file, &redactor), GENIE_STATUS_INVALID_CONFIG,
                 name);
    CHECK(redactor == NULL, "a failed new_from_path leaves NULL");
    CHECK(strstr(genie_last_error_message(), file) != NULL &&
              strstr(genie_last_error_message(), path) != NULL,
          genie_last_error_message());
    free(json);
}

static void redaction_case(const cJSON *test_case, const char *name) {
    const char *input = json_str(test_case, "input");
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(test_case, "expect");
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(expect, "findings");
    const cJSON *pairs = cJSON_GetObjectItemCaseSensitive(test_case, "restore");
    const cJSON *want_mapping = cJSON_GetObjectItemCaseSensitive(expect, "mapping");
    char *json = config_json(test_case);
    genie_redactor *redactor = NULL;
    if (!CHECK_STATUS(new_redactor(json, &redactor), GENIE_STATUS_OK, name)) {
        free(json);
        return;
    }

    genie_redaction *result = NULL;
    CHECK_STATUS(genie_redactor_redact(redactor, (const uint8_t *)input, strlen(input), &result),
                 GENIE_STATUS_OK, name);
    genie_str text = {NULL, 0};
    CHECK_STATUS(genie_redaction_text(result, &text), GENIE_STATUS_OK, name);
    CHECK(genie_str_eq(text, json_str(expect, "text")), name);
    check_findings(result, findings, input, true, name);
    check_counts(result, cJSON_GetObjectItemCaseSensitive(expect, "counts"), name);
    const genie_mapping *mapping = NULL;
    CHECK_STATUS(genie_redaction_mapping(result, &mapping), GENIE_STATUS_OK, name);
    check_mapping(mapping, want_mapping, name);
    check_restores(redactor, pairs, mapping, name);

    /* A mapping kept longer than its result: a clone survives genie_redaction_free. */
    genie_mapping *kept = NULL;
    CHECK_STATUS(genie_mapping_clone(mapping, &kept), GENIE_STATUS_OK, name);
    /* A mapping stored elsewhere as pairs and rebuilt. */
    genie_mapping *rebuilt = NULL;
    CHECK_STATUS(genie_mapping_new(&rebuilt), GENIE_STATUS_OK, name);
    const cJSON *pair;
    cJSON_ArrayForEach(pair, want_mapping) {
        const char *value = pair->valuestring;
        CHECK_STATUS(genie_mapping_insert(rebuilt, (const uint8_t *)pair->string,
                                          strlen(pair->string), (const uint8_t *)value,
                                          strlen(value)),
                     GENIE_STATUS_OK, name);
    }
    genie_redaction_free(result);
    check_mapping(kept, want_mapping, name);
    check_restores(redactor, pairs, kept, name);
    check_mapping(rebuilt, want_mapping, name);
    check_restores(redactor, pairs, rebuilt, name);
    genie_mapping_free(kept);
    genie_mapping_free(rebuilt);

    /* find: the same spans, no operator, no text, no mapping, no counts. */
    genie_redaction *found = NULL;
    CHECK_STATUS(genie_redactor_find(redactor, (const uint8_t *)input, strlen(input), &found),
                 GENIE_STATUS_OK, name);
    text = (genie_str){"not absent", 1};
    CHECK_STATUS(genie_redaction_text(found, &text), GENIE_STATUS_OK, name);
    CHECK(text.ptr == NULL && text.len == 0, "find gives no text");
    check_findings(found, findings, input, false, name);
    check_counts(found, NULL, name);
    CHECK_STATUS(genie_redaction_mapping(found, &mapping), GENIE_STATUS_OK, name);
    check_mapping(mapping, NULL, name);
    genie_redaction_free(found);

    /* The same configuration from a file redacts the same way. */
    if (json != NULL) {
        genie_redactor *from_file = NULL;
        CHECK_STATUS(genie_redactor_new_from_path(config_file(json), &from_file),
                     GENIE_STATUS_OK, name);
        CHECK_STATUS(genie_redactor_redact(from_file, (const uint8_t *)input, strlen(input),
                                           &result),
                     GENIE_STATUS_OK, name);
        CHECK_STATUS(genie_redaction_text(result, &text), GENIE_STATUS_OK, name);
        CHECK(genie_str_eq(text, json_str(expect, "text")), "from a file");
        genie_redaction_free(result);
        genie_redactor_free(from_file);
    }

    check_streams(redactor, input, expect, name);
    if (strlen(input) > 0) {
        check_long_stream(redactor, input, name);
    }
    genie_redactor_free(redactor);
    free(json);
}

int main(int argc, char **argv) {
    fixtures_dir = argc > 1 ? argv[1] : "tests/fixtures";
    small = getenv("GENIE_TEST_SMALL") != NULL && strcmp(getenv("GENIE_TEST_SMALL"), "0") != 0;
    cJSON *root = read_json(path_join(fixtures_dir, "pii/redaction.json"));
    /* The hash cases' configs name this variable; the redactor reads it when it is made. */
    const char *key_env = json_str(root, "hash_key_env");
    const char *key = json_str(root, "hash_key");
    if (!CHECK(key_env != NULL && key != NULL, "hash_key_env and hash_key") ||
        setenv(key_env, key, 1) != 0) {
        return harness_finish("redaction fixtures");
    }
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    int replayed = 0, errors = 0;
    const cJSON *test_case;
    cJSON_ArrayForEach(test_case, cases) {
        const char *name = json_str(test_case, "name");
        if (cJSON_GetObjectItemCaseSensitive(test_case, "error") != NULL) {
            error_case(test_case, name);
            errors++;
        } else {
            redaction_case(test_case, name);
        }
        replayed++;
    }
    printf("replayed %d redaction cases (%d config errors)\n", replayed, errors);
    CHECK(replayed >= 30 && errors >= 1, "the whole fixture was replayed");
    cJSON_Delete(root);
    if (strstr(config_path, "XXXXXX") == NULL) {
        remove(config_path);
    }
    return harness_finish("redaction fixtures");
}
