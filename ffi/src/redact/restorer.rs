//! `genie_stream_restorer`: puts placeholders' original values back into a model's answer as
//! it streams, chunk by chunk.
//!
//! A thin wrapper of the core's [`StreamRestorer`] (which decides what is held back) plus
//! [`Utf8Chunks`], so C can push bytes cut anywhere, as it does to the stream redactor.

use std::cell::RefCell;

use genie_core::redact::StreamRestorer;
use genie_core::Result;

use crate::boundary::{self, Object};
use crate::redact::chunks::{self, TextStream, Utf8Chunks};
use crate::redact::genie_mapping;
use crate::status::genie_status;
use crate::text::genie_string;

/// The core restorer plus the bytes of a character split across chunks.
pub(crate) struct RestorerState {
    restorer: StreamRestorer,
    chunks: Utf8Chunks,
}

impl TextStream for RestorerState {
    fn chunks(&mut self) -> &mut Utf8Chunks {
        &mut self.chunks
    }

    fn push_text(&mut self, text: &str) -> Result<String> {
        Ok(self.restorer.push(text))
    }

    fn flush_text(&mut self) -> Result<String> {
        Ok(self.restorer.flush())
    }
}

/// Restores one streamed answer chunk by chunk: every placeholder of a mapping (`[EMAIL_1]`)
/// becomes its original value, even when the placeholder is split across chunks (`[EMA` |
/// `IL_1]`). The concatenated output equals what `genie_redactor_restore` gives for the whole
/// answer. Opaque: make one per answer with `genie_stream_restorer_new`, free it with
/// `genie_stream_restorer_free`.
///
/// It holds back at most 64 bytes (from a `[` that may still open a placeholder) plus the at
/// most 3 bytes of a UTF-8 character a chunk ended inside; text without `[` passes through at
/// once. Chunks are bytes cut anywhere; bytes that can never become UTF-8 are refused with
/// their offset. Output comes as owned `genie_string`s in stream order.
///
/// Not thread-safe: use it from one thread at a time (moving it between threads is fine).
pub struct genie_stream_restorer {
    state: RefCell<RestorerState>,
}

impl Object for genie_stream_restorer {
    type State = RestorerState;
    const NAME: &'static str = "restorer";

    fn cell(&self) -> &RefCell<RestorerState> {
        &self.state
    }
}

/// Makes a stream restorer for the placeholders of `mapping`, which it copies: `mapping` (and
/// the result it may be borrowed from) may be freed or changed afterwards.
///
/// On success `*restorer_out` is a new stream restorer that the caller owns and must free with
/// `genie_stream_restorer_free`; on failure it is set to NULL (when `restorer_out` itself is
/// not NULL). Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Thread-safe for the
/// mapping, which must not be changed (`genie_mapping_insert`) during the call.
///
/// # Safety
/// `mapping` is NULL or a live mapping; `restorer_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_restorer_new(
    mapping: *const genie_mapping,
    restorer_out: *mut *mut genie_stream_restorer,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees restorer_out is NULL or writable.
        let out = unsafe { boundary::arg_out(restorer_out, "restorer_out") }?;
        // SAFETY: the caller guarantees mapping is NULL or a live mapping not changed now.
        out.write_object(
            unsafe { boundary::arg_ref(mapping, "mapping") }.map(|mapping| {
                let state = RestorerState {
                    restorer: StreamRestorer::new(mapping.core().clone()),
                    chunks: Utf8Chunks::default(),
                };
                genie_stream_restorer {
                    state: RefCell::new(state),
                }
                .into_raw()
            }),
        )
    })
}

/// Takes the next `len` bytes of the answer at `data` (any size, cut anywhere, even inside a
/// multi-byte UTF-8 character) and writes the restored text that can be released now to
/// `*text_out`, as a new `genie_string` the caller owns and must free with
/// `genie_string_free`. It may be empty while a placeholder may still be arriving. Send each
/// piece on in order and call `genie_stream_restorer_flush` at the end.
///
/// On failure `*text_out` is set to NULL (when `text_out` is not NULL) and nothing of this
/// chunk is taken: bytes that are not UTF-8 give GENIE_STATUS_INVALID_UTF8 naming the offset of
/// the first bad byte in the chunk and in the stream, and the stream is unchanged. `data` may
/// be NULL only when `len` is 0. Not thread-safe.
///
/// # Safety
/// `restorer` is NULL or a live stream restorer; `data` is NULL or points to `len` readable
/// bytes; `text_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_restorer_push(
    restorer: *mut genie_stream_restorer,
    data: *const u8,
    len: usize,
    text_out: *mut *mut genie_string,
) -> genie_status {
    // SAFETY: the caller's guarantees are chunks::push's.
    unsafe { chunks::push(restorer, data, len, text_out) }
}

/// Ends the answer and writes the rest of the restored text to `*text_out`, as a new
/// `genie_string` the caller owns and must free with `genie_string_free`. The restorer is then
/// empty and may restore another answer with the same mapping.
///
/// If the answer ended inside a multi-byte character, gives GENIE_STATUS_INVALID_UTF8 naming
/// the stream offset where it began, `*text_out` is set to NULL and the stream is unchanged.
/// Both pointers must not be NULL (GENIE_STATUS_NULL_ARGUMENT). Not thread-safe.
///
/// # Safety
/// `restorer` is NULL or a live stream restorer; `text_out` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_restorer_flush(
    restorer: *mut genie_stream_restorer,
    text_out: *mut *mut genie_string,
) -> genie_status {
    // SAFETY: the caller's guarantees are chunks::flush's.
    unsafe { chunks::flush(restorer, text_out) }
}

/// Frees a stream restorer and the text it holds back (discarded, unreleased). NULL is
/// accepted and does nothing. Strings it handed out stay valid. Do not use the pointer
/// afterwards. Not thread-safe.
///
/// # Safety
/// `restorer` is NULL or a live stream restorer, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_stream_restorer_free(restorer: *mut genie_stream_restorer) {
    // SAFETY: the caller guarantees restorer is NULL or live, and gives it up.
    boundary::catch(
        || (),
        || unsafe { genie_stream_restorer::free_raw(restorer) },
    );
}
