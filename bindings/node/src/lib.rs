//! genie's Node addon (`require('genie-core')`): the core's SSE parser, provider stream
//! decoders and error table for JavaScript, built with napi-rs.
//!
//! Like every binding it only translates (DESIGN.md §1): JS arguments are checked and turned
//! into core types ([`args`]), core results into plain JS objects ([`sse`], [`provider`]),
//! core errors into JS `Error`s with `code` and `status` ([`errors`]); [`objects`] makes the
//! result objects fast. Names are the camelCase of the core's; `index.js` and `index.d.ts` are
//! generated from these sources by `napi build` and committed.

mod args;
mod errors;
mod objects;
mod provider;
mod sse;

use napi_derive::napi;

// Everything JS sees is registered by napi at load time; re-exporting it from the crate root
// also keeps it alive in builds without that registration (the Rust test harness).
pub use errors::{error_table, ErrorTableEntry};
pub use provider::{
    ErrorClass, FinishReason, ProviderError, StreamDecoder, StreamEvent, StreamSummary, Usage,
};
pub use sse::{SseEvent, SseParser};

/// genie's version, the same in every binding.
#[napi]
pub fn version() -> &'static str {
    genie_core::VERSION
}
