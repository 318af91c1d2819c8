//! genie's C ABI: `libgenie.so` / `libgenie.a`, described by the generated `include/genie.h`.
//!
//! This crate only translates between C and [`genie_core`]: raw pointers and lengths become
//! slices and references, core errors become a `genie_status` plus a thread-local message,
//! events become borrowed C structs handed to callbacks. It never decides behaviour.
//!
//! Conventions (modelled on rustls-ffi, and spelled out at the top of `genie.h`):
//! `genie_<type>_<verb>` names, receiver first, outputs last as `*_out`, a buffer followed by
//! its `size_t` length; every export goes through `boundary` (panic boundary and NULL
//! checks); every `_free` accepts NULL; each export's doc comment, copied into the header,
//! states ownership, NULL handling, the lifetime of outputs and thread-safety.
//!
//! Modules: `status` (errors), `text` (`genie_str`, `genie_string`), `sse` (the SSE parser),
//! `decoder` (provider stream decoders), `redact` (the PII redactor, its results, placeholder
//! mappings and stream redactor), `client` (the resilient LLM client, its pull-based call
//! streams and summaries), `boundary` (how every export is entered).
//!
//! The exports are `unsafe extern "C"` functions because they trust the caller's pointers;
//! Rust programs should use `genie_core` directly. The `rlib` exists for this crate's tests.

#![allow(non_camel_case_types)]

use std::ffi::{c_char, CString};
use std::sync::OnceLock;

// cbindgen writes functions in the order it meets them, so these are in header order: the
// status functions, the SSE parser, the decoders built on it, the redactor, then the client.
mod status;

mod text;

mod sse;

mod decoder;

mod redact;

mod client;

mod boundary;

pub use client::*;
pub use decoder::*;
pub use redact::*;
pub use sse::*;
pub use status::*;
pub use text::*;

/// genie's version (such as "0.1.0"), the same as its Python and Node libraries report.
///
/// Returns a static NUL-terminated string: never NULL, never to be freed, valid for the life
/// of the process. Thread-safe.
#[no_mangle]
pub extern "C" fn genie_version() -> *const c_char {
    boundary::catch(
        || c"".as_ptr(),
        || {
            static VERSION: OnceLock<CString> = OnceLock::new();
            VERSION
                .get_or_init(|| CString::new(genie_core::VERSION).unwrap_or_default())
                .as_ptr()
        },
    )
}
