//! How genie hands text to C: `genie_str` (borrowed) and `genie_string` (owned).
//!
//! Rust strings are UTF-8 with a length and no terminator, and may contain NUL (SSE data can).
//! Handing them out as pointer + length lets C read them in place: no copy, no allocation, no
//! truncation at an embedded NUL. A `genie_str` borrows from a genie object and has nothing to
//! free; a `genie_string` is text genie made for the caller to keep (a restored answer, a piece
//! of redacted stream output), viewed as a `genie_str` and freed once.

use std::ffi::c_char;

use crate::boundary;
use crate::status::genie_status;

/// A borrowed UTF-8 string: `len` bytes at `ptr`, NOT NUL-terminated (print it with
/// `printf("%.*s", (int)s.len, s.ptr)`); it may contain NUL bytes.
///
/// genie owns the bytes; each function says how long they stay valid. A present string always
/// has a non-NULL `ptr` (an empty one points at a static ""). Where a field is optional,
/// "absent" is `ptr == NULL` and `len == 0`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct genie_str {
    /// The first byte, or NULL when the string is absent.
    pub ptr: *const c_char,
    /// The length in bytes.
    pub len: usize,
}

impl genie_str {
    /// The absent string.
    pub(crate) const ABSENT: genie_str = genie_str {
        ptr: std::ptr::null(),
        len: 0,
    };

    /// A view of `text`, valid as long as `text` is.
    pub(crate) fn new(text: &str) -> genie_str {
        if text.is_empty() {
            // Never hand C a dangling pointer, even with length 0: some C functions
            // (memcpy, fwrite) require a valid one.
            return genie_str {
                ptr: c"".as_ptr(),
                len: 0,
            };
        }
        genie_str {
            ptr: text.as_ptr().cast(),
            len: text.len(),
        }
    }

    /// A view of `text`, or [`genie_str::ABSENT`].
    pub(crate) fn optional(text: Option<&str>) -> genie_str {
        text.map_or(genie_str::ABSENT, genie_str::new)
    }
}

/// Text genie made for you to keep: a restored answer (`genie_redactor_restore`,
/// `genie_stream_restorer_push`, `genie_stream_restorer_flush`) or redacted stream output
/// (`genie_stream_redactor_push`, `genie_stream_redactor_flush`). Opaque: read it with
/// `genie_string_view`, free it with `genie_string_free`.
///
/// It is an owned object rather than a callback argument so that the bytes can outlive the
/// call that made them without a copy: a server can queue them for an asynchronous socket
/// write and free them when the write completes. It is immutable: any number of threads may
/// view it at once; free it once, after the last view.
pub struct genie_string {
    text: String,
}

impl genie_string {
    /// Boxes `text` for C; `genie_string_free` takes it back.
    pub(crate) fn into_raw(text: String) -> *mut genie_string {
        Box::into_raw(Box::new(genie_string { text }))
    }
}

/// Writes a view of `string`'s text to `*view_out`: UTF-8, NOT NUL-terminated, possibly empty
/// (then `ptr` points at "") and possibly containing NUL bytes if the text did.
///
/// The view borrows from `string` and is valid until `genie_string_free(string)`. Both pointers
/// must not be NULL (GENIE_STATUS_NULL_ARGUMENT; `*view_out` is then untouched). Thread-safe:
/// the string never changes.
///
/// # Safety
/// `string` is NULL or a live `genie_string`; `view_out` is NULL or points to a writable
/// `genie_str`.
#[no_mangle]
pub unsafe extern "C" fn genie_string_view(
    string: *const genie_string,
    view_out: *mut genie_str,
) -> genie_status {
    boundary::call(|| {
        // SAFETY: the caller guarantees string is NULL or a live, never-mutated genie_string.
        let string = unsafe { boundary::arg_ref(string, "string") }?;
        // SAFETY: the caller guarantees view_out is NULL or writable.
        let out = unsafe { boundary::arg_out(view_out, "view_out") }?;
        out.write(genie_str::new(&string.text));
        Ok(())
    })
}

/// Frees a `genie_string`; views of it become invalid. NULL is accepted and does nothing. Do
/// not use the pointer afterwards, and do not free it while another thread views it.
///
/// # Safety
/// `string` is NULL or a live `genie_string` from genie, not used again afterwards.
#[no_mangle]
pub unsafe extern "C" fn genie_string_free(string: *mut genie_string) {
    boundary::catch(
        || (),
        || {
            if !string.is_null() {
                // SAFETY: a non-NULL string came from genie_string::into_raw and the caller
                // gives up its ownership.
                drop(unsafe { Box::from_raw(string) });
            }
        },
    );
}
