//! Fuzzes the C ABI's stream redactor (`genie_stream_redactor_*`) with arbitrary bytes cut
//! anywhere, as a C caller's network reads deliver them: a chunk that would make the stream
//! invalid UTF-8 (not merely cut inside a character) is refused with
//! GENIE_STATUS_INVALID_UTF8 and leaves the stream unchanged; every other chunk is taken. The
//! text released equals the core's whole-text redaction of the bytes taken; a stream that ends
//! inside a character fails its flush with GENIE_STATUS_INVALID_UTF8, and what it released is
//! then a prefix of the redaction of the whole characters taken. No call ever panics.
//!
//! Input layout: byte 0 picks the configuration (low bit) and the chunk sizes (bits 1–2), byte 1
//! seeds them, the rest is the byte stream.

#![no_main]

use genie::{
    genie_redactor, genie_redactor_free, genie_redactor_new, genie_status, genie_str,
    genie_stream_redactor_flush, genie_stream_redactor_free, genie_stream_redactor_new,
    genie_stream_redactor_push, genie_string, genie_string_free, genie_string_view,
};
use genie_core::redact::{Redactor, RedactorConfig};
use genie_core_fuzz::chunking;
use libfuzzer_sys::fuzz_target;
use std::ptr;

const CONFIGS: [&str; 2] = [
    r#"{"profile": "healthcare", "dates": true}"#,
    r#"{"profile": "tech", "operators": {"default": {"type": "placeholder"}}}"#,
];

/// Takes a `genie_string` from a successful call: its text, then frees it.
fn take(s: *mut genie_string) -> String {
    let mut view = genie_str {
        ptr: ptr::null(),
        len: 0,
    };
    // SAFETY: `s` is a live string from genie; the view is read before the string is freed.
    unsafe {
        assert_eq!(genie_string_view(s, &mut view), genie_status::Ok);
        let bytes = std::slice::from_raw_parts(view.ptr.cast::<u8>(), view.len);
        let text = std::str::from_utf8(bytes)
            .expect("genie hands out UTF-8")
            .to_string();
        genie_string_free(s);
        text
    }
}

/// True when `bytes` are UTF-8 up to, at most, a character cut short at the end.
fn valid_so_far(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).map_or_else(|e| e.error_len().is_none(), |_| true)
}

fn new_redactor(config: &str) -> *mut genie_redactor {
    let mut r = ptr::null_mut();
    // SAFETY: the config is `config.len()` readable bytes; `r` is writable.
    let status = unsafe { genie_redactor_new(config.as_ptr().cast(), config.len(), &mut r) };
    assert_eq!(status, genie_status::Ok);
    r
}

fuzz_target!(|input: &[u8]| {
    let [mode, seed, data @ ..] = input else {
        return;
    };
    let config = CONFIGS[usize::from(mode & 1)];
    let redactor = new_redactor(config);
    let mut stream = ptr::null_mut();
    // SAFETY: `redactor` is live and `stream` writable; both are freed below, once.
    unsafe {
        assert_eq!(
            genie_stream_redactor_new(redactor, &mut stream),
            genie_status::Ok
        );
        genie_redactor_free(redactor);
    }

    let mut taken = Vec::new();
    let mut released = String::new();
    // Chunks of up to 1, 3, 16 or 700 bytes, cut anywhere.
    let max = [1, 3, 16, 700][usize::from((mode >> 1) & 0x3)];
    for chunk in chunking::of_bytes(data, max, *seed) {
        let mut out = ptr::null_mut();
        // SAFETY: `stream` is live, the chunk is `chunk.len()` readable bytes, `out` writable.
        let status =
            unsafe { genie_stream_redactor_push(stream, chunk.as_ptr(), chunk.len(), &mut out) };
        let acceptable = valid_so_far(&[&taken[..], chunk].concat());
        if status == genie_status::Ok {
            assert!(acceptable, "a chunk that breaks UTF-8 was taken");
            taken.extend_from_slice(chunk);
            released.push_str(&take(out));
        } else {
            assert_eq!(status, genie_status::InvalidUtf8);
            assert!(!acceptable, "a chunk that keeps UTF-8 was refused");
            assert!(out.is_null(), "a refused chunk released text");
        }
    }
    let mut out = ptr::null_mut();
    // SAFETY: `stream` is live and `out` writable.
    let status = unsafe { genie_stream_redactor_flush(stream, &mut out) };
    // SAFETY: `stream` is live and not used again.
    unsafe { genie_stream_redactor_free(stream) };

    let core = Redactor::new(RedactorConfig::from_json(config).expect("valid config"))
        .expect("the config compiles");
    match std::str::from_utf8(&taken) {
        Ok(text) => {
            assert_eq!(status, genie_status::Ok);
            released.push_str(&take(out));
            let whole = core.redact(text).expect("redact never fails on valid text");
            assert_eq!(released, whole.text, "the C stream differs from the core");
        }
        Err(e) => {
            assert_eq!(
                status,
                genie_status::InvalidUtf8,
                "a cut character was flushed"
            );
            assert!(out.is_null());
            let whole_chars = std::str::from_utf8(&taken[..e.valid_up_to()]).expect("valid prefix");
            let whole = core
                .redact(whole_chars)
                .expect("redact never fails on valid text");
            assert!(
                whole.text.starts_with(&released),
                "released text is not final"
            );
        }
    }
});
