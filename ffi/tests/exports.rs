//! Calls the C exports through their Rust signatures: NULL checks on every pointer
//! parameter, the `_out` contracts, limits, re-entrant callbacks and the decoder summary.
//! (The panic boundary itself is tested in src/boundary.rs with a closure that panics; no
//! export has a way to panic on purpose.)

use std::ffi::{c_void, CStr};
use std::ptr::{null, null_mut};

use genie::*;

fn last_error() -> String {
    // SAFETY: NUL-terminated, valid until the next genie call on this thread.
    unsafe { CStr::from_ptr(genie_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

fn absent() -> genie_str {
    genie_str {
        ptr: null(),
        len: 0,
    }
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

fn assert_null(status: genie_status, parameter: &str) {
    assert_eq!(status, genie_status::NullArgument, "{parameter}");
    assert!(
        last_error().starts_with(&format!("{parameter}: ")),
        "{parameter}: {}",
        last_error()
    );
}

unsafe extern "C" fn collect_sse(userdata: *mut c_void, event: *const genie_sse_event) {
    // SAFETY: userdata is the Vec the test passed; event is valid during the callback.
    let (events, event) = unsafe { (&mut *userdata.cast::<Vec<[String; 3]>>(), &*event) };
    events.push([event.event, event.data, event.id].map(|s| text(s).unwrap()));
}

unsafe extern "C" fn collect_decoded(userdata: *mut c_void, event: *const genie_decoder_event) {
    // SAFETY: userdata is the Vec the test passed; event is valid during the callback.
    let (events, event) = unsafe { (&mut *userdata.cast::<Vec<String>>(), &*event) };
    let rendered = match event.r#type {
        genie_decoder_event_type::GENIE_DECODER_EVENT_TEXT => {
            format!("text {}", text(event.text).unwrap())
        }
        genie_decoder_event_type::GENIE_DECODER_EVENT_USAGE => format!(
            "usage {} {} {}",
            event.usage.input_tokens, event.usage.output_tokens, event.usage.total_tokens
        ),
        genie_decoder_event_type::GENIE_DECODER_EVENT_FINISH => format!(
            "finish {} {}",
            text(event.finish_reason).unwrap(),
            text(event.raw_finish_reason).unwrap()
        ),
        genie_decoder_event_type::GENIE_DECODER_EVENT_ERROR => {
            format!("error {}", text(event.error.kind).unwrap())
        }
        genie_decoder_event_type::GENIE_DECODER_EVENT_MALFORMED => {
            format!("malformed {}", text(event.payload).unwrap())
        }
    };
    events.push(rendered);
}

fn new_parser(options: Option<genie_sse_parser_options>) -> *mut genie_sse_parser {
    let mut parser = null_mut();
    let options = options.as_ref().map_or(null(), |o| o as *const _);
    // SAFETY: options is NULL or points to a live struct; parser is writable.
    let status = unsafe { genie_sse_parser_new(options, &mut parser) };
    assert_eq!(status, genie_status::Ok);
    parser
}

fn feed(parser: *mut genie_sse_parser, data: &[u8]) -> (genie_status, Vec<[String; 3]>) {
    let mut events: Vec<[String; 3]> = Vec::new();
    let userdata = (&mut events as *mut Vec<[String; 3]>).cast();
    // SAFETY: live parser, a valid slice, a matching callback and userdata.
    let status = unsafe {
        genie_sse_parser_feed(
            parser,
            data.as_ptr(),
            data.len(),
            Some(collect_sse),
            userdata,
        )
    };
    (status, events)
}

#[test]
fn sse_parser_null_arguments() {
    let parser = new_parser(None);
    let mut id = absent();
    let (mut has, mut ms) = (false, 0u64);
    // SAFETY: every call passes NULL where the test says and valid pointers elsewhere.
    unsafe {
        assert_null(genie_sse_parser_new(null(), null_mut()), "parser_out");
        let b = b"data: x\n\n";
        assert_null(
            genie_sse_parser_feed(
                null_mut(),
                b.as_ptr(),
                b.len(),
                Some(collect_sse),
                null_mut(),
            ),
            "parser",
        );
        assert_null(
            genie_sse_parser_feed(parser, null(), 3, Some(collect_sse), null_mut()),
            "data",
        );
        assert_null(
            genie_sse_parser_feed(parser, b.as_ptr(), b.len(), None, null_mut()),
            "callback",
        );
        assert_null(genie_sse_parser_finish(null_mut()), "parser");
        assert_null(genie_sse_parser_last_event_id(null(), &mut id), "parser");
        assert_null(genie_sse_parser_last_event_id(parser, null_mut()), "id_out");
        assert_null(
            genie_sse_parser_retry_ms(null(), &mut has, &mut ms),
            "parser",
        );
        assert_null(
            genie_sse_parser_retry_ms(parser, null_mut(), &mut ms),
            "has_retry_out",
        );
        assert_null(
            genie_sse_parser_retry_ms(parser, &mut has, null_mut()),
            "retry_ms_out",
        );
        // NULL data with length 0 is an empty chunk, and userdata may be NULL.
        assert_eq!(
            genie_sse_parser_feed(parser, null(), 0, Some(collect_sse), null_mut()),
            genie_status::Ok
        );
        genie_sse_parser_free(null_mut());
        genie_sse_parser_free(parser);
    }
}

#[test]
fn sse_parser_parses_and_reports_state() {
    let parser = new_parser(None);
    let (status, events) = feed(
        parser,
        b"retry: 250\nid: 7\nevent: up\ndata: a\ndata: b\n\n",
    );
    assert_eq!(status, genie_status::Ok);
    assert_eq!(events, vec![["up", "a\nb", "7"].map(String::from)]);
    let mut id = absent();
    let (mut has, mut ms) = (false, 0u64);
    // SAFETY: live parser and valid outputs.
    unsafe {
        assert_eq!(genie_sse_parser_finish(parser), genie_status::Ok);
        assert_eq!(
            genie_sse_parser_last_event_id(parser, &mut id),
            genie_status::Ok
        );
        assert_eq!(
            genie_sse_parser_retry_ms(parser, &mut has, &mut ms),
            genie_status::Ok
        );
    }
    assert_eq!(text(id).as_deref(), Some("7"));
    assert!(has);
    assert_eq!(ms, 250);
    // SAFETY: live parser, freed once.
    unsafe { genie_sse_parser_free(parser) };
}

#[test]
fn limits_report_after_delivering_the_other_events() {
    let options = genie_sse_parser_options {
        max_line_bytes: 8,
        ..genie_sse_parser_options_default()
    };
    let parser = new_parser(Some(options));
    let (status, events) = feed(parser, b"data: 1\n\ndata: 0123456789\n\ndata: 2\n\n");
    assert_eq!(status, genie_status::LimitExceeded);
    assert!(last_error().contains("max_line_bytes"), "{}", last_error());
    let data: Vec<&str> = events.iter().map(|e| e[1].as_str()).collect();
    assert_eq!(data, ["1", "2"]);
    // SAFETY: live parser, freed once.
    unsafe { genie_sse_parser_free(parser) };

    let mut parser = null_mut();
    let zero = genie_sse_parser_options {
        max_line_bytes: 0,
        max_event_bytes: 1,
    };
    // SAFETY: valid pointers.
    let status = unsafe { genie_sse_parser_new(&zero, &mut parser) };
    assert_eq!(status, genie_status::InvalidArgument);
    assert!(parser.is_null(), "a failed _new sets its output to NULL");
}

/// A callback that calls back into the parser feeding it gets an error, not undefined
/// behaviour, and the outer feed carries on.
#[test]
fn re_entrant_calls_are_refused() {
    struct Probe {
        parser: *mut genie_sse_parser,
        statuses: Vec<genie_status>,
    }
    unsafe extern "C" fn probe_callback(userdata: *mut c_void, _event: *const genie_sse_event) {
        // SAFETY: userdata is the Probe the test passed.
        let probe = unsafe { &mut *userdata.cast::<Probe>() };
        let mut id = absent();
        // SAFETY: the parser is live; genie must refuse because it is in use.
        unsafe {
            probe
                .statuses
                .push(genie_sse_parser_last_event_id(probe.parser, &mut id));
            probe.statuses.push(genie_sse_parser_finish(probe.parser));
            genie_sse_parser_free(probe.parser);
        }
    }
    let mut probe = Probe {
        parser: new_parser(None),
        statuses: Vec::new(),
    };
    let data = b"data: a\n\n";
    // SAFETY: live parser, valid data, matching callback and userdata.
    let status = unsafe {
        genie_sse_parser_feed(
            probe.parser,
            data.as_ptr(),
            data.len(),
            Some(probe_callback),
            (&mut probe as *mut Probe).cast(),
        )
    };
    assert_eq!(status, genie_status::Ok);
    assert_eq!(probe.statuses, [genie_status::InvalidArgument; 2]);
    assert!(
        last_error().starts_with("parser: in use"),
        "{}",
        last_error()
    );
    // The free inside the callback was refused, so the parser is still live.
    assert_eq!(feed(probe.parser, b"data: b\n\n").1.len(), 1);
    // SAFETY: live parser, freed once.
    unsafe { genie_sse_parser_free(probe.parser) };
}

#[test]
fn decoder_null_arguments_and_unknown_provider() {
    let mut decoder = null_mut();
    // SAFETY: valid pointers except where NULL is the point.
    unsafe {
        assert_null(
            genie_stream_decoder_new(null(), null(), &mut decoder),
            "provider",
        );
        assert_null(
            genie_stream_decoder_new(c"openai".as_ptr(), null(), null_mut()),
            "decoder_out",
        );
        let status = genie_stream_decoder_new(c"cohere".as_ptr(), null(), &mut decoder);
        assert_eq!(status, genie_status::InvalidArgument);
        assert!(decoder.is_null());
        for name in ["gemini", "openai", "openai-responses", "anthropic"] {
            assert!(last_error().contains(name), "{}", last_error());
        }
        let status = genie_stream_decoder_new(c"\xffopenai".as_ptr(), null(), &mut decoder);
        assert_eq!(status, genie_status::InvalidArgument);

        assert_eq!(
            genie_stream_decoder_new(c"openai".as_ptr(), null(), &mut decoder),
            genie_status::Ok
        );
        let b = b"data: [DONE]\n\n";
        let mut complete = false;
        let mut summary = std::mem::MaybeUninit::<genie_decoder_summary>::uninit();
        let mut provider = absent();
        let cb = Some(collect_decoded as unsafe extern "C" fn(_, _));
        assert_null(
            genie_stream_decoder_feed(null_mut(), b.as_ptr(), b.len(), cb, null_mut()),
            "decoder",
        );
        assert_null(
            genie_stream_decoder_feed(decoder, null(), 1, cb, null_mut()),
            "data",
        );
        assert_null(
            genie_stream_decoder_feed(decoder, b.as_ptr(), b.len(), None, null_mut()),
            "callback",
        );
        assert_null(
            genie_stream_decoder_complete(null(), &mut complete),
            "decoder",
        );
        assert_null(
            genie_stream_decoder_complete(decoder, null_mut()),
            "complete_out",
        );
        assert_null(
            genie_stream_decoder_provider(null(), &mut provider),
            "decoder",
        );
        assert_null(
            genie_stream_decoder_provider(decoder, null_mut()),
            "provider_out",
        );
        assert_null(
            genie_stream_decoder_finish(null_mut(), summary.as_mut_ptr()),
            "decoder",
        );
        assert_null(
            genie_stream_decoder_finish(decoder, null_mut()),
            "summary_out",
        );
        assert_eq!(
            genie_stream_decoder_provider(decoder, &mut provider),
            genie_status::Ok
        );
        assert_eq!(text(provider).as_deref(), Some("openai"));
        genie_stream_decoder_free(null_mut());
        genie_stream_decoder_free(decoder);
    }
}

#[test]
fn decoder_events_and_summary() {
    let stream: &[u8] = b": keep-alive\n\n\
        data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n\
        data: {not json\n\n\
        data: {\"choices\":[{\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n\
        data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}\n\n\
        data: [DONE]\n\n";
    let mut decoder = null_mut();
    let mut events: Vec<String> = Vec::new();
    let mut complete = true;
    let mut summary = std::mem::MaybeUninit::<genie_decoder_summary>::uninit();
    // SAFETY: valid pointers throughout; the summary is read before the decoder is freed.
    unsafe {
        assert_eq!(
            genie_stream_decoder_new(c"openai".as_ptr(), null(), &mut decoder),
            genie_status::Ok
        );
        let userdata = (&mut events as *mut Vec<String>).cast();
        let (head, tail) = stream.split_at(40);
        for chunk in [head, tail] {
            assert_eq!(
                genie_stream_decoder_complete(decoder, &mut complete),
                genie_status::Ok
            );
            assert!(!complete);
            let status = genie_stream_decoder_feed(
                decoder,
                chunk.as_ptr(),
                chunk.len(),
                Some(collect_decoded),
                userdata,
            );
            assert_eq!(status, genie_status::Ok);
        }
        assert_eq!(
            genie_stream_decoder_complete(decoder, &mut complete),
            genie_status::Ok
        );
        assert!(complete);
        assert_eq!(
            genie_stream_decoder_finish(decoder, summary.as_mut_ptr()),
            genie_status::Ok
        );
        let summary = summary.assume_init();
        assert_eq!(text(summary.provider).as_deref(), Some("openai"));
        assert_eq!(text(summary.text).as_deref(), Some("Hello"));
        assert_eq!(text(summary.finish_reason).as_deref(), Some("stop"));
        assert_eq!(text(summary.raw_finish_reason).as_deref(), Some("stop"));
        assert!(summary.complete);
        assert!(summary.error.kind.ptr.is_null());
        assert_eq!(summary.malformed_events, 1);
        assert_eq!(summary.keepalives, 1);
        assert_eq!(
            [
                summary.usage.input_tokens,
                summary.usage.output_tokens,
                summary.usage.total_tokens,
                summary.usage.cached_tokens
            ],
            [9, 2, 11, -1]
        );
        genie_stream_decoder_free(decoder);
    }
    assert_eq!(
        events,
        [
            "text Hel",
            "malformed {not json",
            "text lo",
            "finish stop stop",
            "usage 9 2 11"
        ]
    );
}

#[test]
fn version_and_status_strings() {
    // SAFETY: static NUL-terminated strings.
    unsafe {
        assert_eq!(
            CStr::from_ptr(genie_version()).to_str().unwrap(),
            genie_core::VERSION
        );
        assert_eq!(
            CStr::from_ptr(genie_status_str(1004)).to_bytes(),
            b"LIMIT_EXCEEDED"
        );
        assert_eq!(CStr::from_ptr(genie_status_str(0)).to_bytes(), b"OK");
        assert_eq!(CStr::from_ptr(genie_status_str(42)).to_bytes(), b"UNKNOWN");
    }
}
