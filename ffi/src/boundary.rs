//! The one way into genie from C: the panic boundary and the argument checks every export
//! goes through.
//!
//! Every `extern "C"` function runs its body inside [`call`] (fallible functions) or [`catch`]
//! (functions returning a plain value), so a panic becomes `GENIE_STATUS_INTERNAL` or a
//! documented fallback value instead of unwinding into C, which would abort the host. Raw
//! arguments become Rust values only through the checked helpers below, which turn a NULL
//! pointer into `GENIE_STATUS_NULL_ARGUMENT` with a message naming the parameter.

use std::cell::{Ref, RefCell, RefMut};
use std::ffi::{c_char, CStr};
use std::marker::PhantomData;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use genie_core::{Error, ErrorKind, Result};

use crate::status::{self, genie_status};

const PANIC_MESSAGE: &str = "a panic was caught at genie's C boundary; this is a bug in genie, \
     please report it. The object involved is in an unspecified state: free it";

/// Runs `body`, returning what `on_panic` makes if it panics.
///
/// `AssertUnwindSafe` is sound here: after a panic the only state that may be half-updated is
/// an object the caller passed in, and every export documents that such an object must be
/// freed. Memory safety never depends on that state.
pub(crate) fn catch<T>(on_panic: impl FnOnce() -> T, body: impl FnOnce() -> T) -> T {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            // A payload whose destructor panics would unwind out of here; contain that too.
            if let Err(second) = panic::catch_unwind(AssertUnwindSafe(|| drop(payload))) {
                std::mem::forget(second);
            }
            on_panic()
        }
    }
}

/// Runs a fallible export's `body`: `Ok` is `GENIE_STATUS_OK`; an error or a panic is recorded
/// for `genie_last_error_message` and returned as its status.
pub(crate) fn call(body: impl FnOnce() -> Result<()>) -> genie_status {
    let outcome = catch(|| Err(Error::new(ErrorKind::Internal, PANIC_MESSAGE)), body);
    match outcome {
        Ok(()) => genie_status::Ok,
        Err(error) => status::fail(&error),
    }
}

/// [`call`] for an export whose success has more than one outcome: `body` returns
/// `GENIE_STATUS_OK` or another status below 1000 (`GENIE_STATUS_STREAM_END`, ...), which is
/// returned as it is and, not being an error, leaves `genie_last_error_message` unchanged.
pub(crate) fn call_status(body: impl FnOnce() -> Result<genie_status>) -> genie_status {
    let outcome = catch(|| Err(Error::new(ErrorKind::Internal, PANIC_MESSAGE)), body);
    match outcome {
        Ok(status) => status,
        Err(error) => status::fail(&error),
    }
}

fn null(name: &str) -> Error {
    Error::new(ErrorKind::NullArgument, format!("{name}: must not be NULL"))
}

/// `ptr` as a shared reference, or `NULL_ARGUMENT` naming `name`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live, properly aligned `T` that nothing mutates during
/// `'a` (for genie's objects: one made by its `_new` and not yet freed).
pub(crate) unsafe fn arg_ref<'a, T>(ptr: *const T, name: &str) -> Result<&'a T> {
    // SAFETY: the caller guarantees a non-NULL ptr is valid for shared access during 'a.
    unsafe { ptr.as_ref() }.ok_or_else(|| null(name))
}

/// The `len` bytes at `data`. `data` may be NULL only when `len` is 0.
///
/// # Safety
/// A non-NULL `data` must point to `len` readable bytes that stay unchanged during `'a`.
pub(crate) unsafe fn arg_bytes<'a>(data: *const u8, len: usize, name: &str) -> Result<&'a [u8]> {
    if data.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Error::new(
            ErrorKind::NullArgument,
            format!("{name}: is NULL but its length is {len}; pass a buffer, or a length of 0"),
        ));
    }
    if isize::try_from(len).is_err() {
        return Err(Error::new(
            ErrorKind::InvalidArgument,
            format!("{name}: length {len} is larger than any buffer can be"),
        ));
    }
    // SAFETY: data is non-NULL, the caller guarantees len readable bytes behind it, and len
    // fits in isize as from_raw_parts requires.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// The `len` bytes at `data` as UTF-8 text. `data` may be NULL only when `len` is 0; bytes
/// that are not UTF-8 give `INVALID_UTF8` with the offset of the first bad byte.
///
/// # Safety
/// As [`arg_bytes`].
pub(crate) unsafe fn arg_utf8<'a>(data: *const u8, len: usize, name: &str) -> Result<&'a str> {
    // SAFETY: the caller's guarantee is arg_bytes'.
    let bytes = unsafe { arg_bytes(data, len, name) }?;
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        Error::new(
            ErrorKind::InvalidUtf8,
            format!(
                "{name}: invalid UTF-8 at byte {at} ({}); pass UTF-8 text",
                utf8_problem(bytes, at, e.error_len())
            ),
        )
    })
}

/// Says what is wrong at `bytes[at]`, where a UTF-8 check stopped (`error_len` as
/// `std::str::Utf8Error` gives it: `None` when the bytes end inside a character).
pub(crate) fn utf8_problem(bytes: &[u8], at: usize, error_len: Option<usize>) -> String {
    match (error_len, bytes.get(at)) {
        (Some(_), Some(byte)) => format!("the sequence starting with 0x{byte:02x} is not valid"),
        _ => "the bytes end inside a multi-byte character".to_owned(),
    }
}

/// `ptr` as an exclusive reference, or `NULL_ARGUMENT` naming `name`.
///
/// # Safety
/// A non-NULL `ptr` must point to a live, properly aligned `T` that nothing else reads or
/// writes during `'a`.
pub(crate) unsafe fn arg_mut<'a, T>(ptr: *mut T, name: &str) -> Result<&'a mut T> {
    // SAFETY: the caller guarantees a non-NULL ptr is valid for exclusive access during 'a.
    unsafe { ptr.as_mut() }.ok_or_else(|| null(name))
}

/// A NUL-terminated C string, or `NULL_ARGUMENT` naming `name`.
///
/// # Safety
/// A non-NULL `ptr` must point to a NUL-terminated string that stays unchanged during `'a`.
pub(crate) unsafe fn arg_c_str<'a>(ptr: *const c_char, name: &str) -> Result<&'a CStr> {
    if ptr.is_null() {
        return Err(null(name));
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string behind it.
    Ok(unsafe { CStr::from_ptr(ptr) })
}

/// A required callback, or `NULL_ARGUMENT` naming `name`.
pub(crate) fn arg_callback<F>(callback: Option<F>, name: &str) -> Result<F> {
    callback.ok_or_else(|| null(name))
}

/// A checked, non-NULL output pointer. Holding one means nothing has been written yet, so an
/// export can check all its arguments before it writes any output.
pub(crate) struct Out<'a, T> {
    ptr: NonNull<T>,
    _borrow: PhantomData<&'a mut T>,
}

impl<T> Out<'_, T> {
    /// Stores `value` without reading or dropping what was there (it may be uninitialised).
    pub(crate) fn write(self, value: T) {
        // SAFETY: `arg_out`'s caller guaranteed the pointer is valid for writes during 'a.
        unsafe { self.ptr.as_ptr().write(value) }
    }
}

impl<T> Out<'_, *mut T> {
    /// Stores the object `made` produced, or NULL when making it failed, and passes the
    /// outcome on: a failed export never leaves the caller's pointer unwritten.
    pub(crate) fn write_object(self, made: Result<*mut T>) -> Result<()> {
        match made {
            Ok(object) => {
                self.write(object);
                Ok(())
            }
            Err(error) => {
                self.write(std::ptr::null_mut());
                Err(error)
            }
        }
    }
}

/// An output pointer, or `NULL_ARGUMENT` naming `name`.
///
/// # Safety
/// A non-NULL `ptr` must be properly aligned and valid for writing a `T` during `'a`.
pub(crate) unsafe fn arg_out<'a, T>(ptr: *mut T, name: &str) -> Result<Out<'a, T>> {
    NonNull::new(ptr)
        .map(|ptr| Out {
            ptr,
            _borrow: PhantomData,
        })
        .ok_or_else(|| null(name))
}

/// One of genie's C objects (`genie_sse_parser`, ...): Rust state behind a `RefCell`, boxed and
/// handed to C as an opaque pointer. The `RefCell` turns a callback that calls back into the
/// object delivering it into an error, instead of a second `&mut` to the same state.
pub(crate) trait Object: Sized {
    /// The Rust state the object wraps.
    type State;
    /// The parameter name messages use for it (`"parser"`).
    const NAME: &'static str;

    /// The state's cell.
    fn cell(&self) -> &RefCell<Self::State>;

    /// Boxes the object for C; [`Object::free_raw`] takes it back.
    fn into_raw(self) -> *mut Self {
        Box::into_raw(Box::new(self))
    }

    /// The object behind a pointer C passed in, or `NULL_ARGUMENT`.
    ///
    /// # Safety
    /// A non-NULL `ptr` must come from [`Object::into_raw`] and not have been freed.
    unsafe fn from_raw<'a>(ptr: *const Self) -> Result<&'a Self> {
        // SAFETY: the caller's guarantee is arg_ref's: a live object, only ever shared
        // (mutation goes through the RefCell).
        unsafe { arg_ref(ptr, Self::NAME) }
    }

    /// Shared access to the state.
    fn state(&self) -> Result<Ref<'_, Self::State>> {
        self.cell().try_borrow().map_err(|_| in_use(Self::NAME))
    }

    /// Exclusive access to the state.
    fn state_mut(&self) -> Result<RefMut<'_, Self::State>> {
        self.cell().try_borrow_mut().map_err(|_| in_use(Self::NAME))
    }

    /// Frees an object made by [`Object::into_raw`]. NULL is a no-op. An object freed from
    /// inside its own callback is leaked (and the error recorded) rather than freed in use.
    ///
    /// # Safety
    /// A non-NULL `ptr` must come from [`Object::into_raw`] and not have been freed.
    unsafe fn free_raw(ptr: *mut Self) {
        // SAFETY: the caller guarantees a non-NULL ptr is a live object.
        let Some(object) = (unsafe { ptr.as_ref() }) else {
            return;
        };
        if object.cell().try_borrow_mut().is_err() {
            status::fail(&in_use(Self::NAME));
            return;
        }
        // SAFETY: ptr came from Box::into_raw, its state is not borrowed (checked above), so
        // nothing else refers to it, and the caller gives up its ownership.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

fn in_use(name: &str) -> Error {
    Error::new(
        ErrorKind::InvalidArgument,
        format!(
            "{name}: in use: a genie function was called on it from inside its own callback; \
             use the callback's arguments instead"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    fn last_error() -> String {
        // SAFETY: a NUL-terminated string valid until the next genie call on this thread.
        unsafe { CStr::from_ptr(crate::genie_last_error_message()) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn a_panic_becomes_internal_with_a_message() {
        let status = call(|| panic!("boom"));
        assert_eq!(status, genie_status::Internal);
        assert!(
            last_error().contains("panic was caught"),
            "{}",
            last_error()
        );
    }

    #[test]
    fn a_panicking_value_function_returns_its_fallback() {
        assert_eq!(catch(|| 7, || panic!("boom")), 7);
        assert_eq!(catch(|| 7, || 8), 8);
    }

    #[test]
    fn a_panic_payload_that_panics_when_dropped_is_contained() {
        struct Bomb;
        impl Drop for Bomb {
            fn drop(&mut self) {
                if !std::thread::panicking() {
                    panic!("payload drop");
                }
            }
        }
        let status = call(|| std::panic::panic_any(Bomb));
        assert_eq!(status, genie_status::Internal);
    }

    #[test]
    fn non_error_outcomes_pass_through_and_leave_the_message() {
        assert_eq!(
            call(|| Err(Error::new(ErrorKind::Transport, "refused"))),
            genie_status::Transport
        );
        assert_eq!(
            call_status(|| Ok(genie_status::WouldBlock)),
            genie_status::WouldBlock
        );
        assert_eq!(last_error(), "refused");
        assert_eq!(call_status(|| panic!("boom")), genie_status::Internal);
    }

    #[test]
    fn errors_are_recorded_and_ok_leaves_the_message() {
        let status = call(|| Err(Error::new(ErrorKind::LimitExceeded, "too big")));
        assert_eq!(status, genie_status::LimitExceeded);
        assert_eq!(call(|| Ok(())), genie_status::Ok);
        assert_eq!(last_error(), "too big");
    }

    #[test]
    fn null_checks_name_the_parameter() {
        // SAFETY: NULL pointers are always acceptable inputs to the checks.
        let e = unsafe { arg_ref::<u8>(std::ptr::null(), "parser") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NullArgument);
        assert_eq!(e.message(), "parser: must not be NULL");
        // SAFETY: as above.
        let e = unsafe { arg_out::<u8>(std::ptr::null_mut(), "id_out") }
            .err()
            .unwrap();
        assert_eq!(e.message(), "id_out: must not be NULL");
        // SAFETY: as above.
        let e = unsafe { arg_c_str(std::ptr::null(), "provider") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NullArgument);
        assert_eq!(
            arg_callback::<fn()>(None, "callback").unwrap_err().kind(),
            ErrorKind::NullArgument
        );
    }

    #[test]
    fn buffers_may_be_null_only_when_empty() {
        // SAFETY: NULL with any length is checked before it is read.
        let empty = unsafe { arg_bytes(std::ptr::null(), 0, "data") }.unwrap();
        assert!(empty.is_empty());
        // SAFETY: as above.
        let e = unsafe { arg_bytes(std::ptr::null(), 3, "data") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NullArgument);
        assert!(e.message().contains("length is 3"));
        let byte = 0u8;
        // SAFETY: the length is rejected before the pointer is read.
        let e = unsafe { arg_bytes(&byte, usize::MAX, "data") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn text_must_be_utf8_and_the_first_bad_byte_is_named() {
        let ok = "h\u{e9}llo";
        // SAFETY: a live buffer of the given length.
        let text = unsafe { arg_utf8(ok.as_ptr(), ok.len(), "text") }.unwrap();
        assert_eq!(text, ok);
        // SAFETY: NULL with length 0 is an empty text.
        let empty = unsafe { arg_utf8(std::ptr::null(), 0, "text") }.unwrap();
        assert_eq!(empty, "");
        let bad = b"ab\xc3\xa9\xff!";
        // SAFETY: a live buffer of the given length.
        let e = unsafe { arg_utf8(bad.as_ptr(), bad.len(), "text") }.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidUtf8);
        assert_eq!(
            e.message(),
            "text: invalid UTF-8 at byte 4 (the sequence starting with 0xff is not valid); pass UTF-8 \
             text"
        );
        let cut = b"abc\xe2\x82";
        // SAFETY: as above.
        let e = unsafe { arg_utf8(cut.as_ptr(), cut.len(), "text") }.unwrap_err();
        assert!(e
            .message()
            .starts_with("text: invalid UTF-8 at byte 3 (the bytes end inside"));
        let mut value = 1u8;
        // SAFETY: a live, unaliased u8.
        *unsafe { arg_mut(&mut value, "value") }.unwrap() = 2;
        assert_eq!(value, 2);
        // SAFETY: NULL is checked.
        let e = unsafe { arg_mut::<u8>(std::ptr::null_mut(), "mapping") }.unwrap_err();
        assert_eq!(e.message(), "mapping: must not be NULL");
    }

    struct Counter(RefCell<u8>);

    impl Object for Counter {
        type State = u8;
        const NAME: &'static str = "counter";
        fn cell(&self) -> &RefCell<u8> {
            &self.0
        }
    }

    #[test]
    fn an_object_in_use_is_refused_and_not_freed() {
        let raw = Counter(RefCell::new(5)).into_raw();
        // SAFETY: raw is live until the last free_raw below.
        let counter = unsafe { Counter::from_raw(raw) }.unwrap();
        {
            let _busy = counter.state_mut().unwrap();
            assert_eq!(
                counter.state().unwrap_err().kind(),
                ErrorKind::InvalidArgument
            );
            assert!(counter.state_mut().is_err());
            // SAFETY: raw is live; the borrow makes free_raw refuse (and leak) instead.
            unsafe { Counter::free_raw(raw) };
            assert!(
                last_error().starts_with("counter: in use"),
                "{}",
                last_error()
            );
        }
        assert_eq!(*counter.state().unwrap(), 5);
        // SAFETY: raw is live and no longer borrowed.
        unsafe { Counter::free_raw(raw) };
        // SAFETY: NULL is a no-op.
        unsafe { Counter::free_raw(std::ptr::null_mut()) };
        // SAFETY: NULL is checked.
        let e = unsafe { Counter::from_raw(std::ptr::null()) }
            .err()
            .unwrap();
        assert_eq!(e.message(), "counter: must not be NULL");
    }
}
