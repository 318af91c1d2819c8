/*
 * decode_stream: decodes a recorded provider stream with genie's C API, the way a server
 * would decode the body of a streaming response as it arrives: 2 KiB at a time. Prints the
 * answer's text as it streams, then the usage and whether the answer is complete.
 *
 * Usage: decode_stream [provider [file]]
 *   provider  gemini | openai | openai-responses | anthropic   (default: openai)
 *   file      the raw SSE bytes (default: tests/fixtures/providers/openai-complete.sse,
 *             relative to the repository root)
 *
 * Build (from the repository root, after `cargo build --release -p genie-ffi`):
 *   cc -std=c99 -Iinclude examples/c/decode_stream.c -Ltarget/release -lgenie \
 *      -Wl,-rpath,$PWD/target/release -o decode_stream
 */
#include <stdint.h>
#include <stdio.h>

#include "genie.h"

/* Runs on this thread, inside genie_stream_decoder_feed. The event's strings are only
 * borrowed until we return, so we print them right away. */
static void on_event(void *userdata, const genie_decoder_event *event) {
    (void)userdata;
    switch (event->type) {
    case GENIE_DECODER_EVENT_TEXT:
        fwrite(event->text.ptr, 1, event->text.len, stdout);
        fflush(stdout);
        break;
    case GENIE_DECODER_EVENT_ERROR:
        fprintf(stderr, "\n[provider error, %.*s: %.*s]\n", (int)event->error.kind.len,
                event->error.kind.ptr, (int)event->error.message.len, event->error.message.ptr);
        break;
    case GENIE_DECODER_EVENT_MALFORMED:
        fprintf(stderr, "\n[skipped a malformed event: %.*s]\n", (int)event->message.len,
                event->message.ptr);
        break;
    case GENIE_DECODER_EVENT_USAGE:
    case GENIE_DECODER_EVENT_FINISH:
        break; /* the summary reports the final values */
    }
}

static void print_count(const char *name, int64_t count) {
    if (count < 0) {
        printf("  %-17s not reported\n", name);
    } else {
        printf("  %-17s %lld\n", name, (long long)count);
    }
}

static int fail(const char *what, genie_status status) {
    fprintf(stderr, "%s: %s: %s\n", what, genie_status_str(status), genie_last_error_message());
    return 1;
}

int main(int argc, char **argv) {
    const char *provider = argc > 1 ? argv[1] : "openai";
    const char *path = argc > 2 ? argv[2] : "tests/fixtures/providers/openai-complete.sse";

    FILE *file = fopen(path, "rb");
    if (file == NULL) {
        perror(path);
        return 1;
    }
    genie_stream_decoder *decoder = NULL;
    genie_status status = genie_stream_decoder_new(provider, NULL, &decoder);
    if (status != GENIE_STATUS_OK) {
        fclose(file);
        return fail("genie_stream_decoder_new", status);
    }

    uint8_t chunk[2048];
    size_t n;
    int exit_code = 0;
    while ((n = fread(chunk, 1, sizeof chunk, file)) > 0) {
        status = genie_stream_decoder_feed(decoder, chunk, n, on_event, NULL);
        if (status == GENIE_STATUS_LIMIT_EXCEEDED) {
            /* One oversized event was dropped; the rest still decodes. */
            fprintf(stderr, "\n[%s]\n", genie_last_error_message());
        } else if (status != GENIE_STATUS_OK) {
            exit_code = fail("genie_stream_decoder_feed", status);
            break;
        }
    }
    if (ferror(file)) {
        perror(path);
        exit_code = 1;
    }
    fclose(file);

    genie_decoder_summary summary;
    status = genie_stream_decoder_finish(decoder, &summary);
    if (status != GENIE_STATUS_OK) {
        genie_stream_decoder_free(decoder);
        return fail("genie_stream_decoder_finish", status);
    }
    /* summary's strings are borrowed from the decoder: use them before freeing it. */
    printf("\n\nprovider: %.*s\n", (int)summary.provider.len, summary.provider.ptr);
    printf("usage:\n");
    print_count("input tokens", summary.usage.input_tokens);
    print_count("output tokens", summary.usage.output_tokens);
    print_count("total tokens", summary.usage.total_tokens);
    print_count("cached tokens", summary.usage.cached_tokens);
    print_count("reasoning tokens", summary.usage.reasoning_tokens);
    if (summary.finish_reason.ptr != NULL) {
        printf("finish reason: %.*s (provider said %.*s)\n", (int)summary.finish_reason.len,
               summary.finish_reason.ptr, (int)summary.raw_finish_reason.len,
               summary.raw_finish_reason.ptr);
    }
    if (summary.error.kind.ptr != NULL) {
        printf("provider error: %.*s\n", (int)summary.error.kind.len, summary.error.kind.ptr);
    }
    printf("complete: %s\n", summary.complete
                                 ? "yes"
                                 : "NO - the stream ended before the provider's end marker; "
                                   "do not present this answer as whole");
    genie_stream_decoder_free(decoder);
    return exit_code;
}
