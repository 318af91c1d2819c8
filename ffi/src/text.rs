//! `genie_str`: how genie hands text to C.
//!
//! Rust strings are UTF-8 with a length and no terminator, and may contain NUL (SSE data can).
//! Handing them out as pointer + length lets C read them in place: no copy, no allocation, no
//! truncation at an embedded NUL, and nothing for the caller to free.

use std::ffi::c_char;

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
