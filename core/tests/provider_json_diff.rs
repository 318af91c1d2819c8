//! The provider JSON reader (`core/src/provider/json.rs`) against serde_json, on generated input.
//!
//! The reader is crate-private, so this file compiles it in directly: it depends on nothing else
//! in the crate for exactly this reason. Properties:
//!
//! - Verdict: a document is valid for the reader (skipped whole) exactly when
//!   `serde_json::from_str::<serde_json::Value>` accepts it. Inputs are generated JSON values
//!   serialised with random whitespace and escaping, then often mutated (bytes inserted,
//!   deleted, truncated) so most cases sit near the edge of validity.
//! - Extraction: walking a valid document with the reader's typed calls (keys, `str`, `null`,
//!   `opt_bool`, and the raw text of numbers) rebuilds serde_json's `Value` exactly: escapes,
//!   surrogate pairs, duplicate keys (the last wins in both) and all.
//! - Integers: `opt_u64` / `opt_u32` accept exactly what `serde_json::from_str::<u64>` /
//!   `::<u32>` accept (what the derived structs used to read), with the same value.
//!
//! One exclusion, by design: serde_json's `Value` rejects numbers beyond the range of `f64`
//! (`1e999`), while the reader checks numbers against the grammar only (as serde_json itself does
//! in fields it ignores). Inputs serde_json rejects with "number out of range" are not compared.

#[allow(dead_code)] // the decoders use all of it; this test only part
#[path = "../src/provider/json/mod.rs"]
mod json;

use proptest::prelude::*;
use serde_json::{Map, Value};

/// A JSON value to serialise: numbers are kept as text so the generator controls their form.
#[derive(Clone, Debug)]
enum Doc {
    Null,
    Bool(bool),
    Number(String),
    Str(String),
    Array(Vec<Doc>),
    Object(Vec<(String, Doc)>),
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        (0u32..1000).prop_map(|n| n.to_string()),
        (any::<i32>(), 0u32..1000, prop::option::of(-40i32..40)).prop_map(|(i, f, e)| match e {
            Some(e) => format!("{i}.{f}e{e}"),
            None => format!("{i}.{f}"),
        }),
        (1u32..10, -300i32..300, prop::bool::ANY)
            .prop_map(|(m, e, upper)| format!("{m}{}{e:+}", if upper { 'E' } else { 'e' })),
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("4294967296".to_owned()),
        Just("-0".to_owned()),
        Just("0.0".to_owned()),
    ]
}

/// Text with the characters escaping and scanning care about.
fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![
        6 => prop::char::range('a', 'z'),
        1 => prop::sample::select(vec![
            '"', '\\', '/', '\u{0}', '\u{1f}', '\n', '\t', '\u{7f}', '\u{80}', 'é', '€', '\u{2028}',
            '\u{fffd}', '\u{ffff}', '😀', '\u{10ffff}', ' ',
        ]),
        1 => any::<char>(),
    ];
    prop::collection::vec(c, 0..40).prop_map(|cs| cs.into_iter().collect())
}

fn doc() -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        Just(Doc::Null),
        any::<bool>().prop_map(Doc::Bool),
        number().prop_map(Doc::Number),
        text().prop_map(Doc::Str),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        let key = prop_oneof![
            3 => prop::sample::select(vec!["a", "b", "type", "delta", "content", "\u{e9}"])
                .prop_map(str::to_owned),
            1 => text(),
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Doc::Array),
            prop::collection::vec((key, inner), 0..6).prop_map(Doc::Object),
        ]
    })
}

/// Deterministic choices for the serialiser, from one proptest seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

fn ws(out: &mut String, rng: &mut Rng) {
    for _ in 0..rng.below(4).saturating_sub(1) {
        out.push([' ', '\t', '\n', '\r'][rng.below(4) as usize]);
    }
}

fn write_str(out: &mut String, s: &str, rng: &mut Rng) {
    out.push('"');
    for c in s.chars() {
        let short = match c {
            '"' => Some("\\\""),
            '\\' => Some("\\\\"),
            '\n' => Some("\\n"),
            '\t' => Some("\\t"),
            '\u{8}' => Some("\\b"),
            '\u{c}' => Some("\\f"),
            '\r' => Some("\\r"),
            '/' if rng.below(2) == 0 => Some("\\/"),
            _ => None,
        };
        let must_escape = c < ' ' || c == '"' || c == '\\';
        match (short, must_escape || rng.below(8) == 0) {
            (Some(esc), _) if must_escape || rng.below(2) == 0 => out.push_str(esc),
            (_, true) => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    if rng.below(2) == 0 {
                        out.push_str(&format!("\\u{unit:04x}"));
                    } else {
                        out.push_str(&format!("\\u{unit:04X}"));
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.push('"');
}

fn write(out: &mut String, doc: &Doc, rng: &mut Rng) {
    ws(out, rng);
    match doc {
        Doc::Null => out.push_str("null"),
        Doc::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Doc::Number(n) => out.push_str(n),
        Doc::Str(s) => write_str(out, s, rng),
        Doc::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, item, rng);
            }
            ws(out, rng);
            out.push(']');
        }
        Doc::Object(members) => {
            out.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                ws(out, rng);
                write_str(out, key, rng);
                ws(out, rng);
                out.push(':');
                write(out, value, rng);
            }
            ws(out, rng);
            out.push('}');
        }
    }
    ws(out, rng);
}

/// Pieces the mutator inserts: JSON syntax, broken escapes, bad whitespace, control characters.
const PIECES: &[&str] = &[
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\n",
    "\r",
    "\t",
    "\u{b}",
    "\u{c}",
    "\u{a0}",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "0",
    "1",
    "-",
    "+",
    ".",
    "e",
    "E",
    "00",
    "1e",
    "tru",
    "true",
    "nul",
    "null",
    "false",
    "\\u",
    "\\ud83d",
    "\\ude00",
    "\\ud83d\\ude00",
    "\\u00e9",
    "\\uD800",
    "\\x",
    "\\'",
    "\\n",
    "é",
    "😀",
    "{}",
    "[]",
    "\"\"",
    "[[",
    "{\"a\":",
];

#[derive(Clone, Debug)]
enum Edit {
    Insert(prop::sample::Index, &'static str),
    Delete(prop::sample::Index),
    Truncate(prop::sample::Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<prop::sample::Index>(), prop::sample::select(PIECES))
            .prop_map(|(at, piece)| Edit::Insert(at, piece)),
        2 => any::<prop::sample::Index>().prop_map(Edit::Delete),
        1 => any::<prop::sample::Index>().prop_map(Edit::Truncate),
    ]
}

/// The char boundary at or before `index` of `text`'s length + 1 positions.
fn boundary(text: &str, index: &prop::sample::Index) -> usize {
    let mut at = index.index(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Insert(at, piece) => {
            let at = boundary(text, at);
            text.insert_str(at, piece);
        }
        Edit::Delete(at) => {
            let at = boundary(text, at);
            if let Some(c) = text[at..].chars().next() {
                text.replace_range(at..at + c.len_utf8(), "");
            }
        }
        Edit::Truncate(at) => {
            let at = boundary(text, at);
            text.truncate(at);
        }
    }
}

/// Rebuilds the document as serde_json's `Value` through the reader's typed calls.
fn walk(r: &mut json::Reader<'_>) -> json::Result<Value> {
    match r.peek() {
        Some(b'{') => {
            let mut map = Map::new();
            r.object(|r, key| {
                let value = walk(r)?;
                map.insert(key.into_owned(), value);
                Ok(())
            })?;
            Ok(Value::Object(map))
        }
        Some(b'[') => {
            let mut items = Vec::new();
            r.array(|r| {
                items.push(walk(r)?);
                Ok(())
            })?;
            Ok(Value::Array(items))
        }
        Some(b'"') => Ok(Value::String(r.str()?.into_owned())),
        Some(b't' | b'f') => Ok(r.opt_bool()?.map_or(Value::Null, Value::Bool)),
        Some(b'n') => {
            assert!(r.null()?, "peeked `n` but null() consumed nothing");
            Ok(Value::Null)
        }
        _ => {
            let raw = r.raw()?;
            // The reader validated the number's grammar; serde_json parses it the same way
            // (a range failure here is the documented exclusion, checked by the caller).
            Ok(serde_json::from_str(raw).unwrap_or(Value::Null))
        }
    }
}

fn out_of_range(error: &serde_json::Error) -> bool {
    error.to_string().contains("number out of range")
}

/// Checks every property on one input.
fn check(text: &str) -> Result<(), TestCaseError> {
    let verdict = json::read(text, json::Reader::skip);
    let walked = json::read(text, walk);
    match serde_json::from_str::<Value>(text) {
        Err(error) if out_of_range(&error) => {}
        Err(error) => {
            prop_assert!(
                verdict.is_err(),
                "serde_json rejects ({error}) but the reader accepts {text:?}"
            );
            prop_assert!(walked.is_err(), "the typed walk accepts {text:?}");
        }
        Ok(value) => {
            prop_assert!(
                verdict.is_ok(),
                "serde_json accepts but the reader says: {} on {text:?}",
                verdict.unwrap_err()
            );
            match walked {
                Ok(walked) => prop_assert_eq!(walked, value, "on {:?}", text),
                Err(error) => prop_assert!(false, "typed walk failed: {error} on {text:?}"),
            }
        }
    }
    Ok(())
}

fn check_integer(raw: &str) -> Result<(), TestCaseError> {
    let ours = json::read(raw, json::Reader::opt_u64);
    match serde_json::from_str::<Option<u64>>(raw) {
        Ok(value) => prop_assert_eq!(ours.ok(), Some(value), "u64 of {:?}", raw),
        Err(error) => prop_assert!(ours.is_err(), "u64 of {raw:?}: serde_json says {error}"),
    }
    let ours = json::read(raw, json::Reader::opt_u32);
    match serde_json::from_str::<Option<u32>>(raw) {
        Ok(value) => prop_assert_eq!(ours.ok(), Some(value), "u32 of {:?}", raw),
        Err(error) => prop_assert!(ours.is_err(), "u32 of {raw:?}: serde_json says {error}"),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn serialised_values_read_as_serde_json_reads_them(doc in doc(), seed in any::<u64>()) {
        let mut text = String::new();
        write(&mut text, &doc, &mut Rng(seed));
        check(&text)?;
    }

    #[test]
    fn mutated_values_get_serde_json_verdicts(
        doc in doc(),
        seed in any::<u64>(),
        edits in prop::collection::vec(edit(), 1..4),
    ) {
        let mut text = String::new();
        write(&mut text, &doc, &mut Rng(seed));
        for edit in &edits {
            apply(&mut text, edit);
        }
        check(&text)?;
    }

    #[test]
    fn token_soup_gets_serde_json_verdicts(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..24)) {
        check(&pieces.concat())?;
    }

    #[test]
    fn integers_read_as_serde_json_reads_them(
        raw in "[ ]?(-|\\+)?[0-9]{0,21}(\\.[0-9]{0,2})?([eE][+-]?[0-9]{0,3})?[ ]?|null|nul|[0-9. eE+-]{0,8}",
    ) {
        check_integer(&raw)?;
        check(&raw)?;
    }
}

#[test]
fn nesting_limit_matches_serde_json() {
    for depth in [1, 126, 127, 128, 129, 1000] {
        for (open, close) in [("[", "]"), ("{\"k\":", "}")] {
            let text = format!("{}0{}", open.repeat(depth), close.repeat(depth));
            let serde = serde_json::from_str::<Value>(&text).is_ok();
            assert_eq!(serde, depth <= 127, "serde_json's limit moved");
            assert_eq!(
                json::read(&text, json::Reader::skip).is_ok(),
                serde,
                "{depth} {open}"
            );
            assert_eq!(
                json::read(&text, walk).is_ok(),
                serde,
                "walk {depth} {open}"
            );
        }
    }
    // Hostile nesting fails fast, without recursing a million frames deep.
    let text = "[".repeat(1_000_000);
    let error = json::read(&text, json::Reader::skip).unwrap_err();
    assert!(error.to_string().contains("nested"), "{error}");
}

#[test]
fn escapes_and_surrogates_match_serde_json() {
    let cases = [
        r#""\ud83d\ude00""#,
        r#""\uD83D\uDE00""#,
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        r#""\ud83dx""#,
        r#""\ud83d\n""#,
        r#""\ud83d\ud83d\ude00""#,
        r#""\u00e9\u0000\u001f""#,
        r#""\u12""#,
        r#""\u12g4""#,
        r#""\x""#,
        r#""\'""#,
        r#""\/\b\f\n\r\t\"\\""#,
        "\"raw \u{7f} del\"",
        "\"raw \u{1f} unit separator\"",
        "\"raw \t tab\"",
        "\"unterminated",
        "\"trailing backslash\\",
        r#"{"k\u0065y": 1, "key": 2}"#,
        r#"{"a": 1, "a": 2}"#,
    ];
    for case in cases {
        check(case).unwrap_or_else(|e| panic!("{case}: {e}"));
        check(&format!("[{case}, {case}]")).unwrap_or_else(|e| panic!("{case}: {e}"));
    }
}

#[test]
fn only_json_whitespace_is_whitespace() {
    for ws in [
        " ", "\t", "\n", "\r", "\u{b}", "\u{c}", "\u{a0}", "\u{2028}", "\u{feff}",
    ] {
        for text in [
            format!("{ws}[1,{ws}2]{ws}"),
            format!("{{{ws}\"a\"{ws}:{ws}1{ws}}}"),
        ] {
            check(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        }
    }
    for text in ["", " ", "\n\t"] {
        check(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    }
}
