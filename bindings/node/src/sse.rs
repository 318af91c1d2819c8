//! `SseParser`: the core's WHATWG event-stream parser (`genie_core::sse`) for JavaScript.
//!
//! Event objects are made straight from the parser's borrowed views (no Rust `String` per
//! field) while it reads the caller's buffer, which is safe because making them runs no
//! JavaScript (see [`Builder`]); the result array is filled once the parser is done.

use genie_core::sse::{EventRef, Parser};
use napi::bindgen_prelude::{Array, Unknown};
use napi::{sys, Env};
use napi_derive::napi;

use crate::objects::Builder;
use crate::{args, errors};

/// One dispatched server-sent event.
#[napi(object, object_from_js = false, object_to_js = false)]
pub struct SseEvent<'a> {
    /// The event type: the last `event:` field of the event, or `"message"`.
    pub event: &'a str,
    /// The `data:` lines joined with `"\n"`.
    pub data: &'a str,
    /// The last-event-ID in effect when the event was dispatched (`""` if none).
    pub id: &'a str,
}

impl SseEvent<'_> {
    fn to_js(&self, js: &mut Builder<'_>) -> napi::Result<sys::napi_value> {
        let event = js.string(self.event)?;
        let data = js.string(self.data)?;
        let id = js.string(self.id)?;
        js.object(&[("event", event), ("data", data), ("id", id)])
    }
}

/// An incremental, exact WHATWG server-sent-events parser.
///
/// Feed it the bytes of a response body as they arrive, in any chunk sizes; each `feed`
/// returns the events completed by that chunk. It performs no IO. Invalid UTF-8 decodes to
/// U+FFFD; a character split across chunks decodes correctly.
///
/// A line longer than `maxLineBytes` or an event larger than `maxEventBytes` makes `feed`
/// throw an `Error` with `code` `"LIMIT_EXCEEDED"` (`status` 1004) once the whole chunk has been
/// parsed. Nothing else is lost: `err.events` holds the other events of that chunk, the
/// oversized event is dropped, and the parser continues with the next chunk.
#[napi]
pub struct SseParser {
    inner: Parser,
}

#[napi]
impl SseParser {
    /// A parser with the given size limits (defaults: 16 MiB lines, 32 MiB events).
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `options` is not an object, names an
    /// unknown option, or a limit is not a positive integer.
    #[napi(constructor, ts_args_type = "options?: SseParserOptions | null")]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> napi::Result<Self> {
        let options = args::parser_options(env, options)?;
        let inner = Parser::with_options(options).map_err(|e| errors::to_js(env, &e))?;
        Ok(SseParser { inner })
    }

    /// Parses `chunk` and returns the events it completed, in order.
    ///
    /// @throws {Error} `code` `"INVALID_ARGUMENT"` if `chunk` is not a `Buffer` or
    /// `Uint8Array`; `code` `"LIMIT_EXCEEDED"` (with `err.events`) if a line or an event in it
    /// was too large.
    #[napi(
        ts_args_type = "chunk: Buffer | Uint8Array",
        ts_return_type = "Array<SseEvent>"
    )]
    pub fn feed<'env>(
        &mut self,
        env: &'env Env,
        chunk: Unknown<'env>,
    ) -> napi::Result<Array<'env>> {
        let bytes = args::chunk(env, chunk)?;
        let mut js = Builder::new(env);
        let mut objects = Vec::new();
        let mut failure = None;
        let parsed = errors::guard(env, || {
            Ok(self.inner.feed(&bytes.arraybuffer, |event: EventRef<'_>| {
                if failure.is_some() {
                    return;
                }
                let event = SseEvent {
                    event: event.event,
                    data: event.data,
                    id: event.id,
                };
                match event.to_js(&mut js) {
                    Ok(object) => objects.push(object),
                    Err(error) => failure = Some(error),
                }
            }))
        })?;
        if let Some(error) = failure {
            return Err(error);
        }
        let events = js.array(&objects)?;
        match parsed {
            Ok(()) => Ok(events),
            Err(error) => Err(errors::with_events(env, &error, events)),
        }
    }

    /// Ends the current connection's stream: an unfinished event is discarded, as the standard
    /// requires. `lastEventId` and `retryMs` are kept, so the parser is ready for the next
    /// connection of the same event source.
    #[napi]
    pub fn finish(&mut self, env: &Env) -> napi::Result<()> {
        errors::guard(env, || {
            self.inner.finish();
            Ok(())
        })
    }

    /// The last-event-ID: what a reconnect sends as `Last-Event-ID` (when not empty).
    #[napi(getter)]
    pub fn last_event_id(&self) -> String {
        self.inner.last_event_id().to_owned()
    }

    /// The reconnection delay the stream asked for with `retry:`, or `null` if it did not.
    #[napi(getter)]
    pub fn retry_ms(&self) -> Option<f64> {
        // Milliseconds as a JS number: exact up to 2^53 ms, far beyond any real delay.
        self.inner.retry_ms().map(|ms| ms as f64)
    }
}
