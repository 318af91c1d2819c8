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
 * - Objects are not thread-safe unless their documentation says otherwise (genie_redactor
 *   and the read-only result objects are): use each from one thread at a time (moving it
 *   between threads is fine). Functions without an object (genie_version, genie_status_str)
 *   can be called from any thread at any time.
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
 * The `timeout_ms` of `genie_stream_next` that waits for the next event however long it
 * takes (the call's own deadline, `timeouts.total_ms` in the configuration, still bounds it).
 */
#define GENIE_STREAM_WAIT_FOREVER UINT32_MAX

/**
 * The outcome of a genie call: `GENIE_STATUS_OK` (0), another outcome that is not an error
 * (1 to 999), or what went wrong (1000 and up).
 *
 * The numbers below 1000 are NOT errors and only `genie_stream_next` returns them: they say
 * the stream has ended (`GENIE_STATUS_STREAM_END`) or has nothing yet
 * (`GENIE_STATUS_WOULD_BLOCK`); they leave `genie_last_error_message` unchanged.
 *
 * The error numbers are stable across releases and identical to the `.status` of the errors
 * genie's Python and Node libraries raise; they are grouped by thousands (1000s: the caller's
 * input, 2000s: the provider's answer, 3000s: the stream or transport, 4000s: a guardrail
 * refused, 9000s: a bug in genie). New numbers may be added: treat unknown ones as failures.
 * `genie_status_str` gives the stable code string of any number.
 */
typedef enum genie_status {
  /**
   * Success.
   */
  GENIE_STATUS_OK = 0,
  /**
   * Not an error: the stream delivered its last event (`GENIE_CALL_EVENT_DONE`) earlier;
   * there are no more.
   */
  GENIE_STATUS_STREAM_END = 1,
  /**
   * Not an error: no event arrived within the timeout given to `genie_stream_next` (with a
   * timeout of 0: none was ready). Call it again.
   */
  GENIE_STATUS_WOULD_BLOCK = 2,
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
 * What a `genie_call_event` carries; the fields not listed for a type are absent (strings
 * with ptr NULL, numbers 0 or -1 as documented, `summary` NULL).
 */
typedef enum genie_call_event_type {
  /**
   * An attempt began: `model`, `provider`, `attempt` (1-based, counted across the call),
   * `mode` ("stream" or "non_stream"; a reconnect is a "stream" attempt).
   */
  GENIE_CALL_EVENT_STARTED = 0,
  /**
   * A piece of the answer (`text`), to append to what was shown since the start or the
   * last reset.
   */
  GENIE_CALL_EVENT_TEXT = 1,
  /**
   * Discard all the text shown so far: replacement text follows. `reason` (short,
   * user-facing) and `model` (whose text is discarded).
   */
  GENIE_CALL_EVENT_RESET = 2,
  /**
   * Something the user may want to know, as a toast: `kind` ("retrying", "reconnecting",
   * "non_stream_fallback", "failed_over", "circuit_open"), `message` (a short user-facing
   * sentence), `model` (the one it is about: the one failed over to, for "failed_over") and
   * `delay_ms` (the wait before the next attempt, -1 when there is none).
   */
  GENIE_CALL_EVENT_NOTICE = 3,
  /**
   * The answering attempt's final usage (`usage`), once, right before DONE.
   */
  GENIE_CALL_EVENT_USAGE = 4,
  /**
   * The call is over and the answer is whole (`summary`). Always the last event of a call
   * that was served; the next `genie_stream_next` returns GENIE_STATUS_STREAM_END.
   */
  GENIE_CALL_EVENT_DONE = 5,
} genie_call_event_type;

/**
 * What a served call amounted to: the model that answered, the whole answer, its usage,
 * finish reason, timings and every attempt. Opaque: read it with the `genie_call_summary_*`
 * functions.
 *
 * Two kinds exist. `genie_client_complete` hands out an OWNED summary: free it with
 * `genie_call_summary_free`. A stream's DONE event (`genie_call_event.summary`) LENDS one:
 * it belongs to the stream, is valid until `genie_stream_free`, and must not be freed.
 *
 * A summary never changes: any number of threads may read it at once (an owned one must be
 * freed once, after the last read).
 */
typedef struct genie_call_summary genie_call_summary;

/**
 * A resilient LLM client: providers, models, routes, timeouts and policies from one
 * configuration, a pooled HTTP client and per-model circuit breakers. Opaque: make one with
 * `genie_client_new` or `genie_client_new_from_path`, free it with `genie_client_free`.
 *
 * A client IS thread-safe: any number of threads may call `genie_client_stream` and
 * `genie_client_complete` on one client at the same time, and they share its connection
 * pool and breakers (a model that fails for one thread is routed around for all). Make one
 * per configuration at start-up and share it; do not free it while another thread is still
 * calling a function on it. Streams and summaries it made stay valid after it is freed.
 *
 * The client's work runs on a runtime genie owns (one worker thread named `genie-worker`, or
 * as many as the environment variable `GENIE_WORKER_THREADS` asks for, 1 to 256; started with
 * the first client and kept for the life of the process): nothing to set up, and no callback
 * ever runs on those threads. A thread blocked in `genie_client_complete` busy-waits up to
 * `GENIE_BLOCKING_SPIN_US` microseconds (default 200, 0 = never) before it sleeps, when its
 * recent waits were that short and a core is spare (see the README's "Blocking waits").
 */
typedef struct genie_client genie_client;

/**
 * Placeholder → original value pairs (`"[EMAIL_1]"` → `"jane@example.com"`), what
 * `genie_redactor_restore` puts back. Opaque. Either borrowed from a result
 * (`genie_redaction_mapping`: owned by the result, never freed by you) or owned by you
 * (`genie_mapping_new`, `genie_mapping_clone`: free with `genie_mapping_free`).
 *
 * Why one type with three sources: a server redacts the prompt, and the model's answer
 * arrives later, maybe on another thread or in another process. If the result is still at
 * hand, restore with its borrowed mapping; to keep only the mapping, clone it and free the
 * result; to keep it elsewhere (a session store, a cache), copy its pairs out with
 * `genie_mapping_entry` and rebuild it with `genie_mapping_new` + `genie_mapping_insert` when
 * the answer comes. Restore takes the same type in all three cases.
 *
 * The values are the PII that was removed: store and log a mapping only where the original
 * text could be. Thread-safety: reading calls (`genie_mapping_len`, `genie_mapping_entry`,
 * `genie_mapping_clone`, `genie_redactor_restore`) may run on several threads at once;
 * `genie_mapping_insert` and `genie_mapping_free` need the mapping to themselves.
 */
typedef struct genie_mapping genie_mapping;

/**
 * The result of `genie_redactor_redact` or `genie_redactor_find` (or a stream's snapshot):
 * the redacted text, the findings, the placeholder mapping and the count per type. Opaque:
 * read it with the `genie_redaction_*` functions, free it with `genie_redaction_free`.
 *
 * An owned object with accessors rather than structs filled in by the call: one allocation
 * holds everything, nothing is copied until you ask for it, the borrowed strings have one
 * simple lifetime (until the result is freed), and fields can be added without breaking the
 * ABI. The three producers share it so one set of accessors reads them all.
 *
 * It holds no values in the clear except inside its mapping (placeholder → original value,
 * for `genie_redactor_restore`): findings carry only types and offsets, and counts only
 * numbers, so they are safe to log for audit. It never changes: any number of threads may
 * read it at once; free it once, after the last read.
 */
typedef struct genie_redaction genie_redaction;

/**
 * A configured PII redactor. Opaque: make one with `genie_redactor_new` or
 * `genie_redactor_new_from_path`, free it with `genie_redactor_free`.
 *
 * Unlike genie's other objects, a redactor IS thread-safe: it never changes after it is made,
 * so one redactor may be shared by any number of threads, which may call
 * `genie_redactor_find`, `genie_redactor_redact`, `genie_redactor_restore` and
 * `genie_stream_redactor_new` on it at the same time. Make one per configuration at start-up
 * (making one loads detection tables: the first takes a noticeable fraction of a second,
 * later ones are cheap) and share it; do not free it while another thread still uses it.
 *
 * Fail closed: a function that produces text either succeeds with the complete redacted (or
 * restored) text or fails, sets its output pointer to NULL and returns no text at all, never
 * the input and never a partly redacted string. Text arguments are bytes with a length, must
 * be UTF-8 (they may contain NUL bytes), and are read during the call only.
 */
typedef struct genie_redactor genie_redactor;

/**
 * An incremental WHATWG event-stream (server-sent events) parser. Opaque: make one with
 * `genie_sse_parser_new`, free it with `genie_sse_parser_free`.
 */
typedef struct genie_sse_parser genie_sse_parser;

/**
 * One call in progress: its events, in order, through `genie_stream_next`. Opaque: made by
 * `genie_client_stream`, freed with `genie_stream_free`.
 *
 * Threads: one thread at a time may call `genie_stream_next`, `genie_stream_error`,
 * `genie_stream_attempts_len`, `genie_stream_attempt` and `genie_stream_free` on a stream
 * (moving it between threads is fine). `genie_stream_cancel` is the exception: any thread
 * may call it at any time while the stream is alive, including while another thread is
 * blocked in `genie_stream_next`. Free the stream only once no other thread uses it.
 */
typedef struct genie_stream genie_stream;

/**
 * Decodes one provider's streaming response (SSE bytes) into text, usage, finish and error
 * events. Opaque: make one with `genie_stream_decoder_new`, free it with
 * `genie_stream_decoder_free`.
 */
typedef struct genie_stream_decoder genie_stream_decoder;

/**
 * Redacts one streamed text (one model answer) chunk by chunk, with a bounded hold-back so
 * that a value split across chunks (`jane.doe@ex` | `ample.com`) is still caught: the
 * concatenated output equals what `genie_redactor_redact` gives for the whole text. Opaque:
 * make one per answer with `genie_stream_redactor_new`, free it with
 * `genie_stream_redactor_free`.
 *
 * Chunks are bytes cut anywhere, as network reads and provider tokens come: a chunk may end
 * inside a multi-byte UTF-8 character, and the stream keeps those first bytes (at most 3)
 * until the next chunk completes the character, so callers need no UTF-8 reassembly of their
 * own. Bytes that can never become UTF-8 are refused with their offset. Output comes as owned
 * `genie_string`s (see there why) in stream order.
 *
 * Not thread-safe: use it from one thread at a time (moving it between threads is fine).
 * Streams made from the same redactor are independent and may run on different threads.
 */
typedef struct genie_stream_redactor genie_stream_redactor;

/**
 * Restores one streamed answer chunk by chunk: every placeholder of a mapping (`[EMAIL_1]`)
 * becomes its original value, even when the placeholder is split across chunks (`[EMA` |
 * `IL_1]`). The concatenated output equals what `genie_redactor_restore` gives for the whole
 * answer. Opaque: make one per answer with `genie_stream_restorer_new`, free it with
 * `genie_stream_restorer_free`.
 *
 * It holds back at most 64 bytes (from a `[` that may still open a placeholder) plus the at
 * most 3 bytes of a UTF-8 character a chunk ended inside; text without `[` passes through at
 * once. Chunks are bytes cut anywhere; bytes that can never become UTF-8 are refused with
 * their offset. Output comes as owned `genie_string`s in stream order.
 *
 * Not thread-safe: use it from one thread at a time (moving it between threads is fine).
 */
typedef struct genie_stream_restorer genie_stream_restorer;

/**
 * Text genie made for you to keep: a restored answer (`genie_redactor_restore`,
 * `genie_stream_restorer_push`, `genie_stream_restorer_flush`) or redacted stream output
 * (`genie_stream_redactor_push`, `genie_stream_redactor_flush`). Opaque: read it with
 * `genie_string_view`, free it with `genie_string_free`.
 *
 * It is an owned object rather than a callback argument so that the bytes can outlive the
 * call that made them without a copy: a server can queue them for an asynchronous socket
 * write and free them when the write completes. It is immutable: any number of threads may
 * view it at once; free it once, after the last view.
 */
typedef struct genie_string genie_string;

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

/**
 * One value the redactor found. Offsets are BYTE offsets into the text that was passed in:
 * the value is the `end - start` bytes at `text + start` (genie's Python library reports code
 * points and its Node library UTF-16 units for the same finding).
 */
typedef struct genie_finding {
  /**
   * The entity type: "EMAIL", "PHONE", "CREDIT_CARD", "US_SSN", "IBAN", "IP_ADDRESS",
   * "URL", "API_KEY", "DATE_OF_BIRTH", "MEDICAL_RECORD_NUMBER", "STREET_ADDRESS",
   * "PERSON", "DATE", or a tenant type named in the configuration's `custom` patterns.
   */
  struct genie_str type;
  /**
   * Byte offset of the value's first byte.
   */
  size_t start;
  /**
   * Byte offset just past the value's last byte.
   */
  size_t end;
  /**
   * The operator that replaced the value: "replace", "mask", "hash", "remove" or
   * "placeholder"; absent (ptr NULL) in the results of `genie_redactor_find`, which
   * replaces nothing. (Named operator_name because `operator` is a C++ keyword.)
   */
  struct genie_str operator_name;
} genie_finding;

/**
 * One thing that happened during a call, filled in by `genie_stream_next` into a struct the
 * caller owns. `type` says which fields are set (see `genie_call_event_type`); the others are
 * absent: strings with ptr NULL, `attempt` 0, `delay_ms` -1, usage counts -1, `summary` NULL.
 *
 * The strings borrow from the stream and are valid until the next `genie_stream_next` or
 * `genie_stream_free` on that stream, whichever comes first; copy what you keep. A DONE
 * event's `summary` stays valid until `genie_stream_free`.
 */
typedef struct genie_call_event {
  /**
   * Which kind of event this is.
   */
  enum genie_call_event_type type;
  /**
   * STARTED, RESET, NOTICE: the catalogue name of the model concerned.
   */
  struct genie_str model;
  /**
   * STARTED: the provider's name in the configuration.
   */
  struct genie_str provider;
  /**
   * STARTED: the attempt's number, 1-based across the whole call; 0 for other types.
   */
  uint32_t attempt;
  /**
   * STARTED: "stream" or "non_stream".
   */
  struct genie_str mode;
  /**
   * TEXT: the delta (the provider's deltas that arrived in one network read).
   */
  struct genie_str text;
  /**
   * RESET: why the text is discarded.
   */
  struct genie_str reason;
  /**
   * NOTICE: "retrying", "reconnecting", "non_stream_fallback", "failed_over" or
   * "circuit_open".
   */
  struct genie_str kind;
  /**
   * NOTICE: a short user-facing sentence.
   */
  struct genie_str message;
  /**
   * NOTICE: the wait in milliseconds before the next attempt; -1 when there is none.
   */
  int64_t delay_ms;
  /**
   * USAGE: token counts as the provider reported them (-1 where it did not).
   */
  struct genie_usage usage;
  /**
   * DONE: what the call amounted to; read it with the `genie_call_summary_*` functions.
   * BORROWED from the stream: valid until `genie_stream_free`; do not free it.
   */
  const struct genie_call_summary *summary;
} genie_call_event;

/**
 * Why a stream's call failed, filled in by `genie_stream_error` into a struct the caller
 * owns. Its strings borrow from the stream and are valid until `genie_stream_free`.
 */
typedef struct genie_call_error {
  /**
   * The status `genie_stream_next` returned for the failure; GENIE_STATUS_OK when the
   * call has not failed (it is running, or it was served).
   */
  enum genie_status status;
  /**
   * What happened, for a person (never contains an API key); absent when `status` is OK.
   */
  struct genie_str message;
  /**
   * The HTTP status of the provider response behind the failure; -1 when there was none.
   */
  int32_t http_status;
  /**
   * The provider's own error code or type ("insufficient_quota", "RESOURCE_EXHAUSTED");
   * absent when it sent none.
   */
  struct genie_str provider_code;
  /**
   * How long the provider asked to wait before trying again, in milliseconds; -1 when it
   * did not say.
   */
  int64_t retry_after_ms;
} genie_call_error;

/**
 * One attempt of a call, filled in by `genie_call_summary_attempt` or `genie_stream_attempt`
 * into a struct the caller owns. Its strings borrow from the summary or stream it came from
 * (or are static) and stay valid as long as that does.
 */
typedef struct genie_attempt {
  /**
   * The catalogue name of the model asked.
   */
  struct genie_str model;
  /**
   * The provider's name in the configuration.
   */
  struct genie_str provider;
  /**
   * How it asked: "stream", "non_stream" or "reconnect" (a stream resumed or restarted
   * after a stall or a cut).
   */
  struct genie_str mode;
  /**
   * "ok", or the code of the error that ended it ("STREAM_STALLED", "RATE_LIMITED", ...,
   * the strings of `genie_status_str`).
   */
  struct genie_str outcome;
  /**
   * The response's HTTP status; -1 when no response headers arrived.
   */
  int32_t http_status;
  /**
   * The provider's error code or type; absent when it sent none.
   */
  struct genie_str error_code;
  /**
   * From sending the request to the attempt's end, in milliseconds.
   */
  uint64_t duration_ms;
  /**
   * The backoff waited before it, in milliseconds.
   */
  uint64_t waited_ms;
} genie_attempt;

/**
 * A served call's timings, filled in by `genie_call_summary_timings` into a struct the caller
 * owns. Times are milliseconds from the start of the call (fractions included).
 */
typedef struct genie_call_timings {
  /**
   * To the response headers of the answering attempt.
   */
  double ttfb_ms;
  /**
   * To the first text of the answer kept (after the last reset); -1 for an empty answer.
   */
  double ttft_ms;
  /**
   * To the end of the call.
   */
  double total_ms;
  /**
   * Output tokens per second from the first kept text to the end; -1 when unknown (no
   * token count, or a whole answer that arrived at once).
   */
  double output_tokens_per_s;
} genie_call_timings;

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
 * The stable code string of `status`: `"OK"` for 0, `"STREAM_END"` for 1, `"WOULD_BLOCK"` for
 * 2, the error's code (`"LIMIT_EXCEEDED"`) for the error numbers of `genie_status`,
 * `"UNKNOWN"` for any other number.
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
 * Writes a view of `string`'s text to `*view_out`: UTF-8, NOT NUL-terminated, possibly empty
 * (then `ptr` points at "") and possibly containing NUL bytes if the text did.
 *
 * The view borrows from `string` and is valid until `genie_string_free(string)`. Both pointers
 * must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*view_out` is then untouched). Thread-safe:
 * the string never changes.
 *
 * # Safety
 * `string` is NULL or a live `genie_string`; `view_out` is NULL or points to a writable
 * `genie_str`.
 */
enum genie_status genie_string_view(const struct genie_string *string, struct genie_str *view_out);

/**
 * Frees a `genie_string`; views of it become invalid. NULL is accepted and does nothing. Do
 * not use the pointer afterwards, and do not free it while another thread views it.
 *
 * # Safety
 * `string` is NULL or a live `genie_string` from genie, not used again afterwards.
 */
void genie_string_free(struct genie_string *string);

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

/**
 * Makes a redactor from a JSON configuration document (the same document genie's Python and
 * Node libraries accept; see the README): the `config_len` bytes at `config_json`, which
 * need not be NUL-terminated. `config_json` NULL or `config_len` 0 means the defaults
 * (profile "general", every type replaced by `<TYPE>`).
 *
 * An invalid document gives GENIE_STATUS_INVALID_CONFIG with a message naming the path of
 * the bad value and the reason (`allowlist.regex[1]: invalid regex: ...`); bytes that are not
 * UTF-8 give GENIE_STATUS_INVALID_UTF8; a NULL `config_json` with a non-zero length gives
 * GENIE_STATUS_NULL_ARGUMENT. A configuration with a "hash" operator reads its HMAC key from
 * the environment variable named by `hash_key_env` now, once: set it before this call.
 *
 * The document is read, not kept. On success `*redactor_out` is a new redactor that the
 * caller owns and must free with `genie_redactor_free`; on failure it is set to NULL (when
 * `redactor_out` itself is not NULL). Thread-safe.
 *
 * # Safety
 * `config_json` is NULL or points to `config_len` readable bytes; `redactor_out` is NULL or
 * points to writable storage for a pointer.
 */
enum genie_status genie_redactor_new(const char *config_json,
                                     size_t config_len,
                                     struct genie_redactor **redactor_out);

/**
 * Makes a redactor from the JSON configuration file at `path` (a NUL-terminated file system
 * path; relative paths are relative to the process's working directory).
 *
 * A file that cannot be read or is not a valid configuration gives
 * GENIE_STATUS_INVALID_CONFIG; the message starts with the path and names the bad value's
 * path in the document. `path` and `redactor_out` must not be NULL. The file is read once,
 * now. On success `*redactor_out` is a new redactor that the caller owns and must free with
 * `genie_redactor_free`; on failure it is set to NULL (when `redactor_out` itself is not
 * NULL). Thread-safe.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string; `redactor_out` is NULL or writable.
 */
enum genie_status genie_redactor_new_from_path(const char *path,
                                               struct genie_redactor **redactor_out);

/**
 * Finds the PII in the `len` bytes of UTF-8 text at `text` without changing anything.
 *
 * `*result_out` receives a result whose findings (sorted by start, non-overlapping, byte
 * offsets into `text`) have no operator; it has no text (`genie_redaction_text` gives an
 * absent string), an empty mapping and no counts. Everything else is as
 * `genie_redactor_redact`.
 *
 * # Safety
 * As `genie_redactor_redact`.
 */
enum genie_status genie_redactor_find(const struct genie_redactor *redactor,
                                      const uint8_t *text,
                                      size_t len,
                                      struct genie_redaction **result_out);

/**
 * Redacts the `len` bytes of UTF-8 text at `text` (`text` may be NULL when `len` is 0; the
 * text may contain NUL bytes and need not be NUL-terminated).
 *
 * On success `*result_out` is a new result that the caller owns and must free with
 * `genie_redaction_free`: the redacted text (`genie_redaction_text`), the findings with byte
 * offsets into `text` and the operator applied (`genie_redaction_finding`), the placeholder
 * mapping for `genie_redactor_restore` (`genie_redaction_mapping`) and the count per type
 * (`genie_redaction_counts_entry`). The input is copied where needed, not kept.
 *
 * Fails closed: on any failure `*result_out` is set to NULL (when `result_out` is not NULL)
 * and no text, partial or whole, is returned. Text that is not UTF-8 gives
 * GENIE_STATUS_INVALID_UTF8 naming the byte offset of the first bad byte; an internal failure
 * gives GENIE_STATUS_REDACTION_FAILED (or GENIE_STATUS_INTERNAL). `redactor` and `result_out`
 * must not be NULL. Thread-safe: many threads may redact with one redactor at once.
 *
 * # Safety
 * `redactor` is NULL or a live redactor; `text` is NULL or points to `len` readable bytes
 * that do not change during the call; `result_out` is NULL or writable.
 */
enum genie_status genie_redactor_redact(const struct genie_redactor *redactor,
                                        const uint8_t *text,
                                        size_t len,
                                        struct genie_redaction **result_out);

/**
 * Puts original values back into the `len` bytes of UTF-8 text at `text` (typically the
 * model's answer to a prompt redacted with placeholders): every placeholder of `mapping`
 * (`[EMAIL_1]`, ...) in the text becomes its value; everything else, including placeholders
 * the mapping does not hold and other operators' output, stays as it is.
 *
 * `mapping` is either borrowed from a result (`genie_redaction_mapping`) or one you built or
 * copied (`genie_mapping_new` + `genie_mapping_insert`, `genie_mapping_clone`): a server that
 * keeps the mapping elsewhere between the request and the answer rebuilds it from its
 * placeholder/value pairs.
 *
 * On success `*restored_out` is a new `genie_string` that the caller owns and must free with
 * `genie_string_free`. On failure it is set to NULL (when `restored_out` is not NULL): text
 * that is not UTF-8 gives GENIE_STATUS_INVALID_UTF8 with the offset of the first bad byte.
 * `redactor`, `mapping` and `restored_out` must not be NULL. Thread-safe for the redactor;
 * the mapping must not be changed (`genie_mapping_insert`) during the call.
 *
 * # Safety
 * `redactor` is NULL or a live redactor; `text` is NULL or points to `len` readable bytes;
 * `mapping` is NULL or a live mapping; `restored_out` is NULL or writable.
 */
enum genie_status genie_redactor_restore(const struct genie_redactor *redactor,
                                         const uint8_t *text,
                                         size_t len,
                                         const struct genie_mapping *mapping,
                                         struct genie_string **restored_out);

/**
 * Frees a redactor. NULL is accepted and does nothing. Stream redactors made from it stay
 * valid (they hold their own reference to the configuration), and so do results. Do not use
 * the pointer afterwards, and do not free it while another thread is still using it.
 *
 * # Safety
 * `redactor` is NULL or a live redactor, not used again afterwards by any thread.
 */
void genie_redactor_free(struct genie_redactor *redactor);

/**
 * Writes the redacted text of `result` to `*text_out`; an absent string (ptr NULL) for a
 * result of `genie_redactor_find` or a stream snapshot, which have none.
 *
 * The string borrows from `result` and is valid until `genie_redaction_free(result)`. Both
 * pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*text_out` is then untouched).
 * Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; `text_out` is NULL or points to a writable `genie_str`.
 */
enum genie_status genie_redaction_text(const struct genie_redaction *result,
                                       struct genie_str *text_out);

/**
 * Writes how many findings `result` holds to `*len_out` (the valid indexes of
 * `genie_redaction_finding` are 0 to len - 1). Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; `len_out` is NULL or writable.
 */
enum genie_status genie_redaction_findings_len(const struct genie_redaction *result,
                                               size_t *len_out);

/**
 * Fills the caller-owned `*finding_out` with finding number `index` (in text order).
 *
 * Its strings borrow from `result` (or are static) and are valid until
 * `genie_redaction_free(result)`. An `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT;
 * NULL pointers give GENIE_STATUS_NULL_ARGUMENT; `*finding_out` is untouched on failure.
 * Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; `finding_out` is NULL or points to writable storage for
 * a `genie_finding`.
 */
enum genie_status genie_redaction_finding(const struct genie_redaction *result,
                                          size_t index,
                                          struct genie_finding *finding_out);

/**
 * Writes to `*mapping_out` the placeholder mapping of `result` (placeholder → original value;
 * empty unless the "placeholder" operator ran), to pass to `genie_redactor_restore` or read
 * with `genie_mapping_len` / `genie_mapping_entry`.
 *
 * The mapping is BORROWED: it belongs to `result`, is valid until
 * `genie_redaction_free(result)`, and must not be freed or changed. To keep it longer than the
 * result, copy it with `genie_mapping_clone`. Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT; `*mapping_out` is then untouched). Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; `mapping_out` is NULL or writable.
 */
enum genie_status genie_redaction_mapping(const struct genie_redaction *result,
                                          const struct genie_mapping **mapping_out);

/**
 * Writes to `*len_out` how many entity types `result` counted (types with no finding are not
 * listed; the valid indexes of `genie_redaction_counts_entry` are 0 to len - 1). Both pointers must
 * not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; `len_out` is NULL or writable.
 */
enum genie_status genie_redaction_counts_len(const struct genie_redaction *result, size_t *len_out);

/**
 * Writes count number `index` of `result` (counts are in type-name order): the entity type
 * to `*type_out` and how many values of it were found to `*count_out`. Counts carry no
 * values, so they are safe to record for audit and telemetry.
 *
 * The type string borrows from `result` and is valid until `genie_redaction_free(result)`.
 * An `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
 * GENIE_STATUS_NULL_ARGUMENT; nothing is written on failure. Thread-safe.
 *
 * # Safety
 * `result` is NULL or a live result; the outputs are NULL or writable.
 */
enum genie_status genie_redaction_counts_entry(const struct genie_redaction *result,
                                               size_t index,
                                               struct genie_str *type_out,
                                               uint64_t *count_out);

/**
 * Frees a result: its text, findings, counts and mapping (a mapping borrowed with
 * `genie_redaction_mapping` becomes invalid; a clone does not). NULL is accepted and does
 * nothing. Do not use the pointer afterwards, and do not free it while another thread reads it.
 *
 * # Safety
 * `result` is NULL or a live result from genie, not used again afterwards.
 */
void genie_redaction_free(struct genie_redaction *result);

/**
 * Makes an empty mapping, to fill with `genie_mapping_insert` (typically from pairs you
 * stored after `genie_redactor_redact`, to restore an answer that arrives later).
 *
 * On success `*mapping_out` is a new mapping that the caller owns and must free with
 * `genie_mapping_free`. `mapping_out` must not be NULL (GENIE_STATUS_NULL_ARGUMENT).
 * Thread-safe.
 *
 * # Safety
 * `mapping_out` is NULL or points to writable storage for a pointer.
 */
enum genie_status genie_mapping_new(struct genie_mapping **mapping_out);

/**
 * Adds the pair `placeholder` (the `placeholder_len` bytes at `placeholder`, such as
 * `[EMAIL_1]`) → `value` (the `value_len` bytes at `value`) to a mapping you own, replacing
 * the value of a placeholder it already holds. Both are UTF-8 text, copied, not kept, and need
 * not be NUL-terminated. Restore finds only placeholders of the form genie makes
 * (`[TYPE_n]`), so store and re-insert them exactly as `genie_mapping_entry` gave them.
 *
 * Errors (the mapping is then unchanged): GENIE_STATUS_NULL_ARGUMENT for a NULL `mapping`
 * or a NULL buffer with a non-zero length; GENIE_STATUS_INVALID_UTF8 (with the offset of the
 * first bad byte) for bytes that are not UTF-8; GENIE_STATUS_INVALID_ARGUMENT for an empty
 * placeholder. Views from `genie_mapping_entry` become invalid. Never call it on a mapping
 * borrowed from a result, nor while another thread uses the mapping.
 *
 * # Safety
 * `mapping` is NULL or a live mapping you own that no other thread is using; `placeholder`
 * and `value` are NULL or point to their lengths in readable bytes.
 */
enum genie_status genie_mapping_insert(struct genie_mapping *mapping,
                                       const uint8_t *placeholder,
                                       size_t placeholder_len,
                                       const uint8_t *value,
                                       size_t value_len);

/**
 * Writes how many placeholders `mapping` holds to `*len_out` (the valid indexes of
 * `genie_mapping_entry` are 0 to len - 1). Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT). Thread-safe with other reads.
 *
 * # Safety
 * `mapping` is NULL or a live mapping; `len_out` is NULL or writable.
 */
enum genie_status genie_mapping_len(const struct genie_mapping *mapping, size_t *len_out);

/**
 * Writes entry number `index` of `mapping` (entries are sorted by the placeholders' bytes,
 * so `[EMAIL_10]` comes before `[EMAIL_2]`): the
 * placeholder to `*placeholder_out` and the original value to `*value_out`. Store both
 * exactly as given to rebuild the mapping later with `genie_mapping_insert`.
 *
 * The strings borrow from the mapping and are valid until it is changed or freed (for a
 * borrowed mapping: until its result is freed). An `index` past the end gives
 * GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give GENIE_STATUS_NULL_ARGUMENT; nothing is
 * written on failure. Thread-safe with other reads.
 *
 * # Safety
 * `mapping` is NULL or a live mapping; the outputs are NULL or point to writable `genie_str`s.
 */
enum genie_status genie_mapping_entry(const struct genie_mapping *mapping,
                                      size_t index,
                                      struct genie_str *placeholder_out,
                                      struct genie_str *value_out);

/**
 * Copies `mapping` (borrowed or owned) into a new mapping that the caller owns and must free
 * with `genie_mapping_free`: how to keep a result's mapping after freeing the result, or to
 * add pairs to it.
 *
 * On failure `*clone_out` is set to NULL (when `clone_out` is not NULL); both pointers must
 * not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe with other reads.
 *
 * # Safety
 * `mapping` is NULL or a live mapping; `clone_out` is NULL or writable.
 */
enum genie_status genie_mapping_clone(const struct genie_mapping *mapping,
                                      struct genie_mapping **clone_out);

/**
 * Frees a mapping you own (from `genie_mapping_new` or `genie_mapping_clone`); strings
 * borrowed from it become invalid. NULL is accepted and does nothing. Never pass a mapping
 * borrowed from a result (`genie_redaction_mapping`): the result frees it. Do not use the
 * pointer afterwards.
 *
 * # Safety
 * `mapping` is NULL or a live mapping you own, not used again afterwards by any thread.
 */
void genie_mapping_free(struct genie_mapping *mapping);

/**
 * Makes a stream restorer for the placeholders of `mapping`, which it copies: `mapping` (and
 * the result it may be borrowed from) may be freed or changed afterwards.
 *
 * On success `*restorer_out` is a new stream restorer that the caller owns and must free with
 * `genie_stream_restorer_free`; on failure it is set to NULL (when `restorer_out` itself is
 * not NULL). Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe for the
 * mapping, which must not be changed (`genie_mapping_insert`) during the call.
 *
 * # Safety
 * `mapping` is NULL or a live mapping; `restorer_out` is NULL or writable.
 */
enum genie_status genie_stream_restorer_new(const struct genie_mapping *mapping,
                                            struct genie_stream_restorer **restorer_out);

/**
 * Takes the next `len` bytes of the answer at `data` (any size, cut anywhere, even inside a
 * multi-byte UTF-8 character) and writes the restored text that can be released now to
 * `*text_out`, as a new `genie_string` the caller owns and must free with
 * `genie_string_free`. It may be empty while a placeholder may still be arriving. Send each
 * piece on in order and call `genie_stream_restorer_flush` at the end.
 *
 * On failure `*text_out` is set to NULL (when `text_out` is not NULL) and nothing of this
 * chunk is taken: bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8 naming the offset of
 * the first bad byte in the chunk and in the stream, and the stream is unchanged. `data` may
 * be NULL only when `len` is 0. Not thread-safe.
 *
 * # Safety
 * `restorer` is NULL or a live stream restorer; `data` is NULL or points to `len` readable
 * bytes; `text_out` is NULL or writable.
 */
enum genie_status genie_stream_restorer_push(struct genie_stream_restorer *restorer,
                                             const uint8_t *data,
                                             size_t len,
                                             struct genie_string **text_out);

/**
 * Ends the answer and writes the rest of the restored text to `*text_out`, as a new
 * `genie_string` the caller owns and must free with `genie_string_free`. The restorer is then
 * empty and may restore another answer with the same mapping.
 *
 * If the answer ended inside a multi-byte character, gives GENIE_STATUS_INVALID_UTF8 naming
 * the stream offset where it began, `*text_out` is set to NULL and the stream is unchanged.
 * Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
 *
 * # Safety
 * `restorer` is NULL or a live stream restorer; `text_out` is NULL or writable.
 */
enum genie_status genie_stream_restorer_flush(struct genie_stream_restorer *restorer,
                                              struct genie_string **text_out);

/**
 * Frees a stream restorer and the text it holds back (discarded, unreleased). NULL is
 * accepted and does nothing. Strings it handed out stay valid. Do not use the pointer
 * afterwards. Not thread-safe.
 *
 * # Safety
 * `restorer` is NULL or a live stream restorer, not used again afterwards.
 */
void genie_stream_restorer_free(struct genie_stream_restorer *restorer);

/**
 * Makes a stream redactor with `redactor`'s configuration. The stream keeps its own
 * reference to the configuration: `redactor` may be freed before the stream.
 *
 * On success `*stream_out` is a new stream redactor that the caller owns and must free with
 * `genie_stream_redactor_free`; on failure it is set to NULL (when `stream_out` itself is not
 * NULL). Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe for the
 * redactor: many threads may start streams from one redactor at once.
 *
 * # Safety
 * `redactor` is NULL or a live redactor; `stream_out` is NULL or writable.
 */
enum genie_status genie_stream_redactor_new(const struct genie_redactor *redactor,
                                            struct genie_stream_redactor **stream_out);

/**
 * Takes the next `len` bytes of the streamed text at `data` (any size, cut anywhere, even
 * inside a multi-byte UTF-8 character: genie keeps the first bytes of a split character until
 * the next chunk completes it) and writes the redacted text that can be released now to
 * `*text_out`, as a new `genie_string` the caller owns and must free with
 * `genie_string_free`. It is often empty: text near the end of what has arrived is held
 * back (a few hundred bytes, at most 16 KiB) until it is known not to be the start of a value.
 * Send each piece on in order and call `genie_stream_redactor_flush` at the end.
 *
 * Fails closed: on failure `*text_out` is set to NULL (when `text_out` is not NULL) and
 * nothing of this chunk is released. Bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8
 * naming the offset of the first bad byte in the chunk and in the stream; the chunk is then
 * rejected as a whole and the stream is unchanged (push corrected bytes or give up). An
 * internal failure gives GENIE_STATUS_REDACTION_FAILED and the stream refuses every later
 * chunk: free it. `data` may be NULL only when `len` is 0. Not thread-safe.
 *
 * # Safety
 * `stream` is NULL or a live stream redactor; `data` is NULL or points to `len` readable
 * bytes; `text_out` is NULL or writable.
 */
enum genie_status genie_stream_redactor_push(struct genie_stream_redactor *stream,
                                             const uint8_t *data,
                                             size_t len,
                                             struct genie_string **text_out);

/**
 * Ends the stream and writes the rest of the redacted text to `*text_out`, as a new
 * `genie_string` the caller owns and must free with `genie_string_free`. Make a new stream
 * redactor for the next text.
 *
 * Fails closed as `genie_stream_redactor_push` does (`*text_out` NULL, nothing released).
 * If the stream ended inside a multi-byte character, gives GENIE_STATUS_INVALID_UTF8 naming
 * the stream offset where it began, and the stream is unchanged. Both pointers must not be
 * NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
 *
 * # Safety
 * `stream` is NULL or a live stream redactor; `text_out` is NULL or writable.
 */
enum genie_status genie_stream_redactor_flush(struct genie_stream_redactor *stream,
                                              struct genie_string **text_out);

/**
 * Writes to `*result_out` a snapshot of what the stream found so far, as a new result the
 * caller owns and must free with `genie_redaction_free`: the findings (byte offsets into the
 * whole stream's input, operators applied), the placeholder mapping (one numbering for the
 * whole stream) and the counts; it has no text (`genie_redaction_text` gives an absent
 * string). The snapshot is a copy: it stays valid after more pushes and after the stream is
 * freed. Take it after `genie_stream_redactor_flush` for the whole stream.
 *
 * On failure `*result_out` is set to NULL (when `result_out` is not NULL); both pointers
 * must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
 *
 * # Safety
 * `stream` is NULL or a live stream redactor; `result_out` is NULL or writable.
 */
enum genie_status genie_stream_redactor_snapshot(const struct genie_stream_redactor *stream,
                                                 struct genie_redaction **result_out);

/**
 * Frees a stream redactor and everything it holds (text held back and never flushed is
 * discarded, unreleased). NULL is accepted and does nothing. Results and strings it handed
 * out stay valid. Do not use the pointer afterwards. Not thread-safe.
 *
 * # Safety
 * `stream` is NULL or a live stream redactor, not used again afterwards.
 */
void genie_stream_redactor_free(struct genie_stream_redactor *stream);

/**
 * Makes a client from a JSON configuration document (the document genie's Python and Node
 * libraries accept; see notes/client-api.md and the README): the `config_len` bytes at
 * `config_json`, which need not be NUL-terminated. `config_json` NULL or `config_len` 0 means
 * the defaults (the runbook's: Gemini with `GEMINI_API_KEY`, gemini-2.5-flash by default,
 * flash-lite as the downgrade).
 *
 * An invalid document gives GENIE_STATUS_INVALID_CONFIG with a message naming the path of
 * the bad value and the reason (`timeouts.stall_gap_ms: must be > 0`); bytes that are not
 * UTF-8 give GENIE_STATUS_INVALID_UTF8; a NULL `config_json` with a non-zero length gives
 * GENIE_STATUS_NULL_ARGUMENT. API keys are read now, once, from the environment variables the
 * document names (`api_key_env`): a variable that is not set is GENIE_STATUS_INVALID_CONFIG
 * naming it. Keys never appear in any message, event or summary. The first client made in
 * the process starts genie's runtime: a `GENIE_WORKER_THREADS` that is not a whole number
 * from 1 to 256 gives GENIE_STATUS_INVALID_CONFIG naming it.
 *
 * The document is read, not kept. On success `*client_out` is a new client that the caller
 * owns and must free with `genie_client_free`; on failure it is set to NULL (when
 * `client_out` itself is not NULL). Thread-safe.
 *
 * # Safety
 * `config_json` is NULL or points to `config_len` readable bytes; `client_out` is NULL or
 * points to writable storage for a pointer.
 */
enum genie_status genie_client_new(const char *config_json,
                                   size_t config_len,
                                   struct genie_client **client_out);

/**
 * Makes a client from the JSON configuration file at `path` (a NUL-terminated file system
 * path; relative paths are relative to the process's working directory).
 *
 * A file that cannot be read or is not a valid configuration gives
 * GENIE_STATUS_INVALID_CONFIG; the message starts with the path and names the bad value's
 * path in the document. Everything else is as `genie_client_new`. `path` and `client_out`
 * must not be NULL. The file is read once, now. On success `*client_out` is a new client
 * that the caller owns and must free with `genie_client_free`; on failure it is set to NULL
 * (when `client_out` itself is not NULL). Thread-safe.
 *
 * # Safety
 * `path` is NULL or a NUL-terminated string; `client_out` is NULL or writable.
 */
enum genie_status genie_client_new_from_path(const char *path, struct genie_client **client_out);

/**
 * Starts a call: the `request_len` bytes at `request_json` are a JSON request (`model`,
 * optional `fallbacks`, `system`, `messages` with text and image parts, `max_output_tokens`,
 * `temperature`, `stop`, `extra`; see notes/client-api.md), need not be NUL-terminated, and
 * are read now, not kept.
 *
 * On success `*stream_out` is a new stream that the caller owns and must free with
 * `genie_stream_free`; read its events with `genie_stream_next`. Nothing is sent until the
 * first `genie_stream_next`: the call makes progress only while a thread is inside
 * `genie_stream_next` on it. A request that is not valid JSON or not a valid request gives
 * GENIE_STATUS_INVALID_ARGUMENT naming the bad value's path (`messages[0].role: unknown
 * variant ...`); bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8. A request the
 * client cannot route (an unknown model) is refused by the stream's first
 * `genie_stream_next`. On failure `*stream_out` is set to NULL (when `stream_out` is not
 * NULL). `client`, `request_json` and `stream_out` must not be NULL.
 *
 * Thread-safe for the client (many threads may start calls on one client at once). The
 * stream holds its own reference to the client's configuration and connection pool: it
 * stays valid after `genie_client_free`.
 *
 * # Safety
 * `client` is NULL or a live client; `request_json` is NULL or points to `request_len`
 * readable bytes; `stream_out` is NULL or writable.
 */
enum genie_status genie_client_stream(const struct genie_client *client,
                                      const char *request_json,
                                      size_t request_len,
                                      struct genie_stream **stream_out);

/**
 * Runs a call to its end and hands back its summary: the same retries, reconnects,
 * fall-backs and fail-overs as a stream, with the whole answer in `genie_call_summary_text`.
 * The request is as for `genie_client_stream`.
 *
 * Blocks the calling thread until the call ends, at most about the configuration's
 * `timeouts.total_ms`; it cannot be cancelled (use `genie_client_stream` and
 * `genie_stream_cancel` for that). On success `*summary_out` is a new summary that the caller
 * owns and must free with `genie_call_summary_free`. A call that cannot be served returns its
 * error status (GENIE_STATUS_RATE_LIMITED, GENIE_STATUS_PAYMENT_REQUIRED,
 * GENIE_STATUS_STREAM_INCOMPLETE, ...) with `genie_last_error_message` saying what happened,
 * and sets `*summary_out` to NULL; the attempt list of a failed call is available from the
 * stream API (`genie_stream_error`, `genie_stream_attempt`). A truncated answer is never
 * returned as a summary. `client`, `request_json` and `summary_out` must not be NULL.
 *
 * Thread-safe for the client: many threads may run calls on one client at once. Must not be
 * called from a thread that runs a tokio runtime (GENIE_STATUS_INVALID_ARGUMENT).
 *
 * # Safety
 * `client` is NULL or a live client; `request_json` is NULL or points to `request_len`
 * readable bytes; `summary_out` is NULL or writable.
 */
enum genie_status genie_client_complete(const struct genie_client *client,
                                        const char *request_json,
                                        size_t request_len,
                                        struct genie_call_summary **summary_out);

/**
 * Frees a client. NULL is accepted and does nothing. Streams and summaries made with it
 * stay valid (a running stream keeps the connection pool and breakers alive until it is
 * freed). Do not use the pointer afterwards, and do not free it while another thread is
 * still calling a function on it.
 *
 * # Safety
 * `client` is NULL or a live client, not used again afterwards by any thread.
 */
void genie_client_free(struct genie_client *client);

/**
 * Waits up to `timeout_ms` milliseconds for the call's next event and fills the caller-owned
 * `*event_out` with it.
 *
 * Returns:
 * - GENIE_STATUS_OK: `*event_out` holds the next event (see `genie_call_event` for its
 *   fields and how long its strings stay valid);
 * - GENIE_STATUS_WOULD_BLOCK (not an error): no event within `timeout_ms`; call again. A
 *   `timeout_ms` of 0 never waits: it lets the call make what progress it can and returns.
 *   GENIE_STREAM_WAIT_FOREVER waits until the next event, bounded by the call's own deadline;
 * - GENIE_STATUS_STREAM_END (not an error): DONE was returned earlier; nothing follows;
 * - GENIE_STATUS_CANCELLED: `genie_stream_cancel` was called (from any thread, also while
 *   this function was waiting: it returns promptly); the HTTP request has been aborted;
 * - another error: the call cannot be served (GENIE_STATUS_RATE_LIMITED,
 *   GENIE_STATUS_PAYMENT_REQUIRED, GENIE_STATUS_STREAM_STALLED, GENIE_STATUS_NO_ROUTE, an
 *   unknown model's GENIE_STATUS_INVALID_ARGUMENT, ...). `genie_last_error_message` says what
 *   happened; `genie_stream_error` and `genie_stream_attempt` give the details and every
 *   attempt made. A truncated answer always ends this way, never with DONE.
 *
 * Once a stream has ended, every later call returns the same STREAM_END or error again.
 * `*event_out` is written only with GENIE_STATUS_OK. The previous event's strings (except a
 * DONE event's) become invalid as soon as this function is called.
 *
 * The call makes progress only while a thread is inside this function: the network reads,
 * retries and reconnects happen on the calling thread (driven by genie's runtime), and
 * bytes that arrive in between wait in the socket. Call it again promptly.
 *
 * `stream` and `event_out` must not be NULL. One thread at a time (except
 * `genie_stream_cancel`, from any thread). Must not be called from a thread that runs a
 * tokio runtime (GENIE_STATUS_INVALID_ARGUMENT).
 *
 * # Safety
 * `stream` is NULL or a live stream; `event_out` is NULL or points to writable storage for a
 * `genie_call_event`.
 */
enum genie_status genie_stream_next(struct genie_stream *stream,
                                    uint32_t timeout_ms,
                                    struct genie_call_event *event_out);

/**
 * Cancels the call: a `genie_stream_next` waiting on it in another thread returns
 * GENIE_STATUS_CANCELLED promptly, and so does every later one; the HTTP request is aborted
 * (its connection closed) at once, whether or not a thread is waiting. Cancelling a stream
 * that already ended (DONE or an error) changes nothing; cancelling twice is harmless.
 *
 * Returns GENIE_STATUS_OK, or GENIE_STATUS_NULL_ARGUMENT for a NULL `stream`. Thread-safe:
 * callable from any thread at any time while the stream is alive (not after or during
 * `genie_stream_free`). It never blocks for long: it does not wait for the thread in
 * `genie_stream_next`.
 *
 * # Safety
 * `stream` is NULL or a live stream.
 */
enum genie_status genie_stream_cancel(struct genie_stream *stream);

/**
 * Fills the caller-owned `*error_out` with why the call failed: the status
 * `genie_stream_next` returned for it, the message, and the provider's HTTP status, error
 * code and requested wait when known. A stream that has not failed (still running, or
 * served) gives `status` GENIE_STATUS_OK with every other field absent.
 *
 * The strings borrow from the stream and are valid until `genie_stream_free`. Both pointers
 * must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*error_out` is then untouched). One thread
 * at a time, like `genie_stream_next`.
 *
 * # Safety
 * `stream` is NULL or a live stream; `error_out` is NULL or points to writable storage for a
 * `genie_call_error`.
 */
enum genie_status genie_stream_error(const struct genie_stream *stream,
                                     struct genie_call_error *error_out);

/**
 * Writes to `*len_out` how many attempts the call made, once it has ended: those of the
 * failure after an error (possibly 0: a request refused before any attempt, a cancelled
 * call), those of the summary after DONE; 0 while it runs. The valid indexes of
 * `genie_stream_attempt` are 0 to len - 1. Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT). One thread at a time, like `genie_stream_next`.
 *
 * # Safety
 * `stream` is NULL or a live stream; `len_out` is NULL or writable.
 */
enum genie_status genie_stream_attempts_len(const struct genie_stream *stream, size_t *len_out);

/**
 * Fills the caller-owned `*attempt_out` with attempt number `index` (in the order they were
 * made, the answering one last) of a call that ended; see `genie_stream_attempts_len`.
 *
 * Its strings borrow from the stream and are valid until `genie_stream_free`. An `index`
 * past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
 * GENIE_STATUS_NULL_ARGUMENT; `*attempt_out` is untouched on failure. One thread at a time,
 * like `genie_stream_next`.
 *
 * # Safety
 * `stream` is NULL or a live stream; `attempt_out` is NULL or points to writable storage for
 * a `genie_attempt`.
 */
enum genie_status genie_stream_attempt(const struct genie_stream *stream,
                                       size_t index,
                                       struct genie_attempt *attempt_out);

/**
 * Frees a stream: a call still running is cancelled and its HTTP request aborted; the
 * events, summary, error and attempts borrowed from it become invalid. NULL is accepted and
 * does nothing. Do not use the pointer afterwards, and do not free it while another thread
 * is still using it (in `genie_stream_next`, `genie_stream_cancel` or any other function):
 * to stop a stream another thread is reading, call `genie_stream_cancel`, let that thread
 * return from `genie_stream_next`, then free it.
 *
 * # Safety
 * `stream` is NULL or a live stream from genie that no other thread uses, not used again
 * afterwards.
 */
void genie_stream_free(struct genie_stream *stream);

/**
 * Writes to `*model_out` the catalogue name of the model that answered and to
 * `*provider_out` its provider's name in the configuration.
 *
 * The strings borrow from `summary` (valid as long as it is). No pointer may be NULL
 * (GENIE_STATUS_NULL_ARGUMENT; nothing is then written). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; the outputs are NULL or point to writable
 * `genie_str`s.
 */
enum genie_status genie_call_summary_model(const struct genie_call_summary *summary,
                                           struct genie_str *model_out,
                                           struct genie_str *provider_out);

/**
 * Writes to `*text_out` the whole answer (UTF-8, NOT NUL-terminated; what remains after the
 * last reset: exactly what a stream's reader has shown).
 *
 * The string borrows from `summary` (valid as long as it is). Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT; `*text_out` is then untouched). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `text_out` is NULL or points to a writable
 * `genie_str`.
 */
enum genie_status genie_call_summary_text(const struct genie_call_summary *summary,
                                          struct genie_str *text_out);

/**
 * Writes to `*usage_out` the answering attempt's usage (failed attempts are not billed to
 * it; -1 for counts the provider did not report). Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `usage_out` is NULL or points to a writable
 * `genie_usage`.
 */
enum genie_status genie_call_summary_usage(const struct genie_call_summary *summary,
                                           struct genie_usage *usage_out);

/**
 * Writes to `*finish_reason_out` why the model stopped, normalised ("stop", "length",
 * "tool_calls", "content_filter", "error", "other"), and to `*raw_finish_reason_out` the
 * provider's own value; each absent (ptr NULL) when the provider sent none.
 *
 * The strings borrow from `summary` (or are static). No pointer may be NULL
 * (GENIE_STATUS_NULL_ARGUMENT; nothing is then written). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; the outputs are NULL or point to writable
 * `genie_str`s.
 */
enum genie_status genie_call_summary_finish_reason(const struct genie_call_summary *summary,
                                                   struct genie_str *finish_reason_out,
                                                   struct genie_str *raw_finish_reason_out);

/**
 * Writes to `*complete_out` whether the answer is whole: always true, since a truncated
 * answer never becomes a summary (the call fails instead). Both pointers must not be NULL
 * (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `complete_out` is NULL or writable.
 */
enum genie_status genie_call_summary_complete(const struct genie_call_summary *summary,
                                              bool *complete_out);

/**
 * Fills the caller-owned `*timings_out` with the call's time to first byte, time to first
 * token, total time and throughput (see `genie_call_timings`). Both pointers must not be
 * NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `timings_out` is NULL or points to a writable
 * `genie_call_timings`.
 */
enum genie_status genie_call_summary_timings(const struct genie_call_summary *summary,
                                             struct genie_call_timings *timings_out);

/**
 * Writes to `*count_out` how many events were skipped as malformed across the call's
 * attempts (a `strict` configuration fails the attempt instead). Both pointers must not be
 * NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `count_out` is NULL or writable.
 */
enum genie_status genie_call_summary_malformed_events(const struct genie_call_summary *summary,
                                                      uint64_t *count_out);

/**
 * Writes to `*len_out` how many attempts the call made (at least 1: the answering one is
 * last). The valid indexes of `genie_call_summary_attempt` are 0 to len - 1. Both pointers
 * must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `len_out` is NULL or writable.
 */
enum genie_status genie_call_summary_attempts_len(const struct genie_call_summary *summary,
                                                  size_t *len_out);

/**
 * Fills the caller-owned `*attempt_out` with attempt number `index`, in the order they were
 * made (the answering one last).
 *
 * Its strings borrow from `summary` (or are static) and are valid as long as it is. An
 * `index` past the end gives GENIE_STATUS_INVALID_ARGUMENT; NULL pointers give
 * GENIE_STATUS_NULL_ARGUMENT; `*attempt_out` is untouched on failure. Thread-safe.
 *
 * # Safety
 * `summary` is NULL or a live summary; `attempt_out` is NULL or points to writable storage
 * for a `genie_attempt`.
 */
enum genie_status genie_call_summary_attempt(const struct genie_call_summary *summary,
                                             size_t index,
                                             struct genie_attempt *attempt_out);

/**
 * Frees a summary from `genie_client_complete`. NULL is accepted and does nothing. Never
 * pass the summary of a DONE event: it belongs to its stream (`genie_stream_free` frees it).
 * Do not use the pointer afterwards, and do not free it while another thread reads it.
 *
 * # Safety
 * `summary` is NULL or an owned summary from `genie_client_complete`, not used again
 * afterwards.
 */
void genie_call_summary_free(struct genie_call_summary *summary);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* GENIE_H */
