/*
 * Replays tests/fixtures/sse/conformance.json through the C API under every chunking the
 * fixture defines, asserting the events, last event ID, retry time and LIMIT_EXCEEDED count
 * the Rust, Python and Node suites assert too.
 *
 * Usage: test_sse_conformance [fixtures-dir]   (default: tests/fixtures)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

typedef struct sse_event {
    owned_str event, data, id;
} sse_event;

typedef struct sse_events {
    sse_event *items;
    size_t count, cap;
    bool bad_utf8;
} sse_events;

static void on_event(void *userdata, const genie_sse_event *event) {
    sse_events *events = userdata;
    if (events->count == events->cap) {
        events->cap = events->cap ? events->cap * 2 : 8;
        sse_event *grown = realloc(events->items, events->cap * sizeof *grown);
        if (grown == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(2);
        }
        events->items = grown;
    }
    sse_event *e = &events->items[events->count++];
    e->event = owned_copy(event->event);
    e->data = owned_copy(event->data);
    e->id = owned_copy(event->id);
    /* Present strings are never NULL, even when empty, and always UTF-8. */
    events->bad_utf8 = events->bad_utf8 || e->event.ptr == NULL || e->data.ptr == NULL ||
                       e->id.ptr == NULL || !utf8_valid(e->event.ptr, e->event.len) ||
                       !utf8_valid(e->data.ptr, e->data.len) ||
                       !utf8_valid(e->id.ptr, e->id.len);
}

static void events_free(sse_events *events) {
    for (size_t i = 0; i < events->count; i++) {
        owned_free(&events->items[i].event);
        owned_free(&events->items[i].data);
        owned_free(&events->items[i].id);
    }
    free(events->items);
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
    genie_sse_parser *parser = NULL;
    if (!CHECK_STATUS(genie_sse_parser_new(has_options ? &options : NULL, &parser),
                      GENIE_STATUS_OK, context)) {
        chunk_plan_free(&plan);
        return;
    }
    sse_events events = {NULL, 0, 0, false};
    int errors = 0;
    size_t pos = 0;
    for (size_t i = 0; i < plan.count; i++) {
        genie_status status =
            genie_sse_parser_feed(parser, input + pos, plan.lengths[i], on_event, &events);
        pos += plan.lengths[i];
        if (status == GENIE_STATUS_LIMIT_EXCEEDED) {
            errors++;
            CHECK(strlen(genie_last_error_message()) > 0, context);
        } else {
            CHECK_STATUS(status, GENIE_STATUS_OK, context);
        }
    }
    CHECK(pos == len, context);
    CHECK_STATUS(genie_sse_parser_finish(parser), GENIE_STATUS_OK, context);

    const cJSON *want_events = cJSON_GetObjectItemCaseSensitive(expect, "events");
    size_t want_count = (size_t)cJSON_GetArraySize(want_events);
    if (!CHECK(events.count == want_count, context)) {
        fprintf(stderr, "  got %zu events, expected %zu\n", events.count, want_count);
    }
    for (size_t i = 0; i < events.count && i < want_count; i++) {
        const cJSON *want = cJSON_GetArrayItem(want_events, (int)i);
        sse_event *got = &events.items[i];
        if (!CHECK(owned_eq(got->event, json_str(want, "event")) &&
                       owned_eq(got->data, json_str(want, "data")) &&
                       owned_eq(got->id, json_str(want, "id")),
                   context)) {
            fprintf(stderr, "  event %zu: got {%.*s|%.*s|%.*s}\n", i, (int)got->event.len,
                    got->event.ptr, (int)got->data.len, got->data.ptr, (int)got->id.len,
                    got->id.ptr);
        }
    }
    CHECK(!events.bad_utf8, context);

    genie_str id = {NULL, 0};
    CHECK_STATUS(genie_sse_parser_last_event_id(parser, &id), GENIE_STATUS_OK, context);
    CHECK(genie_str_eq(id, json_str(expect, "last_event_id")), context);

    bool has_retry = true;
    uint64_t retry_ms = 1;
    CHECK_STATUS(genie_sse_parser_retry_ms(parser, &has_retry, &retry_ms), GENIE_STATUS_OK,
                 context);
    const cJSON *want_retry = cJSON_GetObjectItemCaseSensitive(expect, "retry_ms");
    if (cJSON_IsNull(want_retry)) {
        CHECK(!has_retry && retry_ms == 0, context);
    } else {
        CHECK(cJSON_IsNumber(want_retry) && has_retry &&
                  retry_ms == (uint64_t)want_retry->valuedouble,
              context);
    }

    const cJSON *want_errors = cJSON_GetObjectItemCaseSensitive(expect, "errors");
    if (!CHECK(cJSON_IsNumber(want_errors) && errors == want_errors->valueint, context)) {
        fprintf(stderr, "  got %d LIMIT_EXCEEDED feeds\n", errors);
    }

    events_free(&events);
    genie_sse_parser_free(parser);
    chunk_plan_free(&plan);
}

int main(int argc, char **argv) {
    const char *fixtures = argc > 1 ? argv[1] : "tests/fixtures";
    cJSON *root = read_json(path_join(fixtures, "sse/conformance.json"));
    const cJSON *chunkings = cJSON_GetObjectItemCaseSensitive(root, "chunkings");
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases");
    CHECK(cJSON_GetArraySize(cases) > 0, "conformance.json has cases");
    CHECK(cJSON_GetArraySize(chunkings) > 0, "conformance.json has chunkings");

    const cJSON *test_case;
    cJSON_ArrayForEach(test_case, cases) {
        const char *name = json_str(test_case, "name");
        const char *text = json_str(test_case, "input");
        const char *hex = json_str(test_case, "input_hex");
        if (!CHECK((text == NULL) != (hex == NULL), name)) {
            continue;
        }
        uint8_t *input;
        size_t len;
        if (hex != NULL) {
            input = hex_decode(hex, &len);
            if (!CHECK(input != NULL, name)) {
                continue;
            }
        } else {
            /* Expected JSON strings never hold NUL, so strlen gives the UTF-8 bytes. */
            len = strlen(text);
            input = malloc(len + 1);
            memcpy(input, text, len + 1);
        }
        const cJSON *chunking;
        cJSON_ArrayForEach(chunking, chunkings) {
            replay(test_case, chunking, input, len);
        }
        free(input);
    }
    cJSON_Delete(root);
    return harness_finish("sse conformance");
}
