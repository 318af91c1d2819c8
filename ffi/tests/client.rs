//! Calls the client exports through their Rust signatures, against the mock provider in this
//! process: which objects may cross threads, a stream read to STREAM_END with every event type
//! converted, WOULD_BLOCK, a cancel from another thread while `genie_stream_next` waits, the
//! attempts of a failed call, an owned summary, and NULL checks. (tests/c/ covers the same API
//! from C against the mock binary: every fault scenario, bad input, threads, valgrind.)

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};
use std::time::{Duration, Instant};

use genie::*;
use genie_mock_provider::{canonical_text, MockProvider};

fn last_error() -> String {
    // SAFETY: NUL-terminated, valid until the next genie call on this thread.
    unsafe { CStr::from_ptr(genie_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn text(s: genie_str) -> Option<String> {
    if s.ptr.is_null() {
        assert_eq!(s.len, 0, "an absent string has length 0");
        return None;
    }
    // SAFETY: genie guarantees len readable bytes at a non-NULL ptr while the string is valid.
    let bytes = unsafe { std::slice::from_raw_parts(s.ptr.cast::<u8>(), s.len) };
    Some(String::from_utf8(bytes.to_vec()).expect("genie hands out UTF-8"))
}

/// Short timeouts, so the fault tests finish fast.
const FAST: &str = r#"{"stall_gap_ms": 300, "first_byte_ms": 1000, "total_ms": 10000}"#;

fn client(mock: &MockProvider, extra: &str) -> *mut genie_client {
    client_with_timeouts(mock, FAST, extra)
}

fn client_with_timeouts(mock: &MockProvider, timeouts: &str, extra: &str) -> *mut genie_client {
    let config = format!(
        r#"{{"providers": {{"o": {{"kind": "openai", "base_url": "{}"}}}},
            "models": {{"p": {{"provider": "o"}}, "b": {{"provider": "o"}}}},
            "timeouts": {timeouts},
            "retry": {{"base_ms": 20, "cap_ms": 50}}{extra}}}"#,
        mock.base_url()
    );
    let mut out = null_mut();
    // SAFETY: config is config.len() readable bytes; out is writable.
    let status = unsafe { genie_client_new(config.as_ptr().cast(), config.len(), &mut out) };
    assert_eq!(status, genie_status::Ok, "{}", last_error());
    out
}

const HI: &str = r#"{"model": "p", "messages": [{"role": "user", "content": "Hi"}]}"#;

fn stream(client: *mut genie_client, request: &str) -> *mut genie_stream {
    let mut out = null_mut();
    // SAFETY: a live client; request is request.len() readable bytes; out is writable.
    let status =
        unsafe { genie_client_stream(client, request.as_ptr().cast(), request.len(), &mut out) };
    assert_eq!(status, genie_status::Ok, "{}", last_error());
    out
}

fn empty_event() -> genie_call_event {
    // SAFETY: genie_call_event is plain C data (pointers, integers, a fieldless enum whose
    // zero is GENIE_CALL_EVENT_STARTED); zeroed is a valid value for it.
    unsafe { std::mem::zeroed() }
}

fn next(stream: *mut genie_stream, timeout_ms: u32, event: &mut genie_call_event) -> genie_status {
    // SAFETY: a live stream used by this thread only; event is writable.
    unsafe { genie_stream_next(stream, timeout_ms, event) }
}

#[test]
fn clients_and_streams_may_cross_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<genie_client>();
    shared::<genie_stream>();
}

#[test]
fn a_stream_reads_to_its_end_and_lends_its_summary() {
    let mock = MockProvider::start_on_thread();
    mock.set_fault("p", "stall_after=3|ok").unwrap();
    let client = client(&mock, "");
    let s = stream(client, HI);
    let mut event = empty_event();
    let (mut shown, mut types, mut summary) = (String::new(), Vec::new(), null());
    loop {
        match next(s, GENIE_STREAM_WAIT_FOREVER, &mut event) {
            genie_status::Ok => {}
            genie_status::StreamEnd => break,
            other => panic!("{other:?}: {}", last_error()),
        }
        types.push(event.r#type);
        match event.r#type {
            genie_call_event_type::GENIE_CALL_EVENT_TEXT => {
                shown.push_str(&text(event.text).unwrap())
            }
            genie_call_event_type::GENIE_CALL_EVENT_RESET => shown.clear(),
            genie_call_event_type::GENIE_CALL_EVENT_NOTICE => {
                assert_eq!(text(event.kind).as_deref(), Some("reconnecting"));
                assert_eq!(event.delay_ms, -1);
            }
            genie_call_event_type::GENIE_CALL_EVENT_DONE => summary = event.summary,
            _ => {}
        }
    }
    assert_eq!(shown, canonical_text());
    assert!(types.contains(&genie_call_event_type::GENIE_CALL_EVENT_USAGE));
    // The DONE summary outlives later calls on the stream, until it is freed.
    assert_eq!(next(s, 0, &mut event), genie_status::StreamEnd);
    let mut whole = genie_str {
        ptr: null(),
        len: 0,
    };
    let mut attempts = 0;
    // SAFETY: the summary is lent by the live stream; the outputs are writable.
    unsafe {
        assert_eq!(
            genie_call_summary_text(summary, &mut whole),
            genie_status::Ok
        );
        assert_eq!(
            genie_call_summary_attempts_len(summary, &mut attempts),
            genie_status::Ok
        );
    }
    assert_eq!(text(whole).unwrap(), canonical_text());
    assert_eq!(attempts, 2);
    let mut attempt = std::mem::MaybeUninit::<genie_attempt>::uninit();
    // SAFETY: a live stream; attempt is writable.
    let status = unsafe { genie_stream_attempt(s, 0, attempt.as_mut_ptr()) };
    assert_eq!(status, genie_status::Ok);
    // SAFETY: written by the OK call above.
    let attempt = unsafe { attempt.assume_init() };
    assert_eq!(text(attempt.outcome).as_deref(), Some("STREAM_STALLED"));
    assert_eq!(text(attempt.mode).as_deref(), Some("stream"));
    // SAFETY: both are live and no longer used.
    unsafe {
        genie_stream_free(s);
        genie_client_free(client);
    }
}

#[test]
fn a_cancel_from_another_thread_wakes_the_waiting_next() {
    let mock = MockProvider::start_on_thread();
    mock.set_fault("p", "slow_first_byte=300,stall_after=2")
        .unwrap();
    let client = client_with_timeouts(&mock, r#"{"stall_gap_ms": 20000, "total_ms": 60000}"#, "");
    let s = stream(client, HI);
    let mut event = empty_event();
    assert_eq!(next(s, 1_000, &mut event), genie_status::Ok);
    assert_eq!(
        event.r#type,
        genie_call_event_type::GENIE_CALL_EVENT_STARTED
    );
    // Timeout 0 never waits: the response headers are 300 ms away.
    let polled = Instant::now();
    assert_eq!(next(s, 0, &mut event), genie_status::WouldBlock);
    assert!(polled.elapsed() < Duration::from_millis(50));
    while event.r#type != genie_call_event_type::GENIE_CALL_EVENT_TEXT {
        assert_eq!(next(s, 5_000, &mut event), genie_status::Ok);
    }
    struct Shared(*mut genie_stream);
    // SAFETY: genie_stream_cancel may be called from any thread while the stream is alive;
    // the stream is freed only after this thread is joined.
    unsafe impl Send for Shared {}
    let shared = Shared(s);
    let canceller = std::thread::spawn(move || {
        let shared = shared;
        std::thread::sleep(Duration::from_millis(100));
        // SAFETY: a live stream (see Shared).
        (Instant::now(), unsafe { genie_stream_cancel(shared.0) })
    });
    let status = loop {
        let status = next(s, GENIE_STREAM_WAIT_FOREVER, &mut event);
        if status != genie_status::Ok {
            break status;
        }
    };
    let returned = Instant::now();
    let (cancelled, cancel_status) = canceller.join().unwrap();
    assert_eq!(cancel_status, genie_status::Ok);
    assert_eq!(status, genie_status::Cancelled, "{}", last_error());
    assert!(returned.duration_since(cancelled) < Duration::from_millis(100));
    assert_eq!(next(s, 0, &mut event), genie_status::Cancelled);
    assert_eq!(mock.attempts("p"), 1);
    // SAFETY: both are live and no longer used.
    unsafe {
        genie_stream_free(s);
        genie_client_free(client);
    }
}

#[test]
fn a_failed_call_keeps_its_error_and_attempts() {
    let mock = MockProvider::start_on_thread();
    mock.set_fault("p", "status=429,retry_after=0|status=429|status=429")
        .unwrap();
    let client = client(&mock, "");
    let s = stream(client, HI);
    let mut event = empty_event();
    let status = loop {
        let status = next(s, GENIE_STREAM_WAIT_FOREVER, &mut event);
        if status != genie_status::Ok {
            break status;
        }
    };
    assert_eq!(status, genie_status::RateLimited);
    let message = last_error();
    let mut error = std::mem::MaybeUninit::<genie_call_error>::uninit();
    let mut attempts = 0;
    // SAFETY: a live stream; the outputs are writable.
    unsafe {
        assert_eq!(genie_stream_error(s, error.as_mut_ptr()), genie_status::Ok);
        assert_eq!(
            genie_stream_attempts_len(s, &mut attempts),
            genie_status::Ok
        );
    }
    // SAFETY: written by the OK call above.
    let error = unsafe { error.assume_init() };
    assert_eq!(error.status, genie_status::RateLimited);
    assert_eq!(error.http_status, 429);
    assert_eq!(text(error.message).unwrap(), message);
    assert_eq!(attempts, 3);
    // Every later next repeats the failure.
    assert_eq!(next(s, 0, &mut event), genie_status::RateLimited);
    // SAFETY: both are live and no longer used.
    unsafe {
        genie_stream_free(s);
        genie_client_free(client);
    }
}

#[test]
fn complete_hands_out_an_owned_summary() {
    let mock = MockProvider::start_on_thread();
    let client = client(&mock, "");
    let mut summary = null_mut();
    let mut timings = std::mem::MaybeUninit::<genie_call_timings>::uninit();
    let mut usage = std::mem::MaybeUninit::<genie_usage>::uninit();
    // SAFETY: a live client; HI is HI.len() readable bytes; the outputs are writable.
    unsafe {
        let status = genie_client_complete(client, HI.as_ptr().cast(), HI.len(), &mut summary);
        assert_eq!(status, genie_status::Ok, "{}", last_error());
        assert_eq!(
            genie_call_summary_timings(summary, timings.as_mut_ptr()),
            genie_status::Ok
        );
        assert_eq!(
            genie_call_summary_usage(summary, usage.as_mut_ptr()),
            genie_status::Ok
        );
        genie_call_summary_free(summary);
        genie_client_free(client);
    }
    // SAFETY: written by the OK calls above.
    let (timings, usage) = unsafe { (timings.assume_init(), usage.assume_init()) };
    assert!(timings.total_ms >= timings.ttfb_ms && timings.ttfb_ms > 0.0);
    assert_eq!(usage.output_tokens, 39);
}

#[test]
fn null_pointers_are_refused_by_name() {
    let mut client = null_mut();
    let mut event = empty_event();
    // SAFETY: NULL pointers are checked before anything is read.
    unsafe {
        assert_eq!(
            genie_client_new(null::<c_char>(), 3, &mut client),
            genie_status::NullArgument
        );
        assert!(
            last_error().starts_with("config_json: "),
            "{}",
            last_error()
        );
        assert_eq!(
            genie_stream_next(null_mut(), 0, &mut event),
            genie_status::NullArgument
        );
        assert!(last_error().starts_with("stream: "), "{}", last_error());
        assert_eq!(genie_stream_cancel(null_mut()), genie_status::NullArgument);
        let mut summary = null_mut();
        assert_eq!(
            genie_client_complete(null(), HI.as_ptr().cast(), HI.len(), &mut summary),
            genie_status::NullArgument
        );
        assert!(summary.is_null());
        assert!(last_error().starts_with("client: "), "{}", last_error());
        genie_client_free(null_mut());
        genie_stream_free(null_mut());
        genie_call_summary_free(null_mut());
    }
}
