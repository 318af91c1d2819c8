//! Calls the redaction exports through their Rust signatures: which objects may cross threads,
//! a redact → accessors → restore round trip on non-ASCII text, mappings built from pairs, the
//! stream redactor at every split point of multi-byte characters, invalid UTF-8 messages, and
//! config-file errors that name the file. (tests/c/ covers the same API from C, with the
//! shared fixtures, NULL arguments, large texts and threads.)

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};

use genie::*;

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

fn redactor(config: &str) -> *mut genie_redactor {
    let mut out = null_mut();
    // SAFETY: config is config.len() readable bytes; out is writable.
    let status =
        unsafe { genie_redactor_new(config.as_ptr().cast::<c_char>(), config.len(), &mut out) };
    assert_eq!(status, genie_status::Ok, "{}", last_error());
    out
}

/// Takes the text of a genie_string and frees it.
fn take(string: *mut genie_string) -> String {
    let mut view = genie_str {
        ptr: null(),
        len: 0,
    };
    // SAFETY: string is a live genie_string from a successful call; view is writable.
    let status = unsafe { genie_string_view(string, &mut view) };
    assert_eq!(status, genie_status::Ok);
    let out = text(view).unwrap();
    // SAFETY: string is live and not used again.
    unsafe { genie_string_free(string) };
    out
}

fn redact(r: *const genie_redactor, input: &[u8]) -> Result<*mut genie_redaction, genie_status> {
    let mut out = null_mut();
    // SAFETY: r is live; input is a live slice; out is writable.
    let status = unsafe { genie_redactor_redact(r, input.as_ptr(), input.len(), &mut out) };
    if status == genie_status::Ok {
        Ok(out)
    } else {
        assert!(out.is_null(), "a failed redact leaves NULL");
        Err(status)
    }
}

#[test]
fn shared_objects_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<genie_redactor>();
    send_sync::<genie_redaction>();
    send_sync::<genie_mapping>();
    send_sync::<genie_string>();
    send::<genie_stream_redactor>();
}

#[test]
fn redact_read_and_restore() {
    let r = redactor(r#"{"operators": {"default": {"type": "placeholder"}}}"#);
    let input = "Écrivez à josé@correo.es 👩‍👩‍👧 ou josé@correo.es, +33 6 12 47 83 90";
    let result = redact(r, input.as_bytes()).unwrap();
    let mut s = genie_str {
        ptr: null(),
        len: 0,
    };
    let (mut n, mut count) = (0usize, 0u64);
    let mut mapping: *const genie_mapping = null();
    let mut finding = genie_finding {
        r#type: s,
        start: 0,
        end: 0,
        operator_name: s,
    };
    // SAFETY: result is live until the free below; every output is writable.
    unsafe {
        assert_eq!(genie_redaction_text(result, &mut s), genie_status::Ok);
        assert_eq!(
            text(s).unwrap(),
            "Écrivez à [EMAIL_1] 👩‍👩‍👧 ou [EMAIL_1], [PHONE_1]"
        );
        assert_eq!(
            genie_redaction_findings_len(result, &mut n),
            genie_status::Ok
        );
        assert_eq!(n, 3);
        assert_eq!(
            genie_redaction_finding(result, 1, &mut finding),
            genie_status::Ok
        );
        // Byte offsets: the second address comes after the 18-byte ZWJ family.
        assert_eq!(&input[finding.start..finding.end], "josé@correo.es");
        assert_eq!(text(finding.r#type).unwrap(), "EMAIL");
        assert_eq!(text(finding.operator_name).unwrap(), "placeholder");
        assert_eq!(
            genie_redaction_finding(result, 3, &mut finding),
            genie_status::InvalidArgument
        );
        assert_eq!(genie_redaction_counts_len(result, &mut n), genie_status::Ok);
        assert_eq!(n, 2);
        assert_eq!(
            genie_redaction_counts_entry(result, 0, &mut s, &mut count),
            genie_status::Ok
        );
        assert_eq!((text(s).unwrap().as_str(), count), ("EMAIL", 2));
        assert_eq!(
            genie_redaction_mapping(result, &mut mapping),
            genie_status::Ok
        );
        let answer = "Réponse envoyée à [EMAIL_1] et au [PHONE_1] [PHONE_2].";
        let mut restored = null_mut();
        assert_eq!(
            genie_redactor_restore(r, answer.as_ptr(), answer.len(), mapping, &mut restored),
            genie_status::Ok
        );
        assert_eq!(
            take(restored),
            "Réponse envoyée à josé@correo.es et au +33 6 12 47 83 90 [PHONE_2]."
        );
        // A clone outlives the result; the borrowed mapping does not.
        let mut clone = null_mut();
        assert_eq!(genie_mapping_clone(mapping, &mut clone), genie_status::Ok);
        genie_redaction_free(result);
        assert_eq!(genie_mapping_len(clone, &mut n), genie_status::Ok);
        assert_eq!(n, 2);
        genie_mapping_free(clone);
        genie_redactor_free(r);
    }
}

#[test]
fn mappings_built_from_pairs_keep_the_core_order() {
    let r = redactor("");
    let mut mapping = null_mut();
    let pairs = [
        ("[EMAIL_2]", "b@x.io"),
        ("[EMAIL_10]", "j@x.io"),
        ("[EMAIL_1]", "a@x.io"),
        ("[EMAIL_2]", "b2@x.io"),
    ];
    // SAFETY: live objects, live slices, writable outputs.
    unsafe {
        assert_eq!(genie_mapping_new(&mut mapping), genie_status::Ok);
        for (p, v) in pairs {
            let status = genie_mapping_insert(mapping, p.as_ptr(), p.len(), v.as_ptr(), v.len());
            assert_eq!(status, genie_status::Ok);
        }
        let mut got = Vec::new();
        let (mut p, mut v) = (
            genie_str {
                ptr: null(),
                len: 0,
            },
            genie_str {
                ptr: null(),
                len: 0,
            },
        );
        let mut n = 0;
        assert_eq!(genie_mapping_len(mapping, &mut n), genie_status::Ok);
        for i in 0..n {
            assert_eq!(
                genie_mapping_entry(mapping, i, &mut p, &mut v),
                genie_status::Ok
            );
            got.push((text(p).unwrap(), text(v).unwrap()));
        }
        let want: Vec<(String, String)> = [
            // Byte order, as the core's mapping iterates: '0' sorts before ']'.
            ("[EMAIL_10]", "j@x.io"),
            ("[EMAIL_1]", "a@x.io"),
            ("[EMAIL_2]", "b2@x.io"),
        ]
        .iter()
        .map(|(p, v)| (p.to_string(), v.to_string()))
        .collect();
        assert_eq!(got, want);
        let answer = "[EMAIL_2], [EMAIL_10] and [EMAIL_1]";
        let mut restored = null_mut();
        let status =
            genie_redactor_restore(r, answer.as_ptr(), answer.len(), mapping, &mut restored);
        assert_eq!(status, genie_status::Ok);
        assert_eq!(take(restored), "b2@x.io, j@x.io and a@x.io");
        genie_mapping_free(mapping);
        genie_redactor_free(r);
    }
}

/// Streams `input` in the chunks given by `cuts` (byte offsets) and returns the output.
fn stream(r: *const genie_redactor, input: &[u8], cuts: &[usize]) -> String {
    let mut s = null_mut();
    let mut out = String::new();
    // SAFETY: r is live; chunks are live slices; outputs are writable.
    unsafe {
        assert_eq!(genie_stream_redactor_new(r, &mut s), genie_status::Ok);
        let mut from = 0;
        for &to in cuts.iter().chain(std::iter::once(&input.len())) {
            let mut piece = null_mut();
            let chunk = &input[from..to];
            let status = genie_stream_redactor_push(s, chunk.as_ptr(), chunk.len(), &mut piece);
            assert_eq!(status, genie_status::Ok, "{}", last_error());
            out.push_str(&take(piece));
            from = to;
        }
        let mut rest = null_mut();
        assert_eq!(genie_stream_redactor_flush(s, &mut rest), genie_status::Ok);
        out.push_str(&take(rest));
        genie_stream_redactor_free(s);
    }
    out
}

#[test]
fn streams_cut_inside_characters_equal_the_whole_text() {
    let r = redactor("");
    let input = "ß €  😀 jöhn.dœ@exämple.org ✓ +49 30 901820 — 東京 👩‍💻".as_bytes();
    let whole = redact(r, input).unwrap();
    let mut s = genie_str {
        ptr: null(),
        len: 0,
    };
    // SAFETY: whole is live; s is writable.
    let status = unsafe { genie_redaction_text(whole, &mut s) };
    assert_eq!(status, genie_status::Ok);
    let want = text(s).unwrap();
    assert!(
        want.contains("<EMAIL>") && want.contains("<PHONE>"),
        "{want}"
    );
    for cut in 1..input.len() {
        assert_eq!(stream(r, input, &[cut]), want, "one cut at byte {cut}");
    }
    let every_byte: Vec<usize> = (1..input.len()).collect();
    assert_eq!(stream(r, input, &every_byte), want, "byte by byte");
    // SAFETY: live objects, not used again.
    unsafe {
        genie_redaction_free(whole);
        genie_redactor_free(r);
    }
}

#[test]
fn invalid_utf8_names_the_first_bad_byte_and_returns_nothing() {
    let r = redactor("");
    assert_eq!(
        redact(r, b"mail a@b.io \xe2\x28\xa1 done"),
        Err(genie_status::InvalidUtf8)
    );
    assert_eq!(
        last_error(),
        "text: invalid UTF-8 at byte 12 (the sequence starting with 0xe2 is not valid); pass \
         UTF-8 text"
    );
    let mut s = null_mut();
    // SAFETY: live redactor and stream; live slices; writable outputs.
    unsafe {
        assert_eq!(genie_stream_redactor_new(r, &mut s), genie_status::Ok);
        let mut piece: *mut genie_string = std::ptr::NonNull::dangling().as_ptr();
        let chunk = b"ok \xf0\x9f";
        let status = genie_stream_redactor_push(s, chunk.as_ptr(), chunk.len(), &mut piece);
        assert_eq!(status, genie_status::Ok);
        assert_eq!(take(piece), "");
        let bad = b"\x98\x80 then \xc1\xbf";
        let status = genie_stream_redactor_push(s, bad.as_ptr(), bad.len(), &mut piece);
        assert_eq!(status, genie_status::InvalidUtf8);
        assert!(piece.is_null(), "a failed push leaves NULL");
        assert!(
            last_error().starts_with(
                "data: invalid UTF-8 at byte 8 of this chunk, byte 13 of the stream (the \
                 sequence starting with 0xc1 is not valid)"
            ),
            "{}",
            last_error()
        );
        let mut rest = null_mut();
        assert_eq!(
            genie_stream_redactor_flush(s, &mut rest),
            genie_status::InvalidUtf8
        );
        assert!(rest.is_null());
        assert!(last_error().contains("began at byte 3 of the stream (2 of its 4 bytes arrived)"));
        genie_stream_redactor_free(s);
        genie_redactor_free(r);
    }
}

#[test]
fn config_file_errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("genie-ffi-redact-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        ("parse.json", r#"{"profile": "finance"}"#, "profile"),
        (
            "check.json",
            r#"{"allowlist": {"regex": ["("]}}"#,
            "allowlist.regex[0]",
        ),
    ];
    for (name, json, path) in cases {
        let file = dir.join(name);
        std::fs::write(&file, json).unwrap();
        let c_path = std::ffi::CString::new(file.to_str().unwrap()).unwrap();
        let mut r = std::ptr::NonNull::dangling().as_ptr();
        // SAFETY: a NUL-terminated path and a writable output.
        let status = unsafe { genie_redactor_new_from_path(c_path.as_ptr(), &mut r) };
        assert_eq!(status, genie_status::InvalidConfig);
        assert!(r.is_null());
        let message = last_error();
        let prefix = format!("{}: {path}", file.display());
        assert!(message.starts_with(&prefix), "{message}");
        assert_eq!(
            message.matches(file.to_str().unwrap()).count(),
            1,
            "{message}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
