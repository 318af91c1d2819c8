//! Passwords assigned to a password-named key (`DB_PASSWORD="Xk9#mQ2$vLp7"`, `"pwd": "…"`,
//! `password=hunter2hunter2`), reported as API_KEY: the prefix-less secrets that the key rule
//! in [`super::apikey`] misses, because a password is short and full of symbols where a key is
//! long, alphanumeric and random.
//!
//! Only the assignment form counts, and a command line's basic-auth pair (`curl -u
//! user:password`). "The wifi password is Spring2024!" is prose that names no field, and stays
//! as it is. The value must look like a password rather than code or a template: a letter,
//! plus a digit or a symbol; 8 to 128 bytes; no space; not a `${VAR}`, `%(name)s`, `{{ var }}`,
//! `<token>`, `!vault` or `*******` stand-in; and, unquoted, not an expression
//! (`os.environ["PW"]`, `settings.DB_PASSWORD`, `get_password(user)`).

use super::{Anchor, Scan};
use crate::redact::entity::id;

/// The last word of a key name that makes its value a password: `pwd`, `pass`,
/// `passphrase`, or a word ending in `password`/`passwd` (`PGPASSWORD`, `dbpasswd`).
pub(super) fn is_password_word(w: &[u8]) -> bool {
    let ends = |suffix: &[u8]| {
        w.len() >= suffix.len() && w[w.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    ends(b"password")
        || ends(b"passwd")
        || [&b"pwd"[..], b"pass", b"passphrase"]
            .iter()
            .any(|p| w.eq_ignore_ascii_case(p))
}

/// `curl -u ops@acme.io:xK8vPq2mN7rT4wZ9`, `--user admin:Hunter2hunter2`: the password of a
/// command line's basic-auth pair, as API_KEY. The flags are [`Anchor::BasicAuth`] entries of
/// `anchors` (one text search for all anchors), so the colons of the text cost nothing here.
pub(super) fn basic_auth(sc: &mut Scan<'_>, anchors: &[(usize, Anchor)]) {
    for &(f, anchor) in anchors {
        if anchor != Anchor::BasicAuth {
            continue;
        }
        let b = sc.b;
        let Some(&sep) = b.get(f).filter(|&&x| x == b' ' || x == b'=') else {
            continue;
        };
        let user = f + 1;
        let user_end = user
            + b[user..]
                .iter()
                .take(80)
                .take_while(|&&x| is_user_byte(x))
                .count();
        // `--user=` joins its value; ` -u` and `--user` take it after one space.
        if (sep == b'=' && b[f - 1] == b'u') || user_end == user || b.get(user_end) != Some(&b':') {
            continue;
        }
        if let Some((s, e)) = value_after(b, user_end) {
            sc.push(id::API_KEY, s, e);
        }
    }
}

/// A byte of a basic-auth user name (a login or an e-mail address).
fn is_user_byte(x: u8) -> bool {
    x.is_ascii_alphanumeric() || matches!(x, b'@' | b'.' | b'-' | b'_' | b'+')
}

/// Where the user of a `-u USER:` / `--user USER:` / `--user=USER:` pair ending at `c`
/// starts: the e-mail detector asks, as `user@host:` is otherwise an scp remote.
pub(super) fn basic_auth_user_start(b: &[u8], c: usize) -> Option<usize> {
    let mut s = c;
    while s > 0 && c - s < 80 && is_user_byte(b[s - 1]) {
        s -= 1;
    }
    if s == c {
        return None;
    }
    let head = &b[..s];
    let before_flag = [&b" -u "[..], b" --user ", b" --user="]
        .iter()
        .find_map(|flag| {
            head.strip_suffix(&flag[1..])
                .filter(|h| h.is_empty() || h.ends_with(b" "))
        });
    before_flag.map(|_| s)
}

/// Bounds of a password value, in bytes.
const MIN: usize = 8;
const MAX: usize = 128;

/// The password after the `:` or `=` at `c` (the name before it is a password name), as
/// `(start, end)`.
pub(super) fn value_after(b: &[u8], c: usize) -> Option<(usize, usize)> {
    // Go's `:=` is one operator.
    let mut v = c + 1 + usize::from(b[c] == b':' && b.get(c + 1) == Some(&b'='));
    while v < b.len() && v - c <= 3 && matches!(b[v], b' ' | b'\t') {
        v += 1;
    }
    let (s, e) = match b.get(v)? {
        &q @ (b'"' | b'\'' | b'`') => quoted(b, v + 1, q)?,
        _ => unquoted(b, v)?,
    };
    let val = &b[s..e];
    let quoted = s > v;
    ((MIN..=MAX).contains(&val.len()) && looks_like_a_password(val, quoted)).then_some((s, e))
}

/// A quoted value from `s` to its closing `q`: no whitespace or control byte inside.
fn quoted(b: &[u8], s: usize, q: u8) -> Option<(usize, usize)> {
    let rest = &b[s..b.len().min(s + MAX + 1)];
    let n = rest.iter().position(|&c| c == q || c <= b' ')?;
    (rest[n] == q).then_some((s, s + n))
}

/// An unquoted value: printable ASCII up to a space, a line end, `,` or `;`. A value that
/// runs into a bracket or a quote is code (`os.environ["PW"]`, `get(user)`), not a password.
fn unquoted(b: &[u8], s: usize) -> Option<(usize, usize)> {
    let mut e = s;
    while e < b.len() && e - s <= MAX && b[e] > b' ' && b[e] < 0x7f && !ends_unquoted(b[e]) {
        e += 1;
    }
    if b.get(e).is_some_and(|&c| opens_code(c)) {
        return None;
    }
    // A sentence's full stop is not part of the value.
    while e > s && b[e - 1] == b'.' {
        e -= 1;
    }
    Some((s, e))
}

fn ends_unquoted(c: u8) -> bool {
    matches!(c, b',' | b';' | b')' | b']' | b'}' | b'>') || opens_code(c)
}

/// A call, an index, a template or a string starts here.
fn opens_code(c: u8) -> bool {
    matches!(c, b'(' | b'[' | b'{' | b'<' | b'"' | b'\'' | b'`')
}

/// A letter and a digit or symbol, and no sign of a template, a reference or a mask. In an
/// unquoted value `.`, `_`, `-` and `/` do not count as symbols: with letters alone they make
/// identifiers and paths (`settings.DB_PASSWORD`, `/run/secrets/db`).
fn looks_like_a_password(v: &[u8], quoted: bool) -> bool {
    let letter = v.iter().any(u8::is_ascii_alphabetic);
    let other = v.iter().any(|&c| {
        c.is_ascii_digit()
            || c >= 0x80
            || (c.is_ascii_punctuation() && (quoted || !matches!(c, b'.' | b'_' | b'-' | b'/')))
    });
    letter
        && other
        && !matches!(v[0], b'$' | b'%' | b'{' | b'<' | b'!' | b'*' | b'&' | b'/')
        && memchr::memmem::find(v, b"://").is_none()
        && !super::apikey::placeholder(v)
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};

    fn secrets(s: &str) -> Vec<&str> {
        detect_only(s, id::API_KEY)
    }

    #[test]
    fn passwords_assigned_to_password_names() {
        for (text, value) in [
            (
                "DB_PASSWORD=\"Xk9#mQ2$vLp7!wRz4Tn8\"",
                "Xk9#mQ2$vLp7!wRz4Tn8",
            ),
            ("password=hunter2hunter2", "hunter2hunter2"),
            ("{\"password\": \"Spring2024!\"}", "Spring2024!"),
            ("  pwd: 'c0rrect-h0rse'\n", "c0rrect-h0rse"),
            ("export PGPASSWORD=S3cr3t!Pw", "S3cr3t!Pw"),
            ("DB_PASS=tr0ub4dor&3 ./run.sh", "tr0ub4dor&3"),
            ("smtp.passphrase = `m1ll3r-t1me`", "m1ll3r-t1me"),
            ("Password: Winter2025.", "Winter2025"),
            ("adminPassword: \"pässwört2024\"", "pässwört2024"),
            ("password := \"S3cret!23\"", "S3cret!23"),
        ] {
            assert_eq!(secrets(text), [value], "{text}");
        }
    }

    #[test]
    fn basic_auth_pairs_on_a_command_line() {
        assert_eq!(
            secrets("curl -u ops@acme.io:xK8vPq2mN7rT4wZ9 https://acme.atlassian.net/rest"),
            ["xK8vPq2mN7rT4wZ9"]
        );
        assert_eq!(
            detect_only("curl -u ops@acme.io:xK8vPq2mN7rT4wZ9 https://x", id::EMAIL),
            ["ops@acme.io"]
        );
        assert_eq!(
            secrets("curl --user admin:Hunter2hunter2 -X POST"),
            ["Hunter2hunter2"]
        );
        for s in [
            "git clone git@github.com:org/repo.git",
            "ssh-u x@y.com:abc123456",
            "curl -u admin:admin",
            "the -u flag: a:b",
        ] {
            assert!(secrets(s).is_empty(), "{s}: {:?}", secrets(s));
        }
        assert!(detect_only("git clone git@github.com:org/repo.git", id::EMAIL).is_empty());
    }

    #[test]
    fn references_templates_and_code_are_no_passwords() {
        for text in [
            "password: ${DB_PASSWORD}",
            "password=%(db_password)s",
            "password: \"{{ vault_db_password }}\"",
            "password: !vault |",
            "password: \"********\"",
            "password: <your-password>",
            "password = os.environ[\"DB_PASSWORD\"]",
            "password = settings.DB_PASSWORD",
            "password = get_password(user1)",
            "password_file: /run/secrets/db_password",
            "\"password\": \"Password\"",
            "Password: confetti.",
            "(using password: YES)",
            "password: \"two words1\"",
            "the wifi password is Spring2024! ok",
            "password: abc1",
            "password_env = DB_PASSWORD",
            "bypass=Xk9mQ2vLp7",
        ] {
            assert!(secrets(text).is_empty(), "{text}: {:?}", secrets(text));
        }
    }
}
