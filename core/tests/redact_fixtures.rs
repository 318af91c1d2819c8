//! Replays tests/fixtures/pii/redaction.json (the operator, allowlist, profile, offset and
//! config-error cases every language replays) against `genie_core::redact`: redacted text,
//! findings with byte offsets and operators, counts, the placeholder mapping, `restore` (whole
//! and through a `StreamRestorer` at several chunkings), and the same output from a
//! `StreamRedactor` fed one character at a time.

use genie_core::redact::{Mapping, Redactor, RedactorConfig, StreamRedactor, StreamRestorer};
use genie_core::ErrorKind;
use serde_json::Value;
use std::collections::BTreeMap;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/fixtures/pii/redaction.json"
    );
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    serde_json::from_str(&raw).expect("redaction.json is JSON")
}

fn config(case: &Value, key: &str) -> genie_core::Result<RedactorConfig> {
    let cfg = match &case["config"] {
        Value::Null => RedactorConfig::default(),
        v => RedactorConfig::from_value(v.clone())?,
    };
    // The fixture names the env var; the key itself is given in code so tests never touch the
    // process environment.
    Ok(cfg.with_hash_key(key.as_bytes().to_vec()))
}

#[test]
fn every_case_matches() {
    let fx = fixture();
    let key = fx["hash_key"].as_str().expect("hash_key");
    let cases = fx["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "expected the full case list");
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let expect = &case["expect"];
        let built = config(case, key).and_then(Redactor::new);
        if let Some(want) = case.get("error") {
            let err = built.expect_err(name);
            assert_eq!(
                err.kind().code(),
                want["code"].as_str().unwrap(),
                "{name}: {err}"
            );
            let path = want["path"].as_str().unwrap();
            assert!(
                err.message().starts_with(path),
                "{name}: {err} should name {path}"
            );
            assert_eq!(err.kind(), ErrorKind::InvalidConfig);
            continue;
        }
        let r = built.unwrap_or_else(|e| panic!("{name}: {e}"));
        let input = case["input"].as_str().expect("input");
        let out = r.redact(input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.text, expect["text"].as_str().unwrap(), "{name}: text");

        let want: Vec<(String, usize, usize, String)> = expect["findings"]
            .as_array()
            .map(|fs| {
                fs.iter()
                    .map(|f| {
                        (
                            f["type"].as_str().unwrap().to_string(),
                            f["start_byte"].as_u64().unwrap() as usize,
                            f["end_byte"].as_u64().unwrap() as usize,
                            f["operator"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let got: Vec<(String, usize, usize, String)> = out
            .findings
            .iter()
            .map(|f| {
                let op = f.operator.map(|o| o.as_str()).unwrap_or("none").to_string();
                (f.entity.as_str().to_string(), f.start, f.end, op)
            })
            .collect();
        assert_eq!(got, want, "{name}: findings");

        let counts: BTreeMap<String, u64> =
            serde_json::from_value(expect["counts"].clone()).unwrap();
        assert_eq!(out.counts, counts, "{name}: counts");

        match &expect["mapping"] {
            Value::Null => assert!(out.mapping.is_empty(), "{name}: no placeholders expected"),
            m => {
                let want: BTreeMap<String, String> = serde_json::from_value(m.clone()).unwrap();
                let mapping: BTreeMap<String, String> = out
                    .mapping
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                assert_eq!(mapping, want, "{name}: mapping");
                check_restore_pairs(name, &r, &case["restore"], &out.mapping);
                let restored = r.restore(&out.text, &out.mapping);
                if got.iter().all(|f| f.3 == "placeholder") {
                    assert_eq!(restored, input, "{name}: restore");
                } else {
                    for (p, v) in out.mapping.iter() {
                        assert!(
                            !restored.contains(p) && restored.contains(v),
                            "{name}: restore {p}"
                        );
                    }
                }
            }
        }

        let mut s = StreamRedactor::new(r.clone());
        let mut streamed = String::new();
        for ch in input.chars() {
            streamed.push_str(&s.push(ch.encode_utf8(&mut [0; 4])).unwrap());
        }
        streamed.push_str(&s.flush().unwrap());
        assert_eq!(streamed, out.text, "{name}: stream");
        assert_eq!(s.counts(), &out.counts, "{name}: stream counts");
    }
}

/// Every restore pair of a case: whole, and streamed one character at a time, in two pieces cut
/// at every character boundary, and in pieces of three characters.
fn check_restore_pairs(name: &str, r: &Redactor, pairs: &Value, mapping: &Mapping) {
    let pairs = pairs
        .as_array()
        .expect("a case with placeholders has restore pairs");
    for pair in pairs {
        let (text, want) = (
            pair["text"].as_str().unwrap(),
            pair["expect"].as_str().unwrap(),
        );
        assert_eq!(r.restore(text, mapping), want, "{name}: restore {text:?}");
        let chars: Vec<&str> = text
            .char_indices()
            .map(|(i, c)| &text[i..i + c.len_utf8()])
            .collect();
        let mut chunkings: Vec<Vec<&str>> = vec![chars.clone()];
        chunkings.extend(
            text.char_indices()
                .map(|(i, _)| vec![&text[..i], &text[i..]]),
        );
        let threes: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .step_by(3)
            .chain([text.len()])
            .collect();
        chunkings.push(threes.windows(2).map(|w| &text[w[0]..w[1]]).collect());
        for chunks in chunkings {
            let mut s = StreamRestorer::new(mapping.clone());
            let mut got: String = chunks.iter().map(|c| s.push(c)).collect();
            got.push_str(&s.flush());
            assert_eq!(got, want, "{name}: stream restore {chunks:?}");
        }
    }
}
