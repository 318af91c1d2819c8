/*
 * redact: what a C server does with genie's PII redactor around one LLM call.
 *
 *   1. Redact a support ticket before it goes to the model: PII becomes placeholders
 *      ([EMAIL_1], [PERSON_1], ...), the company's own support address is allow-listed.
 *   2. Log an audit record that says what was removed without any value (types and counts).
 *   3. Keep the placeholder mapping as plain pairs, the way a server stores it between the
 *      request and the answer (in its session, a cache, another process), and free the rest.
 *   4. Rebuild the mapping from those pairs and restore the model's answer for the customer:
 *      whole, and again as it streams in 7-byte chunks (which cut placeholders).
 *   5. Redact a streamed answer as it arrives, before it is written to a log, with a second
 *      redactor using the defaults (<EMAIL>, <PHONE>, ...), fed 7 bytes at a time (chunks cut
 *      anywhere, even inside a multi-byte character).
 *
 * Build (from the repository root, after `cargo build --release -p genie-ffi`):
 *   cc -std=c99 -Iinclude examples/c/redact.c -Ltarget/release -lgenie \
 *      -Wl,-rpath,$PWD/target/release -o redact
 * examples/cpp/redact.cpp does the same with RAII and prints the same output.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genie.h"

static const char config[] =
    "{\"operators\": {\"default\": {\"type\": \"placeholder\"}},"
    " \"allowlist\": {\"values\": [\"support@acme.com\"]}}";

static const char ticket[] =
    "Subject: locked out after the password reset\n"
    "\n"
    "Hi support@acme.com, this is Maria Gonzalez from Globex. Since yesterday's reset I cannot "
    "sign in. My account e-mail is maria.gonzalez@globex-corp.com; call me on "
    "+1 415 802 3391 if that is quicker. Our gateway at 10.20.30.40 logs \"auth failed\".\n";

static const char answer[] =
    "Hi [PERSON_1], sorry about that! I have sent a new reset link to [EMAIL_1]. If it has not "
    "arrived in ten minutes we will call you on [PHONE_1]. The failures from [IP_ADDRESS_1] "
    "should stop once you sign in.";

static const char streamed_answer[] =
    "Done \xe2\x80\x94 I also found a second account, maria.g@example.org, registered with "
    "+1 415 802 3391 in S\xc3\xa3o Paulo.";

/* The application's own copy of the mapping: plain, NUL-terminated pairs. */
typedef struct stored_pair {
    char *placeholder;
    char *value;
} stored_pair;

static char *copy(genie_str s) {
    char *out = malloc(s.len + 1);
    if (out != NULL) {
        memcpy(out, s.ptr, s.len);
        out[s.len] = '\0';
    }
    return out;
}

static int fail(const char *what, genie_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, genie_status_str(status), genie_last_error_message());
    return 1;
}

/* Steps 1-3: redacts the ticket, prints the prompt and the audit record, and copies the
 * mapping into *pairs_out (*count_out pairs). */
static int redact_ticket(const genie_redactor *redactor, stored_pair **pairs_out,
                         size_t *count_out) {
    genie_redaction *result = NULL;
    genie_status status =
        genie_redactor_redact(redactor, (const uint8_t *)ticket, strlen(ticket), &result);
    if (status != GENIE_STATUS_OK) {
        /* Fail closed: result is NULL and nothing may go to the model. */
        return fail("genie_redactor_redact", status);
    }
    genie_str prompt;
    genie_redaction_text(result, &prompt);
    printf("== prompt sent to the model\n%.*s\n", (int)prompt.len, prompt.ptr);

    printf("== audit record (types, byte offsets and counts; no values)\n");
    size_t findings = 0, counts = 0;
    genie_redaction_findings_len(result, &findings);
    for (size_t i = 0; i < findings; i++) {
        genie_finding f;
        genie_redaction_finding(result, i, &f);
        printf("  %.*s at bytes %zu-%zu, %.*s\n", (int)f.type.len, f.type.ptr, f.start, f.end,
               (int)f.operator_name.len, f.operator_name.ptr);
    }
    genie_redaction_counts_len(result, &counts);
    for (size_t i = 0; i < counts; i++) {
        genie_str type;
        uint64_t count;
        genie_redaction_counts_entry(result, i, &type, &count);
        printf("  %.*s: %llu\n", (int)type.len, type.ptr, (unsigned long long)count);
    }

    const genie_mapping *mapping = NULL; /* borrowed from result */
    size_t n = 0;
    genie_redaction_mapping(result, &mapping);
    genie_mapping_len(mapping, &n);
    stored_pair *pairs = calloc(n ? n : 1, sizeof *pairs);
    for (size_t i = 0; pairs != NULL && i < n; i++) {
        genie_str placeholder, value;
        genie_mapping_entry(mapping, i, &placeholder, &value);
        pairs[i].placeholder = copy(placeholder);
        pairs[i].value = copy(value);
    }
    genie_redaction_free(result); /* the borrowed mapping goes with it; our copy stays */
    *pairs_out = pairs;
    *count_out = n;
    return pairs == NULL;
}

/* Writes a piece of stream output and frees it. */
static void emit(genie_string *piece) {
    genie_str text;
    genie_string_view(piece, &text);
    fwrite(text.ptr, 1, text.len, stdout);
    genie_string_free(piece);
}

/* Step 4, streamed: the answer restored as it arrives, 7 bytes at a time. */
static int restore_streamed(const genie_mapping *mapping) {
    genie_stream_restorer *restorer = NULL;
    genie_status status = genie_stream_restorer_new(mapping, &restorer);
    if (status != GENIE_STATUS_OK) {
        return fail("making the stream restorer", status);
    }
    printf("== the same answer, restored as it streams\n");
    size_t len = strlen(answer);
    for (size_t pos = 0; pos < len && status == GENIE_STATUS_OK; pos += 7) {
        genie_string *piece = NULL;
        status = genie_stream_restorer_push(restorer, (const uint8_t *)answer + pos,
                                            len - pos < 7 ? len - pos : 7, &piece);
        if (status == GENIE_STATUS_OK) {
            emit(piece);
        }
    }
    genie_string *rest = NULL;
    if (status == GENIE_STATUS_OK) {
        status = genie_stream_restorer_flush(restorer, &rest);
    }
    genie_stream_restorer_free(restorer);
    if (status != GENIE_STATUS_OK) {
        return fail("restoring the stream", status);
    }
    emit(rest);
    printf("\n");
    return 0;
}

/* Step 4: rebuilds the mapping from the stored pairs and restores the answer. */
static int restore_answer(const genie_redactor *redactor, const stored_pair *pairs,
                          size_t count) {
    genie_mapping *mapping = NULL;
    genie_status status = genie_mapping_new(&mapping);
    for (size_t i = 0; status == GENIE_STATUS_OK && i < count; i++) {
        status = genie_mapping_insert(mapping, (const uint8_t *)pairs[i].placeholder,
                                      strlen(pairs[i].placeholder),
                                      (const uint8_t *)pairs[i].value, strlen(pairs[i].value));
    }
    genie_string *restored = NULL;
    if (status == GENIE_STATUS_OK) {
        status = genie_redactor_restore(redactor, (const uint8_t *)answer, strlen(answer),
                                        mapping, &restored);
    }
    if (status != GENIE_STATUS_OK) {
        genie_mapping_free(mapping);
        return fail("restoring the answer", status);
    }
    genie_str text;
    genie_string_view(restored, &text);
    printf("== the model's answer, restored for the customer\n%.*s\n", (int)text.len, text.ptr);
    genie_string_free(restored);
    int exit_code = restore_streamed(mapping);
    genie_mapping_free(mapping);
    return exit_code;
}

/* Step 5: a streamed answer redacted with the default operators, 7 bytes at a time. */
static int redact_stream(void) {
    genie_redactor *defaults = NULL;
    genie_stream_redactor *stream = NULL;
    genie_status status = genie_redactor_new(NULL, 0, &defaults);
    if (status == GENIE_STATUS_OK) {
        status = genie_stream_redactor_new(defaults, &stream);
    }
    genie_redactor_free(defaults); /* the stream keeps what it needs */
    if (status != GENIE_STATUS_OK) {
        return fail("making the stream redactor", status);
    }
    printf("== a streamed answer, redacted as it arrives\n");
    size_t len = strlen(streamed_answer);
    for (size_t pos = 0; pos < len && status == GENIE_STATUS_OK; pos += 7) {
        genie_string *piece = NULL;
        status = genie_stream_redactor_push(stream, (const uint8_t *)streamed_answer + pos,
                                            len - pos < 7 ? len - pos : 7, &piece);
        if (status == GENIE_STATUS_OK) {
            emit(piece);
        }
    }
    genie_string *rest = NULL;
    if (status == GENIE_STATUS_OK) {
        status = genie_stream_redactor_flush(stream, &rest);
    }
    genie_stream_redactor_free(stream);
    if (status != GENIE_STATUS_OK) {
        /* Whatever was written so far is redacted; the rest is withheld. */
        return fail("redacting the stream", status);
    }
    emit(rest);
    printf("\n");
    return 0;
}

int main(void) {
    genie_redactor *redactor = NULL;
    genie_status status = genie_redactor_new(config, strlen(config), &redactor);
    if (status != GENIE_STATUS_OK) {
        return fail("genie_redactor_new", status);
    }
    stored_pair *pairs = NULL;
    size_t count = 0;
    int exit_code = redact_ticket(redactor, &pairs, &count);
    if (exit_code == 0) {
        exit_code = restore_answer(redactor, pairs, count);
    }
    for (size_t i = 0; pairs != NULL && i < count; i++) {
        free(pairs[i].placeholder);
        free(pairs[i].value);
    }
    free(pairs);
    genie_redactor_free(redactor);
    if (exit_code == 0) {
        exit_code = redact_stream();
    }
    return exit_code;
}
