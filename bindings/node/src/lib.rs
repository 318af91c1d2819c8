//! genie's Node addon (`require('genie-core')`): the core's SSE parser, provider stream
//! decoders, PII redactor, resilient LLM client and error table for JavaScript, built with
//! napi-rs.
//!
//! Like every binding it only translates (DESIGN.md §1): JS arguments are checked and turned
//! into core types ([`args`], [`config`], [`client_config`], [`text`], [`abort`]), core
//! results into plain JS objects ([`sse`], [`provider`], [`redact`], [`restorer`], [`results`],
//! [`call_values`]), core errors into JS `Error`s with `code` and `status` ([`errors`]);
//! [`objects`] makes the result objects fast. The client's calls run on genie's runtime and
//! reach JavaScript through promises ([`client`], [`call_stream`], [`promise`]). Names are the
//! camelCase of the core's; `index.js` and `index.d.ts` are generated from these sources by
//! `napi build` and committed.

mod abort;
mod args;
mod call_stream;
mod call_values;
mod client;
mod client_config;
mod config;
mod errors;
mod objects;
mod promise;
mod provider;
mod redact;
mod restorer;
mod results;
mod sse;
mod text;

use napi_derive::napi;

// Everything JS sees is registered by napi at load time; re-exporting it from the crate root
// also keeps it alive in builds without that registration (the Rust test harness).
pub use abort::CallOptions;
pub use call_stream::CallStream;
pub use call_values::{Attempt, AttemptMode, CallEvent, CallSummary, NoticeKind};
pub use client::Client;
pub use client_config::{
    BreakerPolicy, CallRequest, ClientConfig, Message, MessagePart, ModelConfig, ProviderConfig,
    ProviderTimeouts, ReconnectPolicy, RetryPolicy, Timeouts,
};
pub use config::{
    AllowRules, AllowlistConfig, CustomPattern, OperatorConfig, Profile, RedactorConfig,
};
pub use errors::{error_table, ErrorTableEntry};
pub use provider::{
    ErrorClass, FinishReason, ProviderError, StreamDecoder, StreamEvent, StreamSummary, Usage,
};
pub use redact::{Finding, Operator, RedactTask, Redacted, Redactor, StreamRedactor};
pub use sse::{SseEvent, SseParser};

/// genie's version, the same in every binding.
#[napi]
pub fn version() -> &'static str {
    genie_core::VERSION
}
