/*
 * Replays tests/fixtures/providers/cases.json through genie_stream_decoder under every
 * chunking the fixture defines, asserting the decoded events (including that the fields a
 * type does not use are absent) and the summary genie_stream_decoder_finish fills in.
 *
 * Usage: test_providers [fixtures-dir]   (default: tests/fixtures)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

typedef struct decoded {
    genie_decoder_event_type type;
    owned_str text, finish_reason, raw_finish_reason, message, payload;
    owned_str error_kind, error_message, error_code;
    genie_usage usage;
} decoded;

typedef struct decoded_list {
    decoded *items;
    size_t count, cap;
} decoded_list;

static void on_event(void *userdata, const genie_decoder_event *event) {
    decoded_list *list = userdata;
    if (list->count == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 8;
        decoded *grown = realloc(list->items, list->cap * sizeof *grown);
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        list->items = grown;
    }
    decoded *d = &list->items[list->count++];
    d->type = event->type;
    d->text = owned_copy(event->text);
    d->finish_reason = owned_copy(event->finish_reason);
    d->raw_finish_reason = owned_copy(event->raw_finish_reason);
    d->message = owned_copy(event->message);
    d->payload = owned_copy(event->payload);
    d->error_kind = owned_copy(event->error.kind);
    d->error_message = owned_copy(event->error.message);
    d->error_code = owned_copy(event->error.code);
    d->usage = event->usage;
}

static void list_free(decoded_list *list) {
    for (size_t i = 0; i < list->count; i++) {
        decoded *d = &list->items[i];
        owned_str *all[] = {&d->text,       &d->finish_reason,  &d->raw_finish_reason,
                            &d->message,    &d->payload,        &d->error_kind,
                            &d->error_message, &d->error_code};
        for (size_t k = 0; k < sizeof all / sizeof all[0]; k++) {
            owned_free(all[k]);
        }
    }
    free(list->items);
}

static const char *const type_names[] = {"text", "usage", "finish", "error", "malformed"};

static bool count_eq(int64_t got, const cJSON *want) {
    if (want == NULL || cJSON_IsNull(want)) {
        return got == -1;
    }
    return cJSON_IsNumber(want) && got == (int64_t)want->valuedouble;
}

static bool usage_eq(genie_usage got, const cJSON *want) {
    if (!cJSON_IsObject(want)) {
        return false;
    }
    return count_eq(got.input_tokens, cJSON_GetObjectItemCaseSensitive(want, "input_tokens")) &&
           count_eq(got.output_tokens, cJSON_GetObjectItemCaseSensitive(want, "output_tokens")) &&
           count_eq(got.total_tokens, cJSON_GetObjectItemCaseSensitive(want, "total_tokens")) &&
           count_eq(got.cached_tokens, cJSON_GetObjectItemCaseSensitive(want, "cached_tokens")) &&
           count_eq(got.reasoning_tokens,
                    cJSON_GetObjectItemCaseSensitive(want, "reasoning_tokens"));
}

static bool usage_absent(genie_usage u) {
    return u.input_tokens == -1 && u.output_tokens == -1 && u.total_tokens == -1 &&
           u.cached_tokens == -1 && u.reasoning_tokens == -1;
}

/* want: null or {kind, message, code}. */
static bool error_eq(owned_str kind, owned_str message, owned_str code, const cJSON *want) {
    if (want == NULL || cJSON_IsNull(want)) {
        return kind.ptr == NULL && message.ptr == NULL && code.ptr == NULL;
    }
    return owned_eq(kind, json_str(want, "kind")) &&
           owned_eq(message, json_str(want, "message")) &&
           owned_eq(code, json_str(want, "code"));
}

static void check_event(const decoded *got, const cJSON *want, const char *context) {
    const char *type = json_str(want, "type");
    if (!CHECK(type != NULL && (unsigned)got->type < 5 &&
                   strcmp(type_names[got->type], type) == 0,
               context)) {
        fprintf(stderr, "  got a %s event, expected %s\n",
                (unsigned)got->type < 5 ? type_names[got->type] : "?", type ? type : "?");
        return;
    }
    bool is_text = got->type == GENIE_DECODER_EVENT_TEXT;
    bool is_usage = got->type == GENIE_DECODER_EVENT_USAGE;
    bool is_finish = got->type == GENIE_DECODER_EVENT_FINISH;
    bool is_error = got->type == GENIE_DECODER_EVENT_ERROR;
    bool is_malformed = got->type == GENIE_DECODER_EVENT_MALFORMED;

    if (is_text) {
        if (!CHECK(owned_eq(got->text, json_str(want, "text")), context)) {
            fprintf(stderr, "  text: got \"%.*s\"\n", (int)got->text.len, got->text.ptr);
        }
    } else {
        CHECK(got->text.ptr == NULL, context);
    }
    if (is_usage) {
        CHECK(usage_eq(got->usage, cJSON_GetObjectItemCaseSensitive(want, "usage")), context);
    } else {
        CHECK(usage_absent(got->usage), context);
    }
    if (is_finish) {
        CHECK(owned_eq(got->finish_reason, json_str(want, "finish_reason")), context);
        CHECK(owned_eq(got->raw_finish_reason, json_str(want, "raw_finish_reason")), context);
    } else {
        CHECK(got->finish_reason.ptr == NULL && got->raw_finish_reason.ptr == NULL, context);
    }
    const cJSON *want_error =
        is_error ? cJSON_GetObjectItemCaseSensitive(want, "error") : NULL;
    CHECK(!is_error || cJSON_IsObject(want_error), context);
    CHECK(error_eq(got->error_kind, got->error_message, got->error_code, want_error), context);
    if (is_malformed) {
        /* The message is implementation text, not compared; the payload is. */
        CHECK(got->message.ptr != NULL && got->message.len > 0, context);
        CHECK(owned_eq(got->payload, json_str(want, "payload")), context);
    } else {
        CHECK(got->message.ptr == NULL && got->payload.ptr == NULL, context);
    }
}

static void check_summary(const genie_decoder_summary *got, const cJSON *want,
                          const char *context) {
    CHECK(genie_str_eq(got->provider, json_str(want, "provider")), context);
    if (!CHECK(genie_str_eq(got->text, json_str(want, "text")), context)) {
        fprintf(stderr, "  summary text: got \"%.*s\"\n", (int)got->text.len, got->text.ptr);
    }
    CHECK(utf8_valid(got->text.ptr, got->text.len), context);
    CHECK(usage_eq(got->usage, cJSON_GetObjectItemCaseSensitive(want, "usage")), context);
    CHECK(genie_str_eq(got->finish_reason, json_str(want, "finish_reason")), context);
    CHECK(genie_str_eq(got->raw_finish_reason, json_str(want, "raw_finish_reason")), context);
    const cJSON *complete = cJSON_GetObjectItemCaseSensitive(want, "complete");
    CHECK(cJSON_IsBool(complete) && got->complete == cJSON_IsTrue(complete), context);
    owned_str kind = owned_copy(got->error.kind), message = owned_copy(got->error.message),
              code = owned_copy(got->error.code);
    CHECK(error_eq(kind, message, code, cJSON_GetObjectItemCaseSensitive(want, "error")),
          context);
    owned_free(&kind);
    owned_free(&message);
    owned_free(&code);
    const cJSON *malformed = cJSON_GetObjectItemCaseSensitive(want, "malformed_events");
    CHECK(cJSON_IsNumber(malformed) && got->malformed_events == (uint64_t)malformed->valuedouble,
          context);
    const cJSON *keepalives = cJSON_GetObjectItemCaseSensitive(want, "keepalives");
    if (!CHECK(cJSON_IsNumber(keepalives) &&
                   got->keepalives == (uint64_t)keepalives->valuedouble,
               context)) {
        fprintf(stderr, "  keepalives: got %llu\n", (unsigned long long)got->keepalives);
    }
}

static void replay(const cJSON *test_case, const cJSON *chunking, const uint8_t *input,
                   size_t len) {
    char context[512];
    snprintf(context, sizeof context, "%s / %s", json_str(test_case, "name"),
             json_str(chunking, "name"));
    const cJSON *expect = cJSON_GetObjectItemCaseSensitive(test_case, "expect");
    chunk_plan plan;
    if (!chunk_plan_make(chunking, input, len, &plan)) {
        return;
    }
    genie_sse_parser_options options;
    bool has_options = fixture_options(test_case, &options);
    genie_stream_decoder *decoder = NULL;
    if (!CHECK_STATUS(genie_stream_decoder_new(json_str(test_case, "provider"),
                                               has_options ? &options : NULL, &decoder),
                      GENIE_STATUS_OK, context)) {
        chunk_plan_free(&plan);
        return;
    }
    decoded_list events = {NULL, 0, 0};
    size_t pos = 0;
    for (size_t i = 0; i < plan.count; i++) {
        CHECK_STATUS(genie_stream_decoder_feed(decoder, input + pos, plan.lengths[i], on_event,
                                               &events),
                     GENIE_STATUS_OK, context);
        pos += plan.lengths[i];
    }

    const cJSON *want_events = cJSON_GetObjectItemCaseSensitive(expect, "events");
    size_t want_count = (size_t)cJSON_GetArraySize(want_events);
    if (!CHECK(events.count == want_count, context)) {
        fprintf(stderr, "  got %zu events, expected %zu\n", events.count, want_count);
    }
    for (size_t i = 0; i < events.count && i < want_count; i++) {
        char event_context[600];
        snprintf(event_context, sizeof event_context, "%s / event %zu", context, i);
        check_event(&events.items[i], cJSON_GetArrayItem(want_events, (int)i), event_context);
    }

    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(expect, "summary");
    bool complete = !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(summary, "complete"));
    CHECK_STATUS(genie_stream_decoder_complete(decoder, &complete), GENIE_STATUS_OK, context);
    CHECK(complete == cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(summary, "complete")),
          context);
    genie_decoder_summary got;
    memset(&got, 0xA5, sizeof got); /* every field must be written */
    if (CHECK_STATUS(genie_stream_decoder_finish(decoder, &got), GENIE_STATUS_OK, context)) {
        check_summary(&got, summary, context);
    }

    list_free(&events);
    genie_stream_decoder_free(decoder);
    chunk_plan_free(&plan);
}

int main(int argc, char **argv) {
    const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
    char providers[4096];
    snprintf(providers, sizeof providers, "%s/providers", fixtures);
    cJSON *root = read_json(path_join(providers, "cases.json"));
    const cJSON *chunkings = cJSON_GetObjectItemCaseSensitive(root, "chunkings");
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    CHECK(cJSON_GetArraySize(cases) > 0, "cases.json has cases");
    CHECK(cJSON_GetArraySize(chunkings) > 0, "cases.json has chunkings");

    const cJSON *test_case;
    cJSON_ArrayForEach(test_case, cases) {
        const char *file = json_str(test_case, "file");
        if (!CHECK(file != NULL && json_str(test_case, "provider") != NULL,
                   json_str(test_case, "name"))) {
            continue;
        }
        size_t len;
        uint8_t *input = read_file(path_join(providers, file), &len);
        const cJSON *chunking;
        cJSON_ArrayForEach(chunking, chunkings) {
            replay(test_case, chunking, input, len);
        }
        free(input);
    }
    cJSON_Delete(root);
    return harness_finish("provider decoding");
}
