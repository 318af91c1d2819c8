/*
 * Hostile and careless input through the C API: NULL for every pointer parameter, zero
 * lengths, NULL data with and without a length, unknown providers, invalid UTF-8 and NUL
 * bytes, random binary, a 100 MB line fed in 64 KiB chunks, a stream of only CRs, calls
 * from inside a callback, and genie_last_error_message after each kind of failure.
 * Every case must end in a documented status: never a crash, a hang or unbounded memory.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "harness.h"

/* ---- helpers ---- */

typedef struct collected {
    size_t events;
    owned_str last_data;
    owned_str last_event;
    bool bad_utf8;
} collected;

static void collect_sse(void *userdata, const genie_sse_event *event) {
    collected *c = userdata;
    c->events++;
    c->bad_utf8 = c->bad_utf8 || !utf8_valid(event->event.ptr, event->event.len) ||
                  !utf8_valid(event->data.ptr, event->data.len) ||
                  !utf8_valid(event->id.ptr, event->id.len);
    owned_free(&c->last_data);
    owned_free(&c->last_event);
    c->last_data = owned_copy(event->data);
    c->last_event = owned_copy(event->event);
}

static void collect_decoded(void *userdata, const genie_decoder_event *event) {
    collected *c = userdata;
    const genie_str strings[] = {event->text,          event->finish_reason,
                                 event->raw_finish_reason, event->message,
                                 event->payload,       event->error.kind,
                                 event->error.message, event->error.code};
    c->events++;
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++) {
        c->bad_utf8 = c->bad_utf8 || (strings[i].ptr == NULL && strings[i].len != 0) ||
                      !utf8_valid(strings[i].ptr, strings[i].len);
    }
}

static size_t userdata_calls;
static void *userdata_seen = &userdata_calls;
static void note_userdata(void *userdata, const genie_sse_event *event) {
    (void)event;
    userdata_calls++;
    userdata_seen = userdata;
}

static void collected_free(collected *c) {
    owned_free(&c->last_data);
    owned_free(&c->last_event);
}

static bool error_mentions(const char *needle) {
    return strstr(genie_last_error_message(), needle) != NULL;
}

static genie_status feed_str(genie_sse_parser *parser, const char *s, size_t len, collected *c) {
    return genie_sse_parser_feed(parser, (const uint8_t *)s, len, collect_sse, c);
}

static genie_sse_parser *new_parser(const genie_sse_parser_options *options) {
    genie_sse_parser *parser = NULL;
    CHECK_STATUS(genie_sse_parser_new(options, &parser), GENIE_STATUS_OK, "new parser");
    return parser;
}

static const char *const providers[] = {"gemini", "openai", "openai-responses", "anthropic"};
#define PROVIDER_COUNT (sizeof providers / sizeof providers[0])

/* xorshift64*: reproducible pseudo-random bytes without depending on libc's rand. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;
static uint64_t next_random(void) {
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

static long max_rss_kib(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

/* ---- NULL pointers and lengths ---- */

static void null_arguments_sse(void) {
    genie_sse_parser *parser = new_parser(NULL);
    genie_str id;
    bool has_retry;
    uint64_t retry_ms;
    const uint8_t data[] = "data: x\n\n";
    collected c = {0};

    CHECK_STATUS(genie_sse_parser_new(NULL, NULL), GENIE_STATUS_NULL_ARGUMENT, "parser_out");
    CHECK(strncmp(genie_last_error_message(), "parser_out: ", 12) == 0, "message names it");

    CHECK_STATUS(genie_sse_parser_feed(NULL, data, 9, collect_sse, &c),
                 GENIE_STATUS_NULL_ARGUMENT, "feed parser");
    CHECK(error_mentions("parser: must not be NULL"), genie_last_error_message());
    CHECK_STATUS(genie_sse_parser_feed(parser, NULL, 9, collect_sse, &c),
                 GENIE_STATUS_NULL_ARGUMENT, "feed data NULL with length");
    CHECK(error_mentions("data: "), genie_last_error_message());
    CHECK_STATUS(genie_sse_parser_feed(parser, data, 9, NULL, &c), GENIE_STATUS_NULL_ARGUMENT,
                 "feed callback");
    CHECK(error_mentions("callback: "), genie_last_error_message());
    CHECK_STATUS(genie_sse_parser_finish(NULL), GENIE_STATUS_NULL_ARGUMENT, "finish");
    CHECK_STATUS(genie_sse_parser_last_event_id(NULL, &id), GENIE_STATUS_NULL_ARGUMENT,
                 "last_event_id parser");
    CHECK_STATUS(genie_sse_parser_last_event_id(parser, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "id_out");
    CHECK(error_mentions("id_out: "), genie_last_error_message());
    CHECK_STATUS(genie_sse_parser_retry_ms(NULL, &has_retry, &retry_ms),
                 GENIE_STATUS_NULL_ARGUMENT, "retry parser");
    CHECK_STATUS(genie_sse_parser_retry_ms(parser, NULL, &retry_ms),
                 GENIE_STATUS_NULL_ARGUMENT, "has_retry_out");
    CHECK_STATUS(genie_sse_parser_retry_ms(parser, &has_retry, NULL),
                 GENIE_STATUS_NULL_ARGUMENT, "retry_ms_out");
    CHECK(error_mentions("retry_ms_out: "), genie_last_error_message());

    /* Empty chunks: NULL or not, with length 0, are fine and change nothing. */
    CHECK_STATUS(genie_sse_parser_feed(parser, NULL, 0, collect_sse, &c), GENIE_STATUS_OK,
                 "NULL data, length 0");
    CHECK_STATUS(genie_sse_parser_feed(parser, data, 0, collect_sse, &c), GENIE_STATUS_OK,
                 "data, length 0");
    CHECK_STATUS(genie_sse_parser_feed(parser, data, 9, note_userdata, NULL), GENIE_STATUS_OK,
                 "NULL userdata");
    CHECK(userdata_calls == 1 && userdata_seen == NULL, "NULL userdata is passed through");
    /* The failed feeds consumed nothing. */
    CHECK(c.events == 0, "no event went to the collector");
    CHECK_STATUS(feed_str(parser, "data: y\n\n", 9, &c), GENIE_STATUS_OK, "after NULLs");
    CHECK(c.events == 1 && owned_eq(c.last_data, "y"), "parser intact after NULL arguments");

    genie_sse_parser_free(NULL);
    genie_sse_parser_free(parser);
    collected_free(&c);
}

static void null_arguments_decoder(void) {
    genie_stream_decoder *decoder = (genie_stream_decoder *)&decoder;
    CHECK_STATUS(genie_stream_decoder_new(NULL, NULL, &decoder), GENIE_STATUS_NULL_ARGUMENT,
                 "provider NULL");
    CHECK(decoder == NULL, "a failed _new sets *decoder_out to NULL");
    CHECK(error_mentions("provider: "), genie_last_error_message());
    CHECK_STATUS(genie_stream_decoder_new("openai", NULL, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "decoder_out NULL");
    CHECK_STATUS(genie_stream_decoder_new("openai", NULL, &decoder), GENIE_STATUS_OK, "new");

    const uint8_t data[] = "data: [DONE]\n\n";
    collected c = {0};
    bool complete;
    genie_str provider;
    genie_decoder_summary summary;
    CHECK_STATUS(genie_stream_decoder_feed(NULL, data, 14, collect_decoded, &c),
                 GENIE_STATUS_NULL_ARGUMENT, "feed decoder");
    CHECK_STATUS(genie_stream_decoder_feed(decoder, NULL, 14, collect_decoded, &c),
                 GENIE_STATUS_NULL_ARGUMENT, "feed data");
    CHECK_STATUS(genie_stream_decoder_feed(decoder, data, 14, NULL, &c),
                 GENIE_STATUS_NULL_ARGUMENT, "feed callback");
    CHECK_STATUS(genie_stream_decoder_feed(decoder, NULL, 0, collect_decoded, &c),
                 GENIE_STATUS_OK, "NULL data, length 0");
    CHECK_STATUS(genie_stream_decoder_complete(NULL, &complete), GENIE_STATUS_NULL_ARGUMENT,
                 "complete decoder");
    CHECK_STATUS(genie_stream_decoder_complete(decoder, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "complete_out");
    CHECK_STATUS(genie_stream_decoder_provider(NULL, &provider), GENIE_STATUS_NULL_ARGUMENT,
                 "provider decoder");
    CHECK_STATUS(genie_stream_decoder_provider(decoder, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "provider_out");
    CHECK_STATUS(genie_stream_decoder_finish(NULL, &summary), GENIE_STATUS_NULL_ARGUMENT,
                 "finish decoder");
    CHECK_STATUS(genie_stream_decoder_finish(decoder, NULL), GENIE_STATUS_NULL_ARGUMENT,
                 "summary_out");
    CHECK(error_mentions("summary_out: "), genie_last_error_message());

    /* None of that disturbed the decoder. */
    CHECK_STATUS(genie_stream_decoder_feed(decoder, data, 14, collect_decoded, &c),
                 GENIE_STATUS_OK, "feed");
    CHECK_STATUS(genie_stream_decoder_complete(decoder, &complete), GENIE_STATUS_OK, "complete");
    CHECK(complete, "[DONE] completes an openai stream");
    CHECK_STATUS(genie_stream_decoder_provider(decoder, &provider), GENIE_STATUS_OK, "provider");
    CHECK(genie_str_eq(provider, "openai"), "provider name");
    genie_stream_decoder_free(NULL);
    genie_stream_decoder_free(decoder);
    collected_free(&c);
}

/* ---- names, options, text ---- */

static void unknown_providers(void) {
    const char *const names[] = {"cohere", "", "OpenAI", "openai ", "gemini\xff", "anthropic\n"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        genie_stream_decoder *decoder = (genie_stream_decoder *)&decoder;
        CHECK_STATUS(genie_stream_decoder_new(names[i], NULL, &decoder),
                     GENIE_STATUS_INVALID_ARGUMENT, names[i]);
        CHECK(decoder == NULL, "*decoder_out is NULL after a failure");
        for (size_t p = 0; p < PROVIDER_COUNT; p++) {
            CHECK(error_mentions(providers[p]), "the message lists every valid name");
        }
    }
    for (size_t p = 0; p < PROVIDER_COUNT; p++) {
        genie_stream_decoder *decoder = NULL;
        genie_str name;
        CHECK_STATUS(genie_stream_decoder_new(providers[p], NULL, &decoder), GENIE_STATUS_OK,
                     providers[p]);
        CHECK_STATUS(genie_stream_decoder_provider(decoder, &name), GENIE_STATUS_OK,
                     providers[p]);
        CHECK(genie_str_eq(name, providers[p]), providers[p]);
        genie_stream_decoder_free(decoder);
    }
}

static void options(void) {
    genie_sse_parser_options defaults = genie_sse_parser_options_default();
    CHECK(defaults.max_line_bytes == 16u << 20, "default max_line_bytes");
    CHECK(defaults.max_event_bytes == 32u << 20, "default max_event_bytes");
    genie_sse_parser_options zero_line = defaults, zero_event = defaults;
    zero_line.max_line_bytes = 0;
    zero_event.max_event_bytes = 0;
    genie_sse_parser *parser = (genie_sse_parser *)&parser;
    CHECK_STATUS(genie_sse_parser_new(&zero_line, &parser), GENIE_STATUS_INVALID_ARGUMENT,
                 "max_line_bytes 0");
    CHECK(parser == NULL && error_mentions("max_line_bytes"), genie_last_error_message());
    CHECK_STATUS(genie_sse_parser_new(&zero_event, &parser), GENIE_STATUS_INVALID_ARGUMENT,
                 "max_event_bytes 0");
    CHECK(error_mentions("max_event_bytes"), genie_last_error_message());
    genie_stream_decoder *decoder = NULL;
    CHECK_STATUS(genie_stream_decoder_new("openai", &zero_line, &decoder),
                 GENIE_STATUS_INVALID_ARGUMENT, "decoder with max_line_bytes 0");
    CHECK(decoder == NULL, "no decoder");
}

static void invalid_utf8_and_nul_bytes(void) {
    genie_sse_parser *parser = new_parser(NULL);
    collected c = {0};
    const char invalid[] = "data: a\xff\xfe\x80z\n\n";
    CHECK_STATUS(feed_str(parser, invalid, sizeof invalid - 1, &c), GENIE_STATUS_OK, "invalid");
    CHECK(c.events == 1 && owned_eq(c.last_data, "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz"),
          "invalid bytes decode to U+FFFD");

    /* A character split across chunks decodes whole. */
    CHECK_STATUS(feed_str(parser, "data: caf\xc3", 10, &c), GENIE_STATUS_OK, "split 1");
    CHECK_STATUS(feed_str(parser, "\xa9\n\n", 3, &c), GENIE_STATUS_OK, "split 2");
    CHECK(c.events == 2 && owned_eq(c.last_data, "caf\xc3\xa9"), "split character");

    /* NUL is an ordinary character in data and event names (genie_str has a length). */
    const char nul[] = "event: a\0b\ndata: x\0y\n\n";
    CHECK_STATUS(feed_str(parser, nul, sizeof nul - 1, &c), GENIE_STATUS_OK, "NUL");
    CHECK(c.events == 3 && c.last_data.len == 3 && memcmp(c.last_data.ptr, "x\0y", 3) == 0,
          "NUL kept in data");
    CHECK(c.last_event.len == 3 && memcmp(c.last_event.ptr, "a\0b", 3) == 0,
          "NUL kept in the event type");

    /* An id containing NUL is ignored entirely. */
    const char nul_id[] = "id: 1\n\nid: 2\0\ndata: z\n\n";
    CHECK_STATUS(feed_str(parser, nul_id, sizeof nul_id - 1, &c), GENIE_STATUS_OK, "NUL id");
    genie_str id;
    CHECK_STATUS(genie_sse_parser_last_event_id(parser, &id), GENIE_STATUS_OK, "id");
    CHECK(genie_str_eq(id, "1"), "an id with NUL is ignored");
    CHECK(!c.bad_utf8, "every delivered string is UTF-8");
    genie_sse_parser_free(parser);
    collected_free(&c);
}

/* ---- hostile streams ---- */

static void random_binary(void) {
    enum { LEN = 1 << 20 };
    uint8_t *data = malloc(LEN);
    for (size_t i = 0; i < LEN; i += 8) {
        uint64_t r = next_random();
        memcpy(data + i, &r, 8);
    }
    genie_sse_parser_options small = genie_sse_parser_options_default();
    small.max_line_bytes = 64;
    small.max_event_bytes = 256;
    for (int round = 0; round < 2; round++) {
        const genie_sse_parser_options *options = round == 0 ? NULL : &small;
        genie_sse_parser *parser = new_parser(options);
        genie_stream_decoder *decoders[PROVIDER_COUNT];
        for (size_t p = 0; p < PROVIDER_COUNT; p++) {
            decoders[p] = NULL;
            CHECK_STATUS(genie_stream_decoder_new(providers[p], options, &decoders[p]),
                         GENIE_STATUS_OK, providers[p]);
        }
        collected c = {0};
        size_t limits = 0;
        for (size_t pos = 0; pos < LEN;) {
            size_t n = (size_t)(next_random() % 4097);
            if (n > LEN - pos) {
                n = LEN - pos;
            }
            genie_status status = genie_sse_parser_feed(parser, data + pos, n, collect_sse, &c);
            CHECK(status == GENIE_STATUS_OK || status == GENIE_STATUS_LIMIT_EXCEEDED, "sse");
            limits += status == GENIE_STATUS_LIMIT_EXCEEDED;
            for (size_t p = 0; p < PROVIDER_COUNT; p++) {
                status = genie_stream_decoder_feed(decoders[p], data + pos, n, collect_decoded, &c);
                CHECK(status == GENIE_STATUS_OK || status == GENIE_STATUS_LIMIT_EXCEEDED,
                      providers[p]);
            }
            pos += n;
        }
        CHECK(round == 0 || limits > 0, "random lines exceed a 64-byte limit");
        CHECK_STATUS(genie_sse_parser_finish(parser), GENIE_STATUS_OK, "finish");
        for (size_t p = 0; p < PROVIDER_COUNT; p++) {
            genie_decoder_summary summary;
            CHECK_STATUS(genie_stream_decoder_finish(decoders[p], &summary), GENIE_STATUS_OK,
                         providers[p]);
            CHECK(utf8_valid(summary.text.ptr, summary.text.len), providers[p]);
            genie_stream_decoder_free(decoders[p]);
        }
        CHECK(!c.bad_utf8, "random binary still gives UTF-8 strings");
        genie_sse_parser_free(parser);
        collected_free(&c);
    }
    free(data);
}

static void huge_line(void) {
    enum { CHUNK = 64 * 1024 };
    const size_t total = 100u * 1000 * 1000;
    uint8_t *chunk = malloc(CHUNK);
    memset(chunk, 'a', CHUNK);
    memcpy(chunk, "data: ", 6);
    genie_sse_parser *parser = new_parser(NULL); /* default limits: 16 MiB lines */
    collected c = {0};
    long rss_before = max_rss_kib();
    size_t limits = 0;
    for (size_t sent = 0; sent < total; sent += CHUNK) {
        size_t n = total - sent < CHUNK ? total - sent : CHUNK;
        genie_status status = genie_sse_parser_feed(parser, chunk, n, collect_sse, &c);
        if (status == GENIE_STATUS_LIMIT_EXCEEDED) {
            limits++;
            CHECK(error_mentions("max_line_bytes"), genie_last_error_message());
        } else {
            CHECK_STATUS(status, GENIE_STATUS_OK, "100 MB line");
        }
        memset(chunk, 'a', 6); /* only the first chunk starts the field */
    }
    CHECK_STATUS(feed_str(parser, "\n\ndata: after\n\n", 15, &c), GENIE_STATUS_OK, "after");
    long growth_kib = max_rss_kib() - rss_before;
    printf("100 MB line: %zu LIMIT_EXCEEDED, peak RSS grew by %ld KiB\n", limits, growth_kib);
    CHECK(limits == 1, "LIMIT_EXCEEDED exactly once");
    CHECK(c.events == 1 && owned_eq(c.last_data, "after"), "parsing resumes after the line");
    /* The parser buffers at most max_line_bytes (16 MiB) before it gives up on the line;
     * keeping the 100 MB would grow far past this bound. */
    CHECK(growth_kib < 80 * 1024, "memory stays bounded");
    genie_sse_parser_free(parser);
    collected_free(&c);
    free(chunk);
}

static void only_carriage_returns(void) {
    enum { LEN = 1 << 20 };
    uint8_t *crs = malloc(LEN);
    memset(crs, '\r', LEN);
    genie_sse_parser *parser = new_parser(NULL);
    genie_stream_decoder *decoder = NULL;
    CHECK_STATUS(genie_stream_decoder_new("openai", NULL, &decoder), GENIE_STATUS_OK, "new");
    collected c = {0};
    for (size_t pos = 0; pos < LEN; pos += 4093) {
        size_t n = LEN - pos < 4093 ? LEN - pos : 4093;
        CHECK_STATUS(genie_sse_parser_feed(parser, crs + pos, n, collect_sse, &c),
                     GENIE_STATUS_OK, "CRs");
        CHECK_STATUS(genie_stream_decoder_feed(decoder, crs + pos, n, collect_decoded, &c),
                     GENIE_STATUS_OK, "CRs decoder");
    }
    for (int i = 0; i < 1000; i++) {
        CHECK_STATUS(genie_sse_parser_feed(parser, crs, 1, collect_sse, &c), GENIE_STATUS_OK,
                     "single CRs");
    }
    CHECK(c.events == 0, "blank lines dispatch nothing");
    CHECK_STATUS(feed_str(parser, "data: x\r\r", 9, &c), GENIE_STATUS_OK, "then an event");
    CHECK(c.events == 1 && owned_eq(c.last_data, "x"), "CR ends lines");
    genie_decoder_summary summary;
    CHECK_STATUS(genie_stream_decoder_finish(decoder, &summary), GENIE_STATUS_OK, "finish");
    CHECK(!summary.complete && summary.text.ptr != NULL && summary.text.len == 0,
          "an empty, incomplete answer");
    CHECK(summary.finish_reason.ptr == NULL && summary.error.kind.ptr == NULL, "no finish");
    genie_stream_decoder_free(decoder);
    genie_sse_parser_free(parser);
    collected_free(&c);
    free(crs);
}

typedef struct texts {
    size_t events;
    char text[64];
} texts;

static void collect_text(void *userdata, const genie_decoder_event *event) {
    texts *t = userdata;
    t->events++;
    if (event->type == GENIE_DECODER_EVENT_TEXT) {
        strncat(t->text, event->text.ptr, event->text.len < 16 ? event->text.len : 16);
    }
}

static void decoder_limits(void) {
    genie_sse_parser_options small = genie_sse_parser_options_default();
    small.max_line_bytes = 64;
    genie_stream_decoder *decoder = NULL;
    CHECK_STATUS(genie_stream_decoder_new("openai", &small, &decoder), GENIE_STATUS_OK, "new");
    char stream[512];
    int n = snprintf(stream, sizeof stream,
                     "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
                     "data: {\"choices\":[{\"delta\":{\"content\":\"%0100d\"}}]}\n\n"
                     "data: {\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"
                     "data: [DONE]\n\n",
                     0);
    texts t = {0, ""};
    CHECK_STATUS(genie_stream_decoder_feed(decoder, (const uint8_t *)stream, (size_t)n,
                                           collect_text, &t),
                 GENIE_STATUS_LIMIT_EXCEEDED, "an oversized event");
    CHECK(error_mentions("max_line_bytes (64)"), genie_last_error_message());
    CHECK(t.events == 2 && strcmp(t.text, "Hello") == 0, "the chunk's other events arrived");
    bool complete = false;
    CHECK_STATUS(genie_stream_decoder_complete(decoder, &complete), GENIE_STATUS_OK, "complete");
    CHECK(complete, "decoding went on to [DONE]");
    genie_stream_decoder_free(decoder);
}

/* ---- callbacks, lifetimes, the last error ---- */

typedef struct reentry {
    genie_sse_parser *parser;
    genie_status finish_status, id_status;
    size_t events;
} reentry;

static void call_back_in(void *userdata, const genie_sse_event *event) {
    reentry *r = userdata;
    genie_str id;
    (void)event;
    r->events++;
    r->finish_status = genie_sse_parser_finish(r->parser);
    r->id_status = genie_sse_parser_last_event_id(r->parser, &id);
    genie_sse_parser_free(r->parser); /* refused: the parser is in use */
}

static void callbacks_cannot_reenter(void) {
    reentry r = {new_parser(NULL), GENIE_STATUS_OK, GENIE_STATUS_OK, 0};
    const char data[] = "data: a\n\ndata: b\n\n";
    CHECK_STATUS(genie_sse_parser_feed(r.parser, (const uint8_t *)data, sizeof data - 1,
                                       call_back_in, &r),
                 GENIE_STATUS_OK, "the outer feed is unaffected");
    CHECK(r.events == 2, "both events delivered");
    CHECK(r.finish_status == GENIE_STATUS_INVALID_ARGUMENT, "finish inside the callback");
    CHECK(r.id_status == GENIE_STATUS_INVALID_ARGUMENT, "last_event_id inside the callback");
    CHECK(error_mentions("in use"), genie_last_error_message());
    genie_sse_parser_free(r.parser);
}

static void summary_lifetime(void) {
    genie_stream_decoder *decoder = NULL;
    CHECK_STATUS(genie_stream_decoder_new("anthropic", NULL, &decoder), GENIE_STATUS_OK, "new");
    genie_decoder_summary first, second;
    CHECK_STATUS(genie_stream_decoder_finish(decoder, &first), GENIE_STATUS_OK, "finish empty");
    CHECK(genie_str_eq(first.provider, "anthropic"), "provider");
    CHECK(genie_str_eq(first.text, "") && !first.complete, "nothing decoded");
    CHECK(first.usage.input_tokens == -1 && first.usage.reasoning_tokens == -1, "no usage");
    CHECK(first.malformed_events == 0 && first.keepalives == 0, "no counts");
    CHECK_STATUS(genie_stream_decoder_finish(decoder, &second), GENIE_STATUS_OK, "finish twice");
    CHECK(genie_str_eq(second.text, "") && !second.complete, "the reset decoder");
    genie_stream_decoder_free(decoder);
}

static void *fresh_thread(void *arg) {
    (void)arg;
    return (void *)(strcmp(genie_last_error_message(), "") == 0 ? "clean" : NULL);
}

static void last_error_message(void) {
    genie_sse_parser_options tiny = genie_sse_parser_options_default();
    tiny.max_line_bytes = 4;
    genie_sse_parser *parser = new_parser(&tiny);
    collected c = {0};
    CHECK_STATUS(feed_str(parser, "data: too long\n\n", 16, &c), GENIE_STATUS_LIMIT_EXCEEDED,
                 "limit");
    const char *message = genie_last_error_message();
    CHECK(message != NULL && strstr(message, "max_line_bytes (4)") != NULL, message);
    /* A successful call leaves the message, like errno. */
    CHECK_STATUS(feed_str(parser, "a\n\n", 3, &c), GENIE_STATUS_OK, "ok");
    CHECK(error_mentions("max_line_bytes (4)"), genie_last_error_message());
    /* Another thread has its own (empty) message. */
    pthread_t thread;
    void *result = NULL;
    CHECK(pthread_create(&thread, NULL, fresh_thread, NULL) == 0, "thread");
    CHECK(pthread_join(thread, &result) == 0 && result != NULL, "per-thread message");
    genie_sse_parser_free(parser);
    collected_free(&c);
}

int main(void) {
    null_arguments_sse();
    null_arguments_decoder();
    unknown_providers();
    options();
    invalid_utf8_and_nul_bytes();
    random_binary();
    huge_line();
    only_carriage_returns();
    decoder_limits();
    callbacks_cannot_reenter();
    summary_lifetime();
    last_error_message();
    return harness_finish("bad input");
}
