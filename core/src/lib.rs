//! genie-core: the one core behind genie's C, Python and Node libraries.
//!
//! genie gives an LLM app server the operational guardrails of a production AI product
//! in-process. This crate holds all of its behaviour; the bindings only translate types, errors
//! and async glue (DESIGN.md §1). Modules, each owning one concern:
//!
//! - [`error`]: the single error table every language renders;
//! - [`sse`]: the WHATWG event-stream parser (sans-IO);
//! - [`provider`]: provider wire formats, decoded into one [`provider::StreamEvent`] vocabulary;
//! - [`redact`]: PII detection and redaction (validators, allowlists, operators, placeholders,
//!   streaming output redaction), failing closed;
//! - [`client`]: the resilient HTTP client (the only module that does IO): retries, reconnects,
//!   non-stream fallback, fail-over and circuit breaking, in bounded time;
//! - `byte_scan` (private): the 64-bytes-at-a-time search for two byte values the redaction
//!   scan uses.

#![warn(missing_docs)]

mod byte_scan;
pub mod client;
pub mod error;
pub mod provider;
pub mod redact;
pub mod sse;

pub use error::{Error, ErrorDetails, ErrorKind, Result};

/// genie's version, the same in every binding.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
