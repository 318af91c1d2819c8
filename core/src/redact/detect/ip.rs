//! IP_ADDRESS: IPv4 dotted quads and IPv6 (compressed, with a `%zone`, v4-mapped), checked by
//! the standard library's parsers.
//!
//! Rejected: a quad inside a longer dotted run (OIDs like `1.3.6.1.4.1`, 5-part versions), one
//! glued to letters (`v1.2.3.4`), one after a version word (`version 10.0.0.1`) or in a package
//! version (`xft (2.1.8.2-8)`, `zlib >= 1.2.2.3`), and colon runs
//! that parse but read as code (`a::b`, a bare `::`). Port, brackets and `/prefix` stay outside
//! the span; the zone stays inside.

use super::phrases::Phrases;
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{byte_table, is_digit, tokens_before, word_char_at};
use std::net::{Ipv4Addr, Ipv6Addr};

/// Words that make a following dotted quad a version or an object identifier.
#[rustfmt::skip]
static VERSION_WORDS: Phrases = Phrases::new(&[
    &["v"], &["ver"], &["version"], &["versions"], &["release"], &["build"], &["firmware"],
    &["fw"], &["oid"], &["snmp"], &["policy"], &["changes"], &["upgrade"], &["upgraded"],
    &["bump"], &["bumped"],
    // Numbered sections of specifications (`IEEE P802.11ay section 9.4.2.251`).
    &["section"], &["sections"], &["clause"], &["chapter"], &["annex"], &["appendix"],
]);

/// IPv4 at a digit-run start `i` (the caller checked that no letter or digit precedes).
pub(super) fn ipv4_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    if i >= 2 && b[i - 1] == b'.' && is_digit(b[i - 2]) {
        return;
    }
    let mut e = i;
    for part in 0..4 {
        let s = e;
        while e < b.len() && e - s < 3 && is_digit(b[e]) {
            e += 1;
        }
        if e == s || (e < b.len() && is_digit(b[e])) {
            return;
        }
        if part < 3 {
            if e >= b.len() || b[e] != b'.' {
                return;
            }
            e += 1;
        }
    }
    if e + 1 < b.len() && b[e] == b'.' && is_digit(b[e + 1]) {
        return;
    }
    if word_char_at(b, e) || package_version(b, i, e) {
        return;
    }
    let Ok(text) = std::str::from_utf8(&b[i..e]) else {
        return;
    };
    if text.parse::<Ipv4Addr>().is_err() {
        return;
    }
    tokens_before(b, i, 24, &mut sc.toks, 2);
    if VERSION_WORDS.any(b, &sc.toks) {
        return;
    }
    sc.push(id::IP_ADDRESS, i, e);
}

/// `xft (2.1.8.2-8)`, a Debian revision after the quad; `gettext-0.19.8.1`, a package name
/// before it; or `zlib >= 1.2.2.3`, a version constraint (at most two spaces before the quad:
/// detectors read a bounded window, see [`super`]).
fn package_version(b: &[u8], i: usize, e: usize) -> bool {
    let revision = b.get(e) == Some(&b'-') && b.get(e + 1).is_some_and(u8::is_ascii_digit);
    let named = i >= 2 && matches!(b[i - 1], b'-' | b'_') && b[i - 2].is_ascii_alphanumeric();
    let mut p = i;
    while p > 0 && i - p < 2 && b[p - 1] == b' ' {
        p -= 1;
    }
    let before = &b[..p];
    revision || named || product(b, i) || before.ends_with(b">=") || before.ends_with(b"<=")
}

/// `Chrome/122.0.0.0`, `Edg/122.0.2365.92`: a product's version in a User-Agent, a capitalised
/// word glued to the quad by `/`. A host or a path before a `/` is not one
/// (`ec2.internal/10.0.3.17`, `/srv/Data/10.0.0.1`).
fn product(b: &[u8], i: usize) -> bool {
    if i < 2 || b[i - 1] != b'/' {
        return false;
    }
    let end = i - 1;
    let mut s = end;
    while s > 0 && end - s < 24 && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    s < end
        && b[s].is_ascii_uppercase()
        && (s == 0 || !matches!(b[s - 1], b'.' | b'-' | b'_' | b'/'))
}

fn hex(c: u8) -> bool {
    c.is_ascii_hexdigit()
}

/// [`V6_BYTE`] classes: a hex digit or `:`, and `.` (of an embedded IPv4 address).
const HEX_OR_COLON: u8 = 1;
const DOT: u8 = 2;

/// The bytes of an IPv6 address, by class.
static V6_BYTE: [u8; 256] = byte_table!(|b| if b.is_ascii_hexdigit() || b == b':' {
    HEX_OR_COLON
} else if b == b'.' {
    DOT
} else {
    0
});

/// IPv6 around the colon at `c`; returns where the colon run ends so the caller skips the
/// other colons of the same run.
pub(super) fn ipv6_around(sc: &mut Scan<'_>, c: usize) -> usize {
    let b = sc.b;
    let lo = c.saturating_sub(40);
    let mut s = c;
    // Byte classes from a table: `hex` is three range tests, branches that flip along the
    // mixed digits and letters of timestamps and ids, mispredicted several times per colon.
    while s > lo && V6_BYTE[usize::from(b[s - 1])] & HEX_OR_COLON != 0 {
        s -= 1;
    }
    let hi = (s + 46).min(b.len());
    let mut e = c;
    while e < hi && V6_BYTE[usize::from(b[e])] != 0 {
        e += 1;
    }
    let run_end = e;
    if (s == lo && s > 0 && (hex(b[s - 1]) || b[s - 1] == b':'))
        || (e == hi && e < b.len() && (hex(b[e]) || b[e] == b':'))
    {
        return run_end;
    }
    if s > 0 && (b[s - 1].is_ascii_alphanumeric() || matches!(b[s - 1], b'_' | b'.' | b'-')) {
        return run_end;
    }
    while e > s && b[e - 1] == b'.' {
        e -= 1;
    }
    let addr_end = e;
    if e < b.len() && b[e] == b'%' {
        let z = e + 1;
        let mut ze = z;
        while ze < b.len()
            && ze - z < 16
            && (b[ze].is_ascii_alphanumeric() || matches!(b[ze], b'_' | b'-'))
        {
            ze += 1;
        }
        if ze > z {
            e = ze;
        }
    }
    if word_char_at(b, e) {
        return run_end;
    }
    let Ok(text) = std::str::from_utf8(&b[s..addr_end]) else {
        return run_end;
    };
    if plausible_v6(text) && text.parse::<Ipv6Addr>().is_ok() {
        sc.push(id::IP_ADDRESS, s, e);
    }
    run_end.max(e)
}

/// Parses as IPv6 is not enough in code and prose: `a::b`, `::`, `dead::beef` parse too, and
/// so do Rust paths to constants (`f32::E`), which mix cases as no written address does, and
/// Python slices (`indices[1::2]`, `a[10::20]`), whose groups are short and few.
fn plausible_v6(t: &str) -> bool {
    if t == "::1" {
        return true;
    }
    let groups = t.split(':').filter(|g| !g.is_empty()).count();
    let long_group = t.split(':').any(|g| g.len() >= 3);
    let one_case =
        !(t.bytes().any(|c| c.is_ascii_lowercase()) && t.bytes().any(|c| c.is_ascii_uppercase()));
    t.matches(':').count() >= 2
        && groups >= 2
        && (long_group || groups >= 4)
        && one_case
        && t.bytes().any(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::{detect_only, id};

    fn ips(s: &str) -> Vec<&str> {
        detect_only(s, id::IP_ADDRESS)
    }

    #[test]
    fn v4_with_ports_prefixes_and_brackets() {
        assert_eq!(ips("host 192.168.1.20:8080 up"), ["192.168.1.20"]);
        assert_eq!(ips("allow 10.0.0.0/8;"), ["10.0.0.0"]);
        assert_eq!(ips("(8.8.8.8)."), ["8.8.8.8"]);
        assert_eq!(ips("\"ip\":\"203.0.113.7\""), ["203.0.113.7"]);
    }

    #[test]
    fn v4_lookalikes_are_not_addresses() {
        assert!(ips("OID 1.3.6.1.4.1.311.21.20").is_empty());
        assert!(ips("upgrade to 1.2.3.4.5 today").is_empty());
        assert!(ips("v1.2.3.4").is_empty());
        assert!(ips("version 10.0.0.1 released").is_empty());
        assert!(ips("256.1.1.1 and 1.2.3 and 01.02.03.04").is_empty());
        assert!(ips("build 10.0.19041.1").is_empty());
        assert!(ips("xft (2.1.8.2-8) unstable; need zlib >= 1.2.2.3.").is_empty());
        assert!(ips("Upgrade to gettext-0.19.8.1. Changes in 1.2.7.3 (13 Apr 2013)").is_empty());
        assert!(ips("Upgraded to policy 3.5.5.0.").is_empty());
        assert!(ips("Defined by IEEE P802.11ay/D4.0 section 9.4.2.251. (u8)").is_empty());
        assert!(
            ips("(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.92").is_empty()
        );
        // `sec` is seconds in a log line, not a section.
        assert_eq!(ips("GET /health took 2 sec from 10.0.0.5"), ["10.0.0.5"]);
        assert_eq!(
            ips("Node: ip-10-0-3-17.ec2.internal/10.0.3.17"),
            ["10.0.3.17"]
        );
        assert_eq!(ips("ping 10.1.2.3 - it is down"), ["10.1.2.3"]);
    }

    #[test]
    fn v6_forms() {
        assert_eq!(
            ips("from 2001:db8:85a3::8a2e:370:7334 ok"),
            ["2001:db8:85a3::8a2e:370:7334"]
        );
        assert_eq!(ips("[2001:db8::1]:443"), ["2001:db8::1"]);
        assert_eq!(
            ips("link fe80::1ff:fe23:4567:890a%eth0 up"),
            ["fe80::1ff:fe23:4567:890a%eth0"]
        );
        assert_eq!(ips("mapped ::ffff:192.0.2.128."), ["::ffff:192.0.2.128"]);
        assert_eq!(ips("lo ::1"), ["::1"]);
        assert_eq!(
            ips("full 2001:0db8:0000:0000:0000:ff00:0042:8329"),
            ["2001:0db8:0000:0000:0000:ff00:0042:8329"]
        );
    }

    #[test]
    fn v6_lookalikes_are_not_addresses() {
        assert!(ips("use std::net::Ipv6Addr; a::b; x :: Int; 12:30:45").is_empty());
        assert!(ips("mac 00:1A:2B:3C:4D:5E").is_empty());
        assert!(ips("dead::beef").is_empty());
        assert!(ips("assert_eq!(f16::E, e); let x = f32::E * 2.0;").is_empty());
        assert!(ips("indices[1::2] = range(1, n); b = a[10::20]").is_empty());
        assert_eq!(
            ips("upper FE80::1FF:FE23:4567:890A"),
            ["FE80::1FF:FE23:4567:890A"]
        );
    }
}
