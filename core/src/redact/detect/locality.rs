//! The locality that may follow a street address: `, City, ST 12345`, `, City ST 12345`,
//! `, City, ON M5H 2S6`, `, City 1010`, `, London NW1 6XE`, `, 75002 Paris`, `, Meguro-ku,
//! Tokyo 153-0063`. Split from [`super::address`], whose street grammar decides where the
//! street ends; this module decides how far the city, state and postcode after it reach.

use super::address::{capitalised, word};

const STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC", "PR", "VI", "GU",
];

pub(super) fn locality_follows(b: &[u8], e: usize) -> bool {
    if b[e..].starts_with(b", ") {
        if let Some(we) = word(b, e + 2) {
            let w = &b[e + 2..we];
            if w.ends_with(b"-ku") || w.ends_with(b"-shi") {
                return locality(b, we).is_some();
            }
        }
    }
    locality(b, e).is_some()
}

/// `, City, ST 12345(-6789)`, `, City, ST`, `, City POSTCODE`, `, POSTCODE City`.
pub(super) fn locality(b: &[u8], e: usize) -> Option<usize> {
    if !b[e..].starts_with(b", ") {
        return None;
    }
    let p = e + 2;
    if let Some(pe) = postcode(b, p) {
        if b.get(pe) == Some(&b' ') {
            if let Some(ce) = city(b, pe + 1) {
                return Some(ce);
            }
        }
    }
    let ce = city(b, p)?;
    if b[ce..].starts_with(b", ") {
        if let Some(se) = state_and_zip(b, ce + 2, false) {
            return Some(se);
        }
    }
    if b.get(ce) == Some(&b' ') {
        // `Cambridge MA 02139`: without the comma, only with the ZIP code.
        if let Some(pe) = postcode(b, ce + 1).or_else(|| state_and_zip(b, ce + 1, true)) {
            return Some(pe);
        }
    }
    None
}

/// Canada's provinces and territories.
const PROVINCES: &[&str] = &[
    "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
];

/// A US state code at `p`, then its ZIP code (`TX 78701`), or a Canadian province, then its
/// postal code (`ON M5H 2S6`); the state or province alone unless `need_zip`.
fn state_and_zip(b: &[u8], p: usize, need_zip: bool) -> Option<usize> {
    let st = b.get(p..p + 2)?;
    if b.get(p + 2).is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    let code: fn(&[u8], usize) -> Option<usize> = if STATES.iter().any(|s| s.as_bytes() == st) {
        zip
    } else if PROVINCES.iter().any(|s| s.as_bytes() == st) {
        canadian_postal_code
    } else {
        return None;
    };
    let se = p + 2;
    if b.get(se) == Some(&b' ') {
        if let Some(ze) = code(b, se + 1) {
            return Some(ze);
        }
    }
    (!need_zip).then_some(se)
}

/// A Canadian postal code at `p`: `A1A 1A1`, or `A1A1A1`.
fn canadian_postal_code(b: &[u8], p: usize) -> Option<usize> {
    let letter = |q: usize| b.get(q).is_some_and(u8::is_ascii_uppercase);
    let digit = |q: usize| b.get(q).is_some_and(u8::is_ascii_digit);
    if !(letter(p) && digit(p + 1) && letter(p + 2)) {
        return None;
    }
    let q = if b.get(p + 3) == Some(&b' ') {
        p + 4
    } else {
        p + 3
    };
    let whole = digit(q) && letter(q + 1) && digit(q + 2);
    (whole && !b.get(q + 3).is_some_and(u8::is_ascii_alphanumeric)).then_some(q + 3)
}

fn zip(b: &[u8], p: usize) -> Option<usize> {
    let n = b[p..]
        .iter()
        .take(6)
        .take_while(|c| c.is_ascii_digit())
        .count();
    if n != 5 {
        return None;
    }
    let mut e = p + 5;
    if b.get(e) == Some(&b'-')
        && b[e + 1..]
            .iter()
            .take(5)
            .take_while(|c| c.is_ascii_digit())
            .count()
            == 4
    {
        e += 5;
    }
    (!b.get(e).is_some_and(|c| c.is_ascii_alphanumeric())).then_some(e)
}

/// Postcodes: 4–6 digits, `NNN-NNNN`, `C1085`, UK `NW1 6XE` / `EH2 2ER` / `E14 5HP`.
fn postcode(b: &[u8], p: usize) -> Option<usize> {
    let digits = |q: usize| {
        b[q..]
            .iter()
            .take(7)
            .take_while(|c| c.is_ascii_digit())
            .count()
    };
    let end_ok = |e: usize| !b.get(e).is_some_and(|c| c.is_ascii_alphanumeric());
    let n = digits(p);
    if n == 3 && b.get(p + 3) == Some(&b'-') && digits(p + 4) == 4 && end_ok(p + 8) {
        return Some(p + 8);
    }
    if (4..=6).contains(&n) && end_ok(p + n) {
        return Some(p + n);
    }
    if b.get(p).is_some_and(u8::is_ascii_uppercase) && digits(p + 1) == 4 && end_ok(p + 5) {
        return Some(p + 5);
    }
    // UK: outward (A9, A99, A9A, AA9, AA99, AA9A) space inward (9AA).
    let mut q = p;
    let letters = b[q..]
        .iter()
        .take(2)
        .take_while(|c| c.is_ascii_uppercase())
        .count();
    if letters == 0 {
        return None;
    }
    q += letters;
    let d = digits(q);
    if !(1..=2).contains(&d) {
        return None;
    }
    q += d;
    if b.get(q).is_some_and(u8::is_ascii_uppercase) {
        q += 1;
    }
    if b.get(q) != Some(&b' ')
        || !b.get(q + 1).is_some_and(u8::is_ascii_digit)
        || !b.get(q + 2).is_some_and(u8::is_ascii_uppercase)
        || !b.get(q + 3).is_some_and(u8::is_ascii_uppercase)
        || !end_ok(q + 4)
    {
        return None;
    }
    Some(q + 4)
}

/// One to three capitalised words (`San Antonio`, `Winston-Salem`, `København K`).
fn city(b: &[u8], p: usize) -> Option<usize> {
    if !capitalised(b, p) {
        return None;
    }
    let mut e = word(b, p)?;
    if e - p < 2 {
        return None;
    }
    for _ in 0..2 {
        if b.get(e) == Some(&b' ') && capitalised(b, e + 1) {
            let Some(we) = word(b, e + 1) else { break };
            let n = we - e - 1;
            if (n == 2 && b[e + 1..we].iter().all(u8::is_ascii_uppercase))
                || (n == 1 && b.get(we).is_some_and(u8::is_ascii_alphanumeric))
            {
                break;
            }
            e = we;
        } else {
            break;
        }
    }
    Some(e)
}
