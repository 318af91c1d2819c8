/*
 * genie.h: the C API of genie (libgenie.so / libgenie.a).
 *
 * GENERATED FILE, do not edit. cbindgen writes it from the Rust sources in ffi/src/ with the
 * settings in ffi/cbindgen.toml whenever `cargo build -p genie-ffi` runs (ffi/build.rs).
 * Change the Rust doc comments instead, rebuild, and commit the result.
 *
 * Conventions (every function below follows them):
 * - Names are genie_<type>_<verb>. The object a function acts on comes first, outputs come
 *   last and end in _out, a buffer is followed by its size_t length. A const receiver means
 *   the function does not change the object.
 * - Fallible functions return a genie_status: GENIE_STATUS_OK (0) or one of the error numbers,
 *   which are stable and shared with genie's Python and Node libraries. On failure,
 *   genie_last_error_message() says what to fix and outputs are left as documented.
 * - A NULL pointer where one is required gives GENIE_STATUS_NULL_ARGUMENT; nothing else
 *   happens. Every _free function accepts NULL.
 * - No function aborts the process or lets a Rust panic escape: a bug inside genie returns
 *   GENIE_STATUS_INTERNAL. The object involved is then in an unspecified (but memory-safe)
 *   state; free it.
 * - Text is handed out as genie_str: UTF-8, NOT NUL-terminated, borrowed from genie for a
 *   documented lifetime. Present strings always have a non-NULL ptr (an empty string points
 *   at ""); an optional string that is absent has ptr NULL and len 0.
 * - Objects are not thread-safe: use each from one thread at a time (moving it between
 *   threads is fine). Functions without an object (genie_version, genie_status_str) can be
 *   called from any thread at any time.
 * - Callbacks run synchronously on the calling thread before the function returns. They must
 *   return normally (no C++ exception, no longjmp across genie) and must not call genie
 *   functions on the object that is delivering the event (genie detects that and refuses).
 */


#ifndef GENIE_H
#define GENIE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/**
 * The outcome of a genie call: `GENIE_STATUS_OK` (0) or what went wrong.
 *
 * The numbers are stable across releases and identical to the `.status` of the errors genie's
 * Python and Node libraries raise; they are grouped by thousands (1000s: the caller's input,
 * 2000s: the provider's answer, 3000s: the stream or transport, 4000s: a guardrail refused,
 * 9000s: a bug in genie). New numbers may be added: treat unknown ones as failures.
 * `genie_status_str` gives the stable code string of any number.
 */
typedef enum genie_status {
  /**
   * Success.
   */
  GENIE_STATUS_OK = 0,
  /**
   * An argument is not acceptable (unknown provider name, a zero limit, ...).
   */
  GENIE_STATUS_INVALID_ARGUMENT = 1000,
  /**
   * A required pointer was NULL.
   */
  GENIE_STATUS_NULL_ARGUMENT = 1001,
  /**
   * Text that must be UTF-8 is not.
   */
  GENIE_STATUS_INVALID_UTF8 = 1002,
  /**
   * A configuration document is invalid; the message names the path and the reason.
   */
  GENIE_STATUS_INVALID_CONFIG = 1003,
  /**
   * A size limit was exceeded (an SSE line or event larger than configured).
   */
  GENIE_STATUS_LIMIT_EXCEEDED = 1004,
  /**
   * The provider answered with an HTTP error not covered by a more specific status.
   */
  GENIE_STATUS_UPSTREAM_HTTP = 2000,
  /**
   * The provider is rate limiting.
   */
  GENIE_STATUS_RATE_LIMITED = 2001,
  /**
   * The provider wants payment or credits.
   */
  GENIE_STATUS_PAYMENT_REQUIRED = 2002,
  /**
   * The prompt does not fit the model's context window.
   */
  GENIE_STATUS_CONTEXT_LENGTH_EXCEEDED = 2003,
  /**
   * The provider refused the prompt or the answer on content policy grounds.
   */
  GENIE_STATUS_CONTENT_FILTERED = 2004,
  /**
   * The provider sent bytes that are not its documented wire format.
   */
  GENIE_STATUS_MALFORMED_RESPONSE = 2005,
  /**
   * No byte arrived for longer than the stall gap.
   */
  GENIE_STATUS_STREAM_STALLED = 3000,
  /**
   * The stream ended without the provider's end marker: the answer is truncated.
   */
  GENIE_STATUS_STREAM_INCOMPLETE = 3001,
  /**
   * A deadline passed.
   */
  GENIE_STATUS_DEADLINE_EXCEEDED = 3002,
  /**
   * The connection failed.
   */
  GENIE_STATUS_TRANSPORT = 3003,
  /**
   * The caller cancelled the operation.
   */
  GENIE_STATUS_CANCELLED = 3004,
  /**
   * PII redaction failed; no unredacted text was returned.
   */
  GENIE_STATUS_REDACTION_FAILED = 4000,
  /**
   * The tenant's token budget does not allow this request.
   */
  GENIE_STATUS_BUDGET_EXCEEDED = 4001,
  /**
   * No model in the route can serve this request.
   */
  GENIE_STATUS_NO_ROUTE = 4002,
  /**
   * A bug inside genie: a panic was caught before it could reach the caller.
   */
  GENIE_STATUS_INTERNAL = 9000,
} genie_status;

/**
 * What a `genie_decoder_event` carries; the fields not listed for a type are absent
 * (strings NULL, token counts -1).
 */
typedef enum genie_decoder_event_type {
  /**
   * A piece of the answer's text (`text`), to append to what came before.
   */
  GENIE_DECODER_EVENT_TEXT = 0,
  /**
   * The usage so far (`usage`); each replaces the previous one.
   */
  GENIE_DECODER_EVENT_USAGE = 1,
  /**
   * The model stopped (`finish_reason`, normalised: "stop", "length", "tool_calls",
   * "content_filter", "error", "other"; `raw_finish_reason`: the provider's own value).
   */
  GENIE_DECODER_EVENT_FINISH = 2,
  /**
   * The provider reported an error inside the stream (`error`).
   */
  GENIE_DECODER_EVENT_ERROR = 3,
  /**
   * An event whose payload is not the provider's JSON; it was skipped (`message` says why,
   * `payload` is the event's data, unmodified).
   */
  GENIE_DECODER_EVENT_MALFORMED = 4,
} genie_decoder_event_type;

/**
 * An incremental WHATWG event-stream (server-sent events) parser. Opaque: make one with
 * `genie_sse_parser_new`, free it with `genie_sse_parser_free`.
 */
typedef struct genie_sse_parser genie_sse_parser;

/**
 * Decodes one provider's streaming response (SSE bytes) into text, usage, finish and error
 * events. Opaque: make one with `genie_stream_decoder_new`, free it with
 * `genie_stream_decoder_free`.
 */
typedef struct genie_stream_decoder genie_stream_decoder;

/**
 * Size limits that bound a parser's memory whatever the stream sends. Get the defaults from
 * `genie_sse_parser_options_default()` and change what you need; both must be > 0.
 */
typedef struct genie_sse_parser_options {
  /**
   * Longest line accepted, in bytes, not counting its terminator (default 16 MiB).
   */
  size_t max_line_bytes;
  /**
   * Largest event accepted: its data plus its type, in bytes (default 32 MiB).
   */
  size_t max_event_bytes;
} genie_sse_parser_options;

/**
 * A borrowed UTF-8 string: `len` bytes at `ptr`, NOT NUL-terminated (print it with
 * `printf("%.*s", (int)s.len, s.ptr)`); it may contain NUL bytes.
 *
 * genie owns the bytes; each function says how long they stay valid. A present string always
 * has a non-NULL `ptr` (an empty one points at a static ""). Where a field is optional,
 * "absent" is `ptr == NULL` and `len == 0`.
 */
typedef struct genie_str {
  /**
   * The first byte, or NULL when the string is absent.
   */
  const char *ptr;
  /**
   * The length in bytes.
   */
  size_t len;
} genie_str;

/**
 * One dispatched event. Its strings are borrowed from the parser and valid only until the
 * callback that received it returns.
 */
typedef struct genie_sse_event {
  /**
   * The event type: the last `event:` field of the event, or "message".
   */
  struct genie_str event;
  /**
   * The `data:` lines joined with LF (may be empty, may contain NUL bytes).
   */
  struct genie_str data;
  /**
   * The last-event-ID in effect when the event was dispatched ("" if none).
   */
  struct genie_str id;
} genie_sse_event;

/**
 * Receives each event `genie_sse_parser_feed` dispatches, synchronously, on the thread that
 * called `genie_sse_parser_feed`, before it returns, in stream order.
 *
 * `event` and the strings in it point into the parser's own buffers and are valid only until
 * the callback returns; copy what you keep. This is deliberate: events reach you without a
 * copy or an allocation per event, and there is nothing for you to free. A callback must
 * return normally (no C++ exception, no longjmp) and must not call `genie_sse_parser_*` on
 * the parser that is feeding it (those calls fail with GENIE_STATUS_INVALID_ARGUMENT).
 * `userdata` is the pointer given to `genie_sse_parser_feed`, passed through untouched.
 */
typedef void (*genie_sse_event_cb)(void *userdata, const struct genie_sse_event *event);

/**
 * Token counts as the provider reported them; -1 where it did not report a count.
 */
typedef struct genie_usage {
  /**
   * Prompt tokens, cached ones included.
   */
  int64_t input_tokens;
  /**
   * Answer tokens.
   */
  int64_t output_tokens;
  /**
   * What the provider bills as the total.
   */
  int64_t total_tokens;
  /**
   * Prompt tokens served from the provider's cache.
   */
  int64_t cached_tokens;
  /**
   * Reasoning ("thinking") tokens.
   */
  int64_t reasoning_tokens;
} genie_usage;

/**
 * An error the provider reported inside the stream (a record, not a genie failure). When
 * there is none, every field is absent (`kind.ptr == NULL`).
 */
typedef struct genie_provider_error {
  /**
   * The normalised class: "rate_limit", "overloaded", "invalid_request",
   * "content_filter" or "other".
   */
  struct genie_str kind;
  /**
   * The provider's message.
   */
  struct genie_str message;
  /**
   * The provider's own type, code or status string; absent if it sent none.
   */
  struct genie_str code;
} genie_provider_error;

/**
 * One decoded happening in a provider stream. `type` says which fields are set; the others
 * are absent (strings with ptr NULL, usage counts -1, error fields absent). Strings are
 * borrowed and valid only until the callback that received the event returns.
 */
typedef struct genie_decoder_event {
  /**
   * Which kind of event this is.
   */
  enum genie_decoder_event_type type;
  /**
   * GENIE_DECODER_EVENT_TEXT: the text delta.
   */
  struct genie_str text;
  /**
   * GENIE_DECODER_EVENT_USAGE: the usage so far.
   */
  struct genie_usage usage;
  /**
   * GENIE_DECODER_EVENT_FINISH: the normalised finish reason.
   */
  struct genie_str finish_reason;
  /**
   * GENIE_DECODER_EVENT_FINISH: the provider's own finish reason.
   */
  struct genie_str raw_finish_reason;
  /**
   * GENIE_DECODER_EVENT_ERROR: the provider's error.
   */
  struct genie_provider_error error;
  /**
   * GENIE_DECODER_EVENT_MALFORMED: what was wrong with the payload.
   */
  struct genie_str message;
  /**
   * GENIE_DECODER_EVENT_MALFORMED: the payload, unmodified.
   */
  struct genie_str payload;
} genie_decoder_event;

/**
 * Receives each event `genie_stream_decoder_feed` decodes, synchronously, on the thread that
 * called `genie_stream_decoder_feed`, before it returns, in stream order.
 *
 * `event` and its strings are valid only until the callback returns (no copy or allocation
 * is made for you, and there is nothing to free); copy what you keep. A callback must return
 * normally (no C++ exception, no longjmp) and must not call `genie_stream_decoder_*` on the
 * decoder feeding it (those calls fail with GENIE_STATUS_INVALID_ARGUMENT). `userdata` is
 * the pointer given to `genie_stream_decoder_feed`, passed through untouched.
 */
typedef void (*genie_decoder_event_cb)(void *userdata, const struct genie_decoder_event *event);

/**
 * What a whole stream amounted to, filled in by `genie_stream_decoder_finish` into a struct
 * the caller owns. Its strings are borrowed from the decoder and valid until the next feed,
 * finish or free on that decoder.
 */
typedef struct genie_decoder_summary {
  /**
   * The provider name: "gemini", "openai", "openai-responses" or "anthropic".
   */
  struct genie_str provider;
  /**
   * All text deltas, concatenated.
   */
  struct genie_str text;
  /**
   * The final usage (-1 for counts never reported).
   */
  struct genie_usage usage;
  /**
   * The normalised finish reason; absent if the provider sent none.
   */
  struct genie_str finish_reason;
  /**
   * The provider's own finish reason; absent if it sent none.
   */
  struct genie_str raw_finish_reason;
  /**
   * Whether the provider's end marker arrived. false means the answer may be truncated and
   * must not be presented as whole.
   */
  bool complete;
  /**
   * The last in-band error; all fields absent if there was none.
   */
  struct genie_provider_error error;
  /**
   * How many events were skipped as malformed.
   */
  uint64_t malformed_events;
  /**
   * How many keep-alives (SSE comments and ping events) arrived.
   */
  uint64_t keepalives;
} genie_decoder_summary;

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * genie's version (such as "0.1.0"), the same as its Python and Node libraries report.
 *
 * Returns a static NUL-terminated string: never NULL, never to be freed, valid for the life
 * of the process. Thread-safe.
 */
const char *genie_version(void);

/**
 * The stable code string of `status`: `"OK"` for 0, the error's code (`"LIMIT_EXCEEDED"`) for
 * the numbers of `genie_status`, `"UNKNOWN"` for any other number.
 *
 * The parameter is an `int` rather than a `genie_status` so that any number is safe to pass,
 * including one from a newer genie.
 *
 * Returns a static NUL-terminated string: never NULL, never to be freed, valid for the life
 * of the process. Thread-safe.
 */
const char *genie_status_str(int status);

/**
 * What went wrong in the most recent genie call on this thread that did not return
 * `GENIE_STATUS_OK`, for a person to read (it says what to fix; it never contains secrets
 * such as API keys). Successful calls leave it unchanged, like `errno`.
 *
 * Returns a NUL-terminated string owned by genie: never NULL (`""` when no call on this
 * thread has failed), not to be freed, valid until the next genie call on this thread. Copy
 * it if you need it longer. Each thread has its own message.
 */
const char *genie_last_error_message(void);

/**
 * The default limits (max_line_bytes 16 MiB, max_event_bytes 32 MiB), the same as genie's
 * Python and Node parsers use. Thread-safe.
 */
struct genie_sse_parser_options genie_sse_parser_options_default(void);

/**
 * Makes a parser.
 *
 * `options` may be NULL for the defaults; it is copied, not kept. Zero limits give
 * GENIE_STATUS_INVALID_ARGUMENT. On success `*parser_out` is a new parser that the caller
 * owns and must free with `genie_sse_parser_free`; on failure it is set to NULL (when
 * `parser_out` itself is not NULL). Thread-safe.
 *
 * # Safety
 * `options` is NULL or points to a `genie_sse_parser_options`; `parser_out` is NULL or
 * points to writable storage for a pointer.
 */
enum genie_status genie_sse_parser_new(const struct genie_sse_parser_options *options,
                                       struct genie_sse_parser **parser_out);

/**
 * Parses the `len` bytes at `data` (any chunk of the stream, in any size), calling
 * `callback(userdata, &event)` for every event they complete (see `genie_sse_event_cb` for
 * when and how long the event is valid).
 *
 * Bytes that are not UTF-8 decode to U+FFFD; a character split across chunks decodes
 * correctly. `data` may be NULL only when `len` is 0 (an empty chunk is fine and changes
 * nothing); `callback` must not be NULL; `userdata` may be anything, including NULL.
 *
 * Returns GENIE_STATUS_LIMIT_EXCEEDED when a line or an event in this chunk was larger than
 * the parser's limits. The callback has still received every other event of the chunk: only
 * the oversized event was dropped, and the parser continues at the next event, so keep
 * feeding it (or stop, as your protocol prefers). GENIE_STATUS_INVALID_ARGUMENT when called
 * from inside this parser's own callback. The parser is not thread-safe.
 *
 * # Safety
 * `parser` is NULL or a live parser from `genie_sse_parser_new`; `data` is NULL or points to
 * `len` readable bytes; `callback` is NULL or a function of the `genie_sse_event_cb` type.
 */
enum genie_status genie_sse_parser_feed(struct genie_sse_parser *parser,
                                        const uint8_t *data,
                                        size_t len,
                                        genie_sse_event_cb callback,
                                        void *userdata);

/**
 * Ends the current connection's stream: an unfinished event and a partial line are
 * discarded (nothing is dispatched, as the standard requires). The parser is then ready for
 * the next connection of the same event source: the last event ID and the retry time are
 * kept. GENIE_STATUS_NULL_ARGUMENT if `parser` is NULL. Not thread-safe.
 *
 * # Safety
 * `parser` is NULL or a live parser from `genie_sse_parser_new`.
 */
enum genie_status genie_sse_parser_finish(struct genie_sse_parser *parser);

/**
 * Writes the last-event-ID string to `*id_out`: what a reconnect sends as `Last-Event-ID`
 * (only when it is not empty). `""` when the stream set none.
 *
 * The string is borrowed from the parser and valid until the next feed, finish or free on
 * this parser. Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*id_out` is then
 * untouched). Not thread-safe.
 *
 * # Safety
 * `parser` is NULL or a live parser; `id_out` is NULL or points to a writable `genie_str`.
 */
enum genie_status genie_sse_parser_last_event_id(const struct genie_sse_parser *parser,
                                                 struct genie_str *id_out);

/**
 * Writes whether the stream set a reconnection time with `retry:` to `*has_retry_out`, and
 * that time in milliseconds to `*retry_ms_out` (0 when it did not).
 *
 * All pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; nothing is written then). Not
 * thread-safe.
 *
 * # Safety
 * `parser` is NULL or a live parser; the outputs are NULL or point to writable storage.
 */
enum genie_status genie_sse_parser_retry_ms(const struct genie_sse_parser *parser,
                                            bool *has_retry_out,
                                            uint64_t *retry_ms_out);

/**
 * Frees a parser and everything it owns; strings borrowed from it become invalid. NULL is
 * accepted and does nothing. Do not use the pointer afterwards. Must not be called from
 * inside the parser's own callback (genie then leaks the parser instead of freeing memory in
 * use). Not thread-safe.
 *
 * # Safety
 * `parser` is NULL or a live parser from `genie_sse_parser_new`, not used again afterwards.
 */
void genie_sse_parser_free(struct genie_sse_parser *parser);

/**
 * Makes a decoder for the provider named by the NUL-terminated string `provider`: "gemini",
 * "openai" (Chat Completions), "openai-responses" or "anthropic". Another name gives
 * GENIE_STATUS_INVALID_ARGUMENT with a message listing these.
 *
 * `options` sets the underlying SSE parser's limits; NULL means the defaults. Both inputs
 * are copied, not kept. On success `*decoder_out` is a new decoder that the caller owns and
 * must free with `genie_stream_decoder_free`; on failure it is set to NULL (when
 * `decoder_out` itself is not NULL). `provider` and `decoder_out` must not be NULL.
 * Thread-safe.
 *
 * # Safety
 * `provider` is NULL or a NUL-terminated string; `options` is NULL or points to a
 * `genie_sse_parser_options`; `decoder_out` is NULL or writable.
 */
enum genie_status genie_stream_decoder_new(const char *provider,
                                           const struct genie_sse_parser_options *options,
                                           struct genie_stream_decoder **decoder_out);

/**
 * Decodes the `len` bytes at `data` (any chunk of the provider's response body, in any
 * size), calling `callback(userdata, &event)` for each event they complete (see
 * `genie_decoder_event_cb` for when and how long the event is valid).
 *
 * Malformed payloads are not failures: they arrive as GENIE_DECODER_EVENT_MALFORMED events.
 * `data` may be NULL only when `len` is 0; `callback` must not be NULL; `userdata` may be
 * anything. Returns GENIE_STATUS_LIMIT_EXCEEDED when an SSE line or event in this chunk was
 * larger than the limits: every other event of the chunk was still delivered, only the
 * oversized one was dropped, and the decoder can continue. A summary from an earlier
 * `genie_stream_decoder_finish` becomes invalid. Not thread-safe.
 *
 * # Safety
 * `decoder` is NULL or a live decoder; `data` is NULL or points to `len` readable bytes;
 * `callback` is NULL or a function of the `genie_decoder_event_cb` type.
 */
enum genie_status genie_stream_decoder_feed(struct genie_stream_decoder *decoder,
                                            const uint8_t *data,
                                            size_t len,
                                            genie_decoder_event_cb callback,
                                            void *userdata);

/**
 * Writes to `*complete_out` whether the provider's end marker has arrived so far.
 * Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
 *
 * # Safety
 * `decoder` is NULL or a live decoder; `complete_out` is NULL or writable.
 */
enum genie_status genie_stream_decoder_complete(const struct genie_stream_decoder *decoder,
                                                bool *complete_out);

/**
 * Writes the decoder's provider name ("gemini", "openai", "openai-responses",
 * "anthropic") to `*provider_out`. The string is static: valid for the life of the process.
 * Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
 *
 * # Safety
 * `decoder` is NULL or a live decoder; `provider_out` is NULL or writable.
 */
enum genie_status genie_stream_decoder_provider(const struct genie_stream_decoder *decoder,
                                                struct genie_str *provider_out);

/**
 * Ends the stream and fills the caller-owned `*summary_out` with what it amounted to; check
 * `summary_out->complete` before presenting the text as a whole answer. The decoder is reset
 * and can decode another stream of the same provider.
 *
 * The summary's strings are borrowed from the decoder and valid until the next feed, finish
 * or free on this decoder. Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; the
 * stream is then not ended and `*summary_out` is untouched). Not thread-safe.
 *
 * # Safety
 * `decoder` is NULL or a live decoder; `summary_out` is NULL or points to writable storage
 * for a `genie_decoder_summary`.
 */
enum genie_status genie_stream_decoder_finish(struct genie_stream_decoder *decoder,
                                              struct genie_decoder_summary *summary_out);

/**
 * Frees a decoder and everything it owns; strings borrowed from it (a summary's) become
 * invalid. NULL is accepted and does nothing. Do not use the pointer afterwards. Must not be
 * called from inside the decoder's own callback (genie then leaks the decoder instead of
 * freeing memory in use). Not thread-safe.
 *
 * # Safety
 * `decoder` is NULL or a live decoder from `genie_stream_decoder_new`, not used again.
 */
void genie_stream_decoder_free(struct genie_stream_decoder *decoder);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* GENIE_H */
