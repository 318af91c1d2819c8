//! API_KEY: vendor-prefixed secrets (OpenAI, Anthropic, AWS, GitHub, Slack, Google, Stripe,
//! GitLab, Hugging Face, npm, PyPI, SendGrid, JWTs) checked for their charset and length, and
//! prefix-less secrets after a key name (`api_key=`, `"client_secret": "…"`, `Authorization:
//! Bearer …`, "my API key is …") checked for length and character mix; passwords after a
//! password name are [`super::password`]'s.
//!
//! Placeholders are skipped: `YOUR_API_KEY`, `sk-xxxxxxxx`, `sk-...abcd`, `<token>`,
//! `AKIAIOSFODNN7EXAMPLE`, runs of one repeated character. The span is the key token only.

use super::phrases::Phrases;
use super::{Anchor, Scan};
use crate::redact::entity::id;
use crate::redact::text::{is_alnum, tokens_before, WordList};
use aho_corasick::AhoCorasick;
use std::sync::OnceLock;

/// A byte of a key token (`.` is handled separately for JWTs and SendGrid keys).
pub(crate) fn key_byte(c: u8) -> bool {
    is_alnum(c) || c == b'_' || c == b'-'
}

#[derive(Clone, Copy)]
enum Charset {
    /// Letters and digits.
    Alnum,
    /// Uppercase letters and digits (AWS access key ids).
    Upper,
    /// Letters, digits, `_` and `-`.
    Url,
}

struct Vendor {
    prefix: &'static [u8],
    charset: Charset,
    min: usize,
    max: usize,
    /// Real keys of this vendor mix letters and digits (Hugging Face tokens are letters only).
    digits: bool,
}

const fn v(prefix: &'static [u8], charset: Charset, min: usize, max: usize) -> Vendor {
    Vendor {
        prefix,
        charset,
        min,
        max,
        digits: true,
    }
}

/// Longer prefixes first: the first match wins.
const VENDORS: &[Vendor] = &[
    v(b"sk-ant-", Charset::Url, 32, 400),
    v(b"sk-proj-", Charset::Url, 20, 400),
    v(b"sk-svcacct-", Charset::Url, 20, 400),
    v(b"sk-admin-", Charset::Url, 20, 400),
    v(b"sk-", Charset::Url, 20, 400),
    v(b"sk_live_", Charset::Alnum, 16, 255),
    v(b"sk_test_", Charset::Alnum, 16, 255),
    v(b"rk_live_", Charset::Alnum, 16, 255),
    v(b"rk_test_", Charset::Alnum, 16, 255),
    v(b"whsec_", Charset::Alnum, 24, 255),
    v(b"AKIA", Charset::Upper, 16, 16),
    v(b"ASIA", Charset::Upper, 16, 16),
    v(b"AGPA", Charset::Upper, 16, 16),
    v(b"AIDA", Charset::Upper, 16, 16),
    v(b"AROA", Charset::Upper, 16, 16),
    v(b"ANPA", Charset::Upper, 16, 16),
    v(b"AIza", Charset::Url, 35, 35),
    v(b"ghp_", Charset::Alnum, 30, 255),
    v(b"gho_", Charset::Alnum, 30, 255),
    v(b"ghu_", Charset::Alnum, 30, 255),
    v(b"ghs_", Charset::Alnum, 30, 255),
    v(b"ghr_", Charset::Alnum, 30, 255),
    v(b"github_pat_", Charset::Url, 30, 255),
    v(b"xoxb-", Charset::Url, 10, 255),
    v(b"xoxp-", Charset::Url, 10, 255),
    v(b"xoxa-", Charset::Url, 10, 255),
    v(b"xoxr-", Charset::Url, 10, 255),
    v(b"xoxs-", Charset::Url, 10, 255),
    v(b"xoxe-", Charset::Url, 10, 255),
    v(b"xapp-", Charset::Url, 10, 255),
    v(b"glpat-", Charset::Url, 20, 255),
    Vendor {
        prefix: b"hf_",
        charset: Charset::Alnum,
        min: 30,
        max: 255,
        digits: false,
    },
    v(b"npm_", Charset::Alnum, 36, 36),
    v(b"pypi-", Charset::Url, 50, 400),
    v(b"gsk_", Charset::Alnum, 40, 255),
    v(b"xai-", Charset::Alnum, 40, 255),
    v(b"pplx-", Charset::Alnum, 40, 255),
    v(b"r8_", Charset::Alnum, 30, 255),
];

/// Per first byte, one bit per vendor (in [`VENDORS`] order) whose prefix starts with it:
/// most tokens compare no prefix at all, the others only theirs.
static VENDOR_FIRST: [u64; 256] = {
    assert!(VENDORS.len() <= 64);
    let mut t = [0u64; 256];
    let mut k = 0;
    while k < VENDORS.len() {
        t[VENDORS[k].prefix[0] as usize] |= 1 << k;
        k += 1;
    }
    t
};

/// Key names after which a long opaque value is a secret (the last word of the name).
#[rustfmt::skip]
const SECRET_NAME_WORDS: &[&str] = &[
    "secret", "token", "password", "passwd", "pwd", "pass", "passphrase", "apikey", "credential",
    "credentials", "authorization", "auth", "bearer", "signature", "jwt",
];
static SECRET_NAMES: WordList = WordList::new(SECRET_NAME_WORDS);

/// Words that turn a final `key` into a key name (`api_key`, `x-api-key`, `accessKey`).
#[rustfmt::skip]
const KEY_QUALIFIERS: &[&str] = &[
    "api", "access", "secret", "private", "client", "auth", "app", "master", "signing",
    "encryption", "subscription", "account", "service", "admin", "license", "openai", "anthropic",
    "stripe", "aws", "gcp", "azure", "deploy", "webhook",
];

/// Phrases in prose that announce a secret ("my API key is …", "the access token: …").
#[rustfmt::skip]
static SECRET_PHRASES: Phrases = Phrases::new(&[
    &["api", "key"], &["apikey"], &["access", "key"], &["secret", "key"], &["secret"], &["token"],
    &["access", "token"], &["bearer"], &["password"], &["client", "secret"],
]);

fn in_charset(c: u8, cs: Charset) -> bool {
    match cs {
        Charset::Alnum => is_alnum(c),
        Charset::Upper => c.is_ascii_uppercase() || c.is_ascii_digit(),
        Charset::Url => key_byte(c),
    }
}

/// Checks the key token that starts at `i` (the caller saw a non-key byte before it).
pub(super) fn token_at(sc: &mut Scan<'_>, i: usize) -> bool {
    let b = sc.b;
    if b.len() - i < 16 {
        return false;
    }
    if b[i] == b'e' && b[i..].starts_with(b"eyJ") {
        if let Some(e) = jwt_end(b, i) {
            sc.push(id::API_KEY, i, e);
            return true;
        }
    }
    if b[i..].starts_with(b"SG.") {
        if let Some(e) = dotted_end(b, i + 3, 1, 16) {
            if !placeholder(&b[i..e]) {
                sc.push(id::API_KEY, i, e);
            }
            return true;
        }
    }
    let mut candidates = VENDOR_FIRST[usize::from(b[i])];
    while candidates != 0 {
        let vd = &VENDORS[candidates.trailing_zeros() as usize];
        candidates &= candidates - 1;
        if !b[i..].starts_with(vd.prefix) {
            continue;
        }
        let body = i + vd.prefix.len();
        let mut e = body;
        while e < b.len() && in_charset(b[e], vd.charset) {
            e += 1;
        }
        let n = e - body;
        let glued = e < b.len()
            && (key_byte(b[e]) || (b[e] == b'.' && e + 1 < b.len() && is_alnum(b[e + 1])));
        let shape = if vd.digits {
            mixed(&b[body..e])
        } else {
            distinct(&b[body..e]) >= 10
        };
        if n >= vd.min && n <= vd.max && !glued && shape && !placeholder(&b[i..e]) {
            sc.push(id::API_KEY, i, e);
        }
        return true;
    }
    false
}

/// SendGrid keys (`SG.` then two dotted segments) at their [`Anchor::SendGrid`] anchors. The
/// main pass checks key tokens of ten bytes or more, and `SG` before its dot is two.
pub(super) fn sendgrid(sc: &mut Scan<'_>, anchors: &[(usize, Anchor)]) {
    for &(p, anchor) in anchors {
        let b = sc.b;
        let token_start = p == 0 || !(key_byte(b[p - 1]) || b[p - 1] == b'.');
        if anchor == Anchor::SendGrid && p >= sc.from && token_start {
            token_at(sc, p);
        }
    }
}

/// A long opaque token announced by a key name or phrase just before it.
pub(super) fn contextual_at(sc: &mut Scan<'_>, i: usize, e: usize) {
    let b = sc.b;
    // After `=` it is an assignment (or a query parameter), which `assignment_at` judges.
    if !(20..=512).contains(&(e - i))
        || (i > 0 && b[i - 1] == b'=')
        || !opaque(&b[i..e])
        || placeholder(&b[i..e])
    {
        return;
    }
    tokens_before(b, i, 40, &mut sc.toks, 4);
    if SECRET_PHRASES.any(b, &sc.toks) {
        sc.push(id::API_KEY, i, e);
    }
}

/// After `name:` or `name=` (the colon/equals at `c`), a secret value when `name` is a key
/// name. Returns nothing when the value is a vendor key (the vendor rule already has it).
#[inline]
pub(super) fn assignment_at(sc: &mut Scan<'_>, c: usize) {
    let b = sc.b;
    // `::` joins a path (`llvm::Pass::doInitialization`), it assigns nothing.
    if b.get(c + 1) == Some(&b':') || (c > 0 && b[c - 1] == b':') {
        return;
    }
    let mut n = c;
    while n > 0 && c - n < 3 && matches!(b[n - 1], b' ' | b'"' | b'\'') {
        n -= 1;
    }
    // Most `:` and `=` follow a name that is no key name: its last two letters say so (every
    // key-name word ends in one of a few pairs), else its last word.
    if key_name_ending(b, n) {
        assignment_after_name(sc, c, n);
    }
}

/// [`assignment_at`] once the name ending at `name_end` ends like a key name.
#[inline(never)]
fn assignment_after_name(sc: &mut Scan<'_>, c: usize, name_end: usize) {
    let b = sc.b;
    let mut n = name_end;
    let last = last_word_before(b, name_end);
    let password = super::password::is_password_word(last);
    if !(password
        || SECRET_NAMES.contains(last)
        || last.eq_ignore_ascii_case(b"key")
        || last.eq_ignore_ascii_case(b"keys"))
    {
        return;
    }
    while n > 0 && name_end - n < 48 && (key_byte(b[n - 1]) || b[n - 1] == b'.') {
        n -= 1;
    }
    // A query-string parameter (`?token=…&`) belongs to its URL, not to a key assignment.
    if n == name_end || (n > 0 && matches!(b[n - 1], b'?' | b'&')) {
        return;
    }
    if password {
        if let Some((s, e)) = super::password::value_after(b, c) {
            sc.push(id::API_KEY, s, e);
            return;
        }
    }
    if !is_key_name(&b[n..name_end]) {
        return;
    }
    let mut v = c + 1;
    while v < b.len() && v - c < 4 && matches!(b[v], b' ' | b'"' | b'\'' | b'`') {
        v += 1;
    }
    for scheme in [&b"Bearer "[..], b"bearer ", b"Basic ", b"Token ", b"token "] {
        if b[v..].starts_with(scheme) {
            v += scheme.len();
            break;
        }
    }
    let mut e = v;
    while e < b.len()
        && e - v <= 512
        && (key_byte(b[e]) || matches!(b[e], b'.' | b'+' | b'/' | b'=' | b'~'))
    {
        e += 1;
    }
    while e > v && matches!(b[e - 1], b'.') {
        e -= 1;
    }
    // `auth = base64.encodebytes(auth)`: a call, not a value.
    if b.get(e) == Some(&b'(') {
        return;
    }
    let val = &b[v..e];
    if (16..=512).contains(&val.len()) && opaque(val) && !placeholder(val) {
        sc.push(id::API_KEY, v, e);
    }
}

/// The last word of an identifier (`OPENAI_API_KEY`, `clientSecret`, `x-api-key`) names a key.
fn is_key_name(name: &[u8]) -> bool {
    let (last, rest) = last_word(name);
    let mut buf = [0u8; 16];
    let Some(w) = lower(last, &mut buf) else {
        return false;
    };
    if SECRET_NAMES.contains(w) {
        return true;
    }
    if w != b"key" && w != b"keys" {
        return false;
    }
    if rest.is_empty() {
        return w == b"key";
    }
    let (q, _) = last_word(rest);
    let mut qbuf = [0u8; 16];
    lower(q, &mut qbuf).is_some_and(|q| KEY_QUALIFIERS.iter().any(|n| n.as_bytes() == q))
}

/// True when the identifier ending at `end` (trailing `_ - .` aside) ends in two letters that
/// end one of the key-name words ([`SECRET_NAMES`], `key`, `keys`; all at least three long).
/// Inlined into the `:`/`=` pass: most colons fail it, and a call cost as much as the test.
#[inline]
fn key_name_ending(b: &[u8], end: usize) -> bool {
    /// Per last letter, one bit per letter before it.
    const PAIRS: [u32; 26] = {
        let mut t = [0u32; 26];
        let (mut k, n) = (0, SECRET_NAME_WORDS.len());
        while k < n + 2 {
            let w = if k < n {
                SECRET_NAME_WORDS[k].as_bytes()
            } else if k == n {
                b"key".as_slice()
            } else {
                b"keys".as_slice()
            };
            t[(w[w.len() - 1] - b'a') as usize] |= 1 << (w[w.len() - 2] - b'a');
            k += 1;
        }
        t
    };
    let mut e = end;
    while e > 0 && end - e < 48 && matches!(b[e - 1], b'_' | b'-' | b'.') {
        e -= 1;
    }
    e >= 2
        && b[e - 1].is_ascii_alphabetic()
        && b[e - 2].is_ascii_alphabetic()
        && PAIRS[usize::from(b[e - 1].to_ascii_lowercase() - b'a')]
            & (1 << (b[e - 2].to_ascii_lowercase() - b'a'))
            != 0
}

/// The last word of the identifier that ends at `end` (as [`last_word`] splits it, on the
/// identifier's first 48 bytes back).
fn last_word_before(b: &[u8], end: usize) -> &[u8] {
    let mut e = end;
    while e > 0 && end - e < 48 && matches!(b[e - 1], b'_' | b'-' | b'.') {
        e -= 1;
    }
    let mut s = e;
    while s > 0 && end - s < 48 && b[s - 1].is_ascii_alphanumeric() {
        if s < e && b[s].is_ascii_uppercase() && b[s - 1].is_ascii_lowercase() {
            break;
        }
        s -= 1;
    }
    &b[s..e]
}

/// Splits the last word off an identifier: at `_`, `-`, `.` or a lower-to-upper case change.
fn last_word(name: &[u8]) -> (&[u8], &[u8]) {
    let mut end = name.len();
    while end > 0 && matches!(name[end - 1], b'_' | b'-' | b'.') {
        end -= 1;
    }
    let mut s = end;
    while s > 0 {
        let c = name[s - 1];
        if matches!(c, b'_' | b'-' | b'.') {
            break;
        }
        if s < end && name[s].is_ascii_uppercase() && c.is_ascii_lowercase() {
            break;
        }
        s -= 1;
    }
    (&name[s..end], &name[..s])
}

fn lower<'a>(w: &[u8], buf: &'a mut [u8; 16]) -> Option<&'a [u8]> {
    let out = buf.get_mut(..w.len())?;
    for (d, c) in out.iter_mut().zip(w) {
        *d = c.to_ascii_lowercase();
    }
    Some(out)
}

/// JWT: three base64url segments, the first two starting with `eyJ` (a JSON object).
fn jwt_end(b: &[u8], i: usize) -> Option<usize> {
    let e = dotted_end(b, i, 2, 10)?;
    let second = i + b[i..e].iter().position(|&c| c == b'.')? + 1;
    b[second..].starts_with(b"eyJ").then_some(e)
}

/// `seg(.seg){dots}` of key bytes, each segment at least `min` long, not glued to more.
fn dotted_end(b: &[u8], start: usize, dots: usize, min: usize) -> Option<usize> {
    let mut e = start;
    for k in 0..=dots {
        let s = e;
        while e < b.len() && key_byte(b[e]) {
            e += 1;
        }
        if e - s < min {
            return None;
        }
        if k < dots {
            if e >= b.len() || b[e] != b'.' {
                return None;
            }
            e += 1;
        }
    }
    (!(e < b.len() && (key_byte(b[e]) || b[e] == b'.'))).then_some(e)
}

/// A vendor body with at least one digit and one letter (real keys are random).
fn mixed(body: &[u8]) -> bool {
    body.iter().any(u8::is_ascii_digit) && body.iter().any(u8::is_ascii_alphabetic)
}

/// How many distinct ASCII characters `v` has.
fn distinct(v: &[u8]) -> usize {
    let mut seen = [false; 128];
    let mut n = 0;
    for &c in v {
        if c < 128 && !seen[c as usize] {
            seen[c as usize] = true;
            n += 1;
        }
    }
    n
}

/// An opaque value: letters and digits mixed, enough distinct characters, not a path or URL.
fn opaque(v: &[u8]) -> bool {
    mixed(v)
        && distinct(v) >= 10
        && !v.starts_with(b"/")
        && memchr::memmem::find(v, b"://").is_none()
}

/// Documentation placeholders and masked keys.
pub(crate) fn placeholder(v: &[u8]) -> bool {
    const MARKERS: &[&[u8]] = &[
        b"xxxx",
        b"XXXX",
        b"****",
        b"...",
        b"your",
        b"YOUR",
        b"Your",
        b"EXAMPLE",
        b"example",
        b"REDACTED",
        b"redacted",
        b"placeholder",
        b"PLACEHOLDER",
        b"dummy",
        b"DUMMY",
        b"<",
        b"0000000",
        b"1234567890",
        b"abcdefgh",
        b"ABCDEFGH",
        // A value that names itself (`personal-access-token123`, `mytoken`,
        // `base64-encoded-public-key`): a docs example.
        b"token",
        b"Token",
        b"TOKEN",
        b"-key",
        b"_key",
        b"encoded",
    ];
    // One multi-pattern search: a `memmem` call per marker built a searcher for a short value.
    static SEARCHER: OnceLock<AhoCorasick> = OnceLock::new();
    let searcher = SEARCHER
        .get_or_init(|| AhoCorasick::new(MARKERS).expect("a few short literals always build"));
    if searcher.is_match(v) {
        return true;
    }
    let mut run = 1;
    for w in v.windows(2) {
        run = if w[0] == w[1] { run + 1 } else { 1 };
        if run >= 6 {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};

    fn keys(s: &str) -> Vec<&str> {
        detect_only(s, id::API_KEY)
    }

    #[test]
    fn vendor_keys() {
        for k in [
            "sk-proj-Xk29fQ7LmN3pR8sT1vW4yZ6bC0dE2gH5jK7mP9rS",
            "sk-ant-api03-Zq8XvN2mK4pL7rT9wY1bD3fH5jM6nQ8sU0vX2zA4cE6g",
            "sk-T3BlbkFJq8XvN2mK4pL7rT9wY1bD3fH5jM6nQ8s",
            "AKIAQ3EGTRZ7KJ4NBS5W",
            "ghp_8fJ2kL9mN4pQ7rS1tU3vW5xY6zA0bC2dE4fG",
            "github_pat_11ABCDE2Y0aBcDeFgHiJkL_MnOpQrStUvWxYz0123456789abcdEFGHij",
            "xoxb-2048613729-4096123876-Qz8XvN2mK4pL7rT9wY1bD3fH",
            "AIzaSyD3k9Xv2mN8pQ4rT6wY1bF5hJ7lM0nS2uV",
            "sk_live_51H8xQ2eZvKYlo2C9t4Rk7WmP",
            "glpat-9xK2mP4qR7sT1vW3yZ5b",
            "hf_QzXvNmKpLrTwYbDfHjMnQsUvXzAcEgIk3",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "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",
        ] {
            assert_eq!(keys(&format!("key {k} here")), [k], "{k}");
            assert_eq!(keys(&format!("\"{k}\"")), [k], "{k}");
        }
    }

    #[test]
    fn placeholders_and_lookalikes() {
        for s in [
            "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "use sk-...abcd",
            "api_key: YOUR_API_KEY_HERE_1234567890",
            "AKIAIOSFODNN7EXAMPLE",
            "install sk-learn-classifier-toolkit-for-ml",
            "AKIAQ3EGTRZ7KJ4NBS5WX",
            "pkg ghp_short1",
            "the primary key: 1234",
            "token: <your-token-goes-here-123456>",
            "new Octokit({ auth: `personal-access-token123` })",
            "{ auth: \"mypersonalaccesstoken123\" }",
            "authorization = base64.decodebytes(authorization)",
            "const key = \"base64-encoded-public-key\";",
            "  using llvm::Pass::doInitialization;",
        ] {
            assert!(keys(s).is_empty(), "{s}: {:?}", keys(s));
        }
    }

    #[test]
    fn prefixless_secrets_after_key_names() {
        assert_eq!(
            keys("client_secret=9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
            ["9f8e7d6c5b4a39281706f5e4d3c2b1a0"]
        );
        assert_eq!(
            keys("{\"api_key\": \"Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3\"}"),
            ["Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3"]
        );
        assert_eq!(
            keys("Authorization: Bearer Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3Jd5F"),
            ["Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3Jd5F"]
        );
        assert_eq!(
            keys("x-api-key: Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3"),
            ["Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3"]
        );
        assert_eq!(
            keys("my api key is Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3Jd5F ok"),
            ["Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3Jd5F"]
        );
        assert!(keys("sort_key: Zt7Qm2Lx9Pw4Kc8Rv1Nb6Hs3").is_empty());
        assert!(keys("commit 9f8e7d6c5b4a39281706f5e4d3c2b1a0 landed").is_empty());
    }
}
