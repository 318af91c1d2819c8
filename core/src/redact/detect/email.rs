//! EMAIL: anchored on `@`, expanded to a token-bounded `local@domain.tld`.
//!
//! The local part is letters, digits and `. _ % + -` (any script's letters too), at most 64
//! bytes, never starting or ending with a dot; `=` and `:` end it, so `user=jane@x.org` and
//! `mailto:jane@x.org` give `jane@x.org`. The domain is dot-separated labels with a final
//! label of at least two letters. A `user:pass@host` inside a URL is left to the URL detector,
//! and a `user@host:path` remote is no address.

use super::{Scan, MAX_EMAIL};
use crate::redact::entity::id;
use crate::redact::text::{char_at, char_before, is_alnum};

const MAX_LOCAL: usize = 64;
const MAX_DOMAIN: usize = 253;

pub(super) fn scan(sc: &mut Scan<'_>) {
    let b = sc.b;
    for at in memchr::memchr_iter(b'@', &b[sc.from..]) {
        if let Some((s, e)) = email_at(b, sc.from + at) {
            sc.push(id::EMAIL, s, e);
        }
    }
}

fn local_byte(c: u8) -> bool {
    is_alnum(c) || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn domain_byte(c: u8) -> bool {
    is_alnum(c) || c == b'-'
}

/// The email whose `@` is at `at`, as a byte range.
pub(crate) fn email_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let s = local_start(b, at)?;
    let e = domain_end(b, at + 1)?;
    debug_assert!(e - s <= MAX_EMAIL);
    // `curl -u ops@acme.io:secret` passes a mailbox and its password, not a remote path.
    let remote = remote_path_after(b, e) && super::password::basic_auth_user_start(b, e).is_none();
    if inside_url_userinfo(b, s) || remote {
        return None;
    }
    Some((s, e))
}

/// `git@github.com:org/repo.git`, `deploy@build-01:~/app`, `user@host:22`: an SSH/scp remote
/// (a user on a host), not a mailbox. A colon that ends a sentence is followed by a space.
fn remote_path_after(b: &[u8], e: usize) -> bool {
    b.get(e) == Some(&b':')
        && b.get(e + 1)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || matches!(c, b'/' | b'~' | b'.' | b'_'))
}

fn local_start(b: &[u8], at: usize) -> Option<usize> {
    let lo = at.saturating_sub(MAX_LOCAL + 1);
    let mut s = at;
    while s > lo {
        let c = b[s - 1];
        if c < 0x80 {
            // `o'neill@`: an apostrophe between letters belongs to the local part.
            let apostrophe = c == b'\''
                && s >= 2
                && b[s - 2].is_ascii_alphabetic()
                && b.get(s).is_some_and(u8::is_ascii_alphabetic);
            if !local_byte(c) && !apostrophe {
                break;
            }
            s -= 1;
        } else {
            let ch = char_before(b, s)?;
            if !ch.is_alphanumeric() || is_unspaced(ch) {
                break;
            }
            s -= ch.len_utf8();
        }
    }
    if s <= lo && s > 0 && local_byte(b[s - 1]) {
        return None;
    }
    while s < at && matches!(b[s], b'.' | b'-' | b'+') {
        s += 1;
    }
    let local = &b[s..at];
    if local.is_empty() || local.len() > MAX_LOCAL || local.ends_with(b".") {
        return None;
    }
    if local.windows(2).any(|w| w == b"..") {
        return None;
    }
    Some(s)
}

fn domain_end(b: &[u8], start: usize) -> Option<usize> {
    let hi = (start + MAX_DOMAIN + 1).min(b.len());
    let mut e = start;
    let mut labels = 0;
    let mut last_label;
    loop {
        let ls = e;
        while e < hi {
            let c = b[e];
            if c < 0x80 {
                if !domain_byte(c) {
                    break;
                }
                e += 1;
            } else {
                match char_at(b, e) {
                    Some(ch) if ch.is_alphanumeric() && !is_unspaced(ch) => e += ch.len_utf8(),
                    _ => break,
                }
            }
        }
        if e == ls || b[ls] == b'-' || b[e - 1] == b'-' {
            return None;
        }
        labels += 1;
        last_label = (ls, e);
        if e + 1 < hi && b[e] == b'.' && label_char_at(b, e + 1) {
            e += 1;
            continue;
        }
        break;
    }
    if e >= hi && hi < b.len() {
        return None;
    }
    let tld = &b[last_label.0..last_label.1];
    let tld_ok = tld.len() >= 2
        && (tld.iter().all(|c| c.is_ascii_alphabetic())
            || tld.starts_with(b"xn--")
            || std::str::from_utf8(tld).is_ok_and(|t| t.chars().all(char::is_alphabetic)));
    (labels >= 2 && tld_ok).then_some(last_label.1)
}

fn label_char_at(b: &[u8], i: usize) -> bool {
    if b[i] < 0x80 {
        return domain_byte(b[i]) && b[i] != b'-';
    }
    char_at(b, i).is_some_and(|ch| ch.is_alphanumeric() && !is_unspaced(ch))
}

/// CJK, kana and Hangul are written without spaces: a neighbouring ideograph is not part of
/// an address.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// `https://user:pass@host/`: the `@` belongs to the URL's userinfo (an `@` after the
/// authority, in a path or query, is an address inside the URL).
fn inside_url_userinfo(b: &[u8], s: usize) -> bool {
    let lo = s.saturating_sub(128);
    let mut i = s;
    while i > lo && !b[i - 1].is_ascii_whitespace() && b[i - 1] != b'"' {
        i -= 1;
    }
    memchr::memmem::rfind(&b[i..s], b"://").is_some_and(|k| {
        !b[i + k + 3..s]
            .iter()
            .any(|&c| matches!(c, b'/' | b'?' | b'#'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(s: &str) -> Option<&str> {
        let at = s.find('@')?;
        email_at(s.as_bytes(), at).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn finds_the_value_only() {
        assert_eq!(
            find("mail jane.doe@example.com."),
            Some("jane.doe@example.com")
        );
        assert_eq!(
            find("<mailto:j.o+tag@mail.example.co.uk>"),
            Some("j.o+tag@mail.example.co.uk")
        );
        assert_eq!(find("user=jane@x.org&a=1"), Some("jane@x.org"));
        assert_eq!(
            find("\"josé.garcía@correo.es\""),
            Some("josé.garcía@correo.es")
        );
        assert_eq!(find("邮箱li.wei@example.cn。"), Some("li.wei@example.cn"));
    }

    #[test]
    fn rejects_non_addresses() {
        assert_eq!(find("@@@@"), None);
        assert_eq!(find("a@b"), None);
        assert_eq!(find("user@localhost"), None);
        assert_eq!(find("x@y.1"), None);
        assert_eq!(find("a..b@example.com"), None);
        assert_eq!(find("pkg@1.2.3"), None);
        assert_eq!(find("see https://user:pw@example.com/x"), None);
        assert_eq!(
            find("https://x.com/u?e=jane@example.com"),
            Some("jane@example.com")
        );
        assert_eq!(find(&format!("{}@example.com", "a".repeat(70))), None);
        assert_eq!(find("git clone git@github.com:org/repo.git"), None);
        assert_eq!(find("scp deploy@build-01.example.com:~/app ."), None);
        assert_eq!(
            find("Write to jane@example.com: she answers"),
            Some("jane@example.com")
        );
    }
}
