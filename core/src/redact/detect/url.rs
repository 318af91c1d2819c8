//! URL: anchored on `://` (with a scheme of two or more letters before it) or on a `www.` that
//! starts a word. Never a bare `name.ext`, so file names and dotted identifiers stay untouched.
//!
//! The span runs from the scheme (or `www.`) over URL characters and then sheds trailing
//! `. , ; : ! ?` and any unbalanced `) ] } '` (the quotes `"`, `<`, `>` and whitespace end a
//! URL outright), so prose punctuation and enclosing brackets stay outside.

use super::Anchor;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{char_at, is_alnum};

const MAX_SCHEME: usize = 32;

/// The URLs at the `://` and `www.` anchors of `anchors` (in text order) from `from` on.
pub(super) fn scan(sc: &mut Scan<'_>, anchors: &[(usize, Anchor)]) {
    let b = sc.b;
    // One URL per token: an anchor inside the previous URL (a nested `https://` in a query
    // string, the `www.` of `https://www.`) adds nothing, and skipping it keeps a token made of
    // thousands of anchors linear.
    let mut covered = 0;
    for &(pos, anchor) in anchors {
        let is_scheme = match anchor {
            Anchor::Scheme => true,
            Anchor::Www => false,
            Anchor::Hl7 { .. } | Anchor::SendGrid | Anchor::BasicAuth => continue,
        };
        if pos < sc.from || pos < covered {
            continue;
        }
        let found = if is_scheme {
            scheme_url(b, pos)
        } else {
            www_url(b, pos)
        };
        if let Some((s, e)) = found {
            if s >= covered {
                covered = e;
                sc.push(id::URL, s, e);
            }
        }
    }
}

fn scheme_url(b: &[u8], p: usize) -> Option<(usize, usize)> {
    let lo = p.saturating_sub(MAX_SCHEME + 1);
    let mut s = p;
    while s > lo && (is_alnum(b[s - 1]) || matches!(b[s - 1], b'+' | b'.' | b'-')) {
        s -= 1;
    }
    if s == lo && lo > 0 && is_alnum(b[lo - 1]) {
        return None;
    }
    while s < p && !b[s].is_ascii_alphabetic() {
        s += 1;
    }
    if p - s < 2 {
        return None;
    }
    let body = p + 3;
    let e = url_end(b, body);
    if e <= body || !b[body..e].iter().any(|&c| is_alnum(c) || c >= 0x80) {
        return None;
    }
    Some((s, e))
}

fn www_url(b: &[u8], w: usize) -> Option<(usize, usize)> {
    if w > 0 && (is_alnum(b[w - 1]) || matches!(b[w - 1], b'.' | b'-' | b'@' | b'/' | b'_')) {
        return None;
    }
    let e = url_end(b, w);
    if e < w + 5 {
        return None;
    }
    // www.<label>.<tld>: at least one more dot followed by a letter.
    let host_end = b[w + 4..e]
        .iter()
        .position(|&c| matches!(c, b'/' | b'?' | b'#' | b':'))
        .map_or(e, |i| w + 4 + i);
    let host = &b[w + 4..host_end];
    let dot = host.iter().rposition(|&c| c == b'.')?;
    (dot > 0 && host.get(dot + 1).is_some_and(|c| c.is_ascii_alphabetic())).then_some((w, e))
}

/// A byte that may continue a URL.
fn url_byte(c: u8) -> bool {
    c > 0x20 && c != 0x7f && !matches!(c, b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|')
}

/// The end of the URL whose body starts at `from` (after trimming).
pub(crate) fn url_end(b: &[u8], from: usize) -> usize {
    let mut e = from;
    while e < b.len() {
        let c = b[e];
        if c < 0x80 {
            if !url_byte(c) {
                break;
            }
            e += 1;
        } else {
            match char_at(b, e) {
                Some(ch) if ch.is_alphanumeric() && !ch.is_whitespace() => e += ch.len_utf8(),
                _ => break,
            }
        }
    }
    trim(b, from, e)
}

/// Sheds trailing punctuation and unbalanced closers from `b[start..end]`.
pub(crate) fn trim(b: &[u8], start: usize, mut end: usize) -> usize {
    let count = |s: &[u8], c: u8| s.iter().filter(|&&x| x == c).count();
    while end > start {
        let span = &b[start..end];
        let drop = match b[end - 1] {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'*' => true,
            b')' => count(span, b'(') < count(span, b')'),
            b']' => count(span, b'[') < count(span, b']'),
            b'}' => count(span, b'{') < count(span, b'}'),
            b'\'' => count(span, b'\'') % 2 == 1,
            _ => false,
        };
        if !drop {
            break;
        }
        end -= 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};

    fn urls(s: &str) -> Vec<&str> {
        detect_only(s, id::URL)
    }

    #[test]
    fn trims_prose_punctuation_and_brackets() {
        assert_eq!(
            urls("see https://example.com/a?b=1."),
            ["https://example.com/a?b=1"]
        );
        assert_eq!(
            urls("(see https://en.wikipedia.org/wiki/Foo_(bar))"),
            ["https://en.wikipedia.org/wiki/Foo_(bar)"]
        );
        assert_eq!(urls("<https://x.org/p>"), ["https://x.org/p"]);
        assert_eq!(
            urls("\"url\": \"http://api.x.io/v1\","),
            ["http://api.x.io/v1"]
        );
        assert_eq!(urls("'www.example.com/path'"), ["www.example.com/path"]);
        assert_eq!(
            urls("[docs](https://docs.rs/regex)"),
            ["https://docs.rs/regex"]
        );
    }

    #[test]
    fn never_a_bare_file_name() {
        assert!(urls("open report.pdf and main.rs, config.yaml").is_empty());
        assert!(urls("://nothing www.example ://").is_empty());
        assert!(urls("a.www.example.com").is_empty());
        assert!(urls("www. www.").is_empty());
    }

    #[test]
    fn one_url_per_token() {
        assert_eq!(
            urls("go https://a.com/r?next=https://b.com/x now"),
            ["https://a.com/r?next=https://b.com/x"]
        );
        assert_eq!(urls("https://www.x.com"), ["https://www.x.com"]);
        assert_eq!(
            urls("postgres://u@db.internal:5432/app"),
            ["postgres://u@db.internal:5432/app"]
        );
    }
}
