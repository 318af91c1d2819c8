//! STREET_ADDRESS: a rule-based grammar, US first, plus the postcode-anchored European forms.
//!
//! - `NUMBER [dir] Name… SUFFIX [dir]` (`2150 Peachtree Rd NW`, `300 E 23rd St`);
//! - `NUMBER rue|avenue|boulevard|place|… words` (`12 rue de la Paix`, `1200 Rue
//!   Sainte-Catherine O`);
//! - `Street-word … NUMBER` where the street word is a keyword or suffix (`Hauptstraße 12`,
//!   `Calle de Alcalá 152`, `Via Giuseppe Garibaldi 27`, `Bağdat Caddesi 145`);
//! - `NUMBER Name…` with no suffix only when a city/postcode tail follows (`2-11-3 Meguro,
//!   Meguro-ku, Tokyo 153-0063`);
//! - a post office box (`PO Box 30555`, `P.O. Box 12`).
//!
//! Then, when they directly follow: a unit (`, Apt 3`, `, Suite 400`, `, Unit 12B`) and a
//! locality ([`super::locality`]: `, City, ST 12345`, `, City, ON M5H 2S6`, `, London NW1 6XE`,
//! `, 75002 Paris`).

use super::locality::{locality, locality_follows};
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{char_at, digit_run, is_digit, WordList};

const MAX_SPAN: usize = 200;

#[rustfmt::skip]
static SUFFIXES: WordList = WordList::new(&[
    "street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "drive", "dr",
    "lane", "ln", "court", "ct", "place", "pl", "way", "terrace", "ter", "terr", "circle", "cir",
    "parkway", "pkwy", "highway", "hwy", "square", "sq", "trail", "trl", "loop", "row", "walk",
    "plaza", "plz", "pike", "alley", "crescent", "cres", "close", "gardens", "mews", "grove",
    "heights", "ridge", "path", "expressway", "expy", "freeway", "fwy", "turnpike", "causeway",
    "esplanade", "parade", "quay", "wharf", "broadway",
]);

#[rustfmt::skip]
static FR_TYPES: WordList = WordList::new(&[
    "rue", "avenue", "av", "boulevard", "bd", "place", "chemin", "allée", "impasse", "quai",
    "route", "cours", "square", "passage", "rua",
]);

/// The French street types that open a street capitalised too (`1200 Rue Sainte-Catherine O`,
/// as Quebec writes them); the others (`Place`, `Square`, `Route`) start English names.
static FR_TYPES_CAPITALISED: WordList = WordList::new(&[
    "rue",
    "chemin",
    "allée",
    "impasse",
    "quai",
    "rua",
    "boulevard",
]);

/// Leading street keywords (`Calle Mayor`, `Via Roma`).
static LEADING: WordList = WordList::new(&[
    "calle", "c/", "avenida", "avda", "plaza", "paseo", "camino", "carrer", "via", "viale",
    "piazza", "corso", "largo", "rua", "travessa", "ulica", "ul",
]);

/// Street-name endings of one-word streets (`Hauptstraße`, `Kerkstraat`, `Nørregade`) and
/// trailing street words (`Bağdat Caddesi`).
static ENDINGS: WordList = WordList::new(&[
    "straße", "strasse", "str.", "weg", "platz", "allee", "gasse", "ring", "damm", "ufer",
    "chaussee", "steig", "straat", "laan", "gracht", "plein", "kade", "singel", "gade", "vej",
    "gatan", "vägen", "gata", "caddesi", "sokak", "sokağı", "bulvarı",
]);

static DIRECTIONS: WordList = WordList::new(&[
    "n", "s", "e", "w", "ne", "nw", "se", "sw", "north", "south", "east", "west",
]);

#[rustfmt::skip]
static UNITS: WordList = WordList::new(&[
    "apt", "apartment", "suite", "ste", "unit", "fl", "floor", "room", "rm", "bldg", "building",
    "#",
]);

/// A word at `p`: letters (any script), inner `'`/`-`; returns its end.
pub(super) fn word(b: &[u8], p: usize) -> Option<usize> {
    let mut e = p;
    while e < b.len() && e - p < 40 {
        if b[e].is_ascii_alphabetic() {
            e += 1;
            continue;
        }
        if b[e] < 0x80 && !matches!(b[e], b'\'' | b'-') {
            break;
        }
        let c = char_at(b, e)?;
        if c.is_alphabetic() {
            e += c.len_utf8();
        } else if matches!(c, '\'' | '-')
            && char_at(b, e + 1).is_some_and(char::is_alphabetic)
            && e > p
        {
            e += 1;
        } else {
            break;
        }
    }
    (e > p).then_some(e)
}

pub(super) fn capitalised(b: &[u8], p: usize) -> bool {
    match b.get(p) {
        Some(&c) if c < 0x80 => c.is_ascii_uppercase(),
        _ => char_at(b, p).is_some_and(char::is_uppercase),
    }
}

/// An ordinal street number word: `23rd`, `5th`, `1st`.
fn ordinal(b: &[u8], p: usize) -> Option<usize> {
    let mut e = p;
    while e < b.len() && is_digit(b[e]) && e - p < 4 {
        e += 1;
    }
    if e == p {
        return None;
    }
    let rest = &b[e..b.len().min(e + 2)];
    matches!(rest, b"st" | b"nd" | b"rd" | b"th").then_some(e + 2)
}

/// The house number at `i`: digits, an optional letter (`221B`), or a Japanese
/// block-lot-building triple (`2-11-3`).
fn house(b: &[u8], i: usize) -> Option<usize> {
    let mut e = i;
    while e < b.len() && is_digit(b[e]) && e - i < 6 {
        e += 1;
    }
    if e < b.len() && b[e].is_ascii_uppercase() && b.get(e + 1) == Some(&b' ') {
        e += 1;
    }
    while e + 1 < b.len() && b[e] == b'-' && is_digit(b[e + 1]) {
        e += 1;
        while e < b.len() && is_digit(b[e]) {
            e += 1;
        }
    }
    (b.get(e) == Some(&b' ') && !(e < b.len() && b[e].is_ascii_alphanumeric())).then_some(e)
}

/// The first word after a house number is capitalised, an ordinal, or a French street type
/// (all of which start with one of these letters), or not ASCII.
fn street_word_may_start(c: u8) -> bool {
    c >= 0x80
        || c.is_ascii_uppercase()
        || c.is_ascii_digit()
        || matches!(c, b'r' | b'a' | b'b' | b'p' | b'c' | b'i' | b'q' | b's')
}

/// Could an address start at, or end with, the run of `n` digits at `i`? The first steps of
/// [`number_first`] and [`street_first`], without their reading of the words: a house number
/// is at most six digits, not glued to a word, an amount or a decimal, and followed by a space
/// and a word that may start a street; the number after a street name is at most five digits
/// after a space and a word that is capitalised or a connector. Most numbers in prose ("after
/// 14 days", a timestamp, a log line's milliseconds) fail here.
#[inline]
pub(super) fn may_start(b: &[u8], i: usize, n: usize) -> bool {
    let prev = if i > 0 { b[i - 1] } else { b' ' };
    let number_first = n <= 6
        && !glues(prev)
        && match b.get(i + n) {
            Some(b' ') => b.get(i + n + 1).is_some_and(|&c| street_word_may_start(c)),
            // A unit letter (`12B Main St`) or more groups (`12-14 Rue …`): as `house` reads them.
            Some(&c) if c == b'-' || c.is_ascii_uppercase() => {
                house(b, i).is_some_and(|h| b.get(h + 1).is_some_and(|&c| street_word_may_start(c)))
            }
            _ => false,
        };
    // A post office box number follows `Box ` (`PO Box 30555`): one byte to test, before the
    // call that reads the word before a street-first number.
    number_first
        || (i >= 2
            && prev == b' '
            && ((n <= 8 && b[i - 2] | 0x20 == b'x') || (n <= 5 && may_end_street_name(b, i - 1))))
}

/// Could the word ending at `e` be the last word of a street name, as [`street_first`] reads
/// it? A plain ASCII word must be capitalised or a connector; a word with other bytes (`.`,
/// `'`, `-`, `/`, non-ASCII letters) is left to `street_first`.
fn may_end_street_name(b: &[u8], e: usize) -> bool {
    let mut s = e;
    while s > 0 && e - s < 32 && b[s - 1].is_ascii_alphabetic() {
        s -= 1;
    }
    let other = |c: u8| c >= 0x80 || matches!(c, b'\'' | b'-' | b'.' | b'/');
    if s == e {
        return other(b[e - 1]);
    }
    (s > 0 && (other(b[s - 1]) || b[s - 1].is_ascii_alphabetic()))
        || b[s].is_ascii_uppercase()
        || is_connector(&b[s..e])
}

/// ADDRESS at the digit-run start `i` (number-first forms) or ending at it (street-first).
pub(super) fn address_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    let found = number_first(b, i)
        .or_else(|| street_first(b, i))
        .or_else(|| po_box(b, i));
    if let Some((s, e)) = found {
        if e - s <= MAX_SPAN {
            sc.push(id::STREET_ADDRESS, s, e);
        }
    }
}

/// `PO Box 30555`, `P.O. Box 12, Salt Lake City, UT 84130`: a post office box, from its label
/// to the number at `i` and the locality after it. A mailing address, as identifying as a
/// street (HIPAA lists both).
fn po_box(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let s = po_box_label(b, i)?;
    let e = i + digit_run(b, i, 9);
    (e - i <= 8 && !b.get(e).is_some_and(u8::is_ascii_alphanumeric)).then(|| (s, tail(b, e)))
}

/// Where the label of a post office box ends just before `i` (`PO Box `, `P.O. Box `, `Post
/// Office Box `, any case) starts.
fn po_box_label(b: &[u8], i: usize) -> Option<usize> {
    let head = b[..i].strip_suffix(b" ")?;
    let head = head
        .len()
        .checked_sub(3)
        .filter(|&k| head[k..].eq_ignore_ascii_case(b"box"))
        .map(|k| &head[..k])?
        .strip_suffix(b" ")?;
    ["po", "p.o.", "p. o.", "post office"]
        .iter()
        .find_map(|label| {
            let k = head.len().checked_sub(label.len())?;
            let at_word_start = k == 0 || !head[k - 1].is_ascii_alphanumeric();
            (head[k..].eq_ignore_ascii_case(label.as_bytes()) && at_word_start).then_some(k)
        })
}

/// A byte that glues a number to what precedes it (a word, a decimal, an amount, a `#` id):
/// a number after it is no house number.
#[inline]
fn glues(prev: u8) -> bool {
    prev.is_ascii_alphanumeric() || matches!(prev, b'.' | b'-' | b'/' | b'#' | b'$')
}

fn number_first(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if i > 0 && glues(b[i - 1]) {
        return None;
    }
    let h = house(b, i)?;
    let mut p = h + 1;
    if !b.get(p).is_some_and(|&c| street_word_may_start(c)) {
        return None;
    }
    // French order: number, street type, name words up to the comma.
    if let Some(we) = word(b, p) {
        let street_type = &b[p..we];
        if FR_TYPES.contains(street_type)
            && (!capitalised(b, p) || FR_TYPES_CAPITALISED.contains(street_type))
        {
            let mut e = we;
            let mut named = false;
            let mut n = 0;
            while b.get(e) == Some(&b' ') && n < 6 {
                let Some(ne) = word(b, e + 1) else { break };
                let w = &b[e + 1..ne];
                let cap = capitalised(b, e + 1);
                let connector = matches!(w, b"de" | b"la" | b"du" | b"des" | b"le" | b"les")
                    || w.starts_with(b"l'")
                    || w.starts_with(b"d'");
                if !(cap || connector) {
                    break;
                }
                named |= cap;
                e = ne;
                n += 1;
            }
            return named.then(|| (i, tail(b, e)));
        }
    }
    let mut words = 0;
    let mut last_end;
    let suffix_end;
    loop {
        let we = word(b, p).or_else(|| ordinal(b, p))?;
        let w = &b[p..we];
        let dir = words == 0 && w[0].is_ascii_uppercase() && DIRECTIONS.contains(w);
        // `Cedar Ridge Court`: a suffix word followed by another one is part of the name.
        let suffix_next = b.get(we) == Some(&b' ')
            && word(b, we + 1)
                .is_some_and(|ne| capitalised(b, we + 1) && SUFFIXES.contains(&b[we + 1..ne]));
        if !dir && words > 0 && capitalised(b, p) && SUFFIXES.contains(w) && !suffix_next {
            let mut e = we;
            if b.get(e) == Some(&b'.') {
                e += 1;
            }
            if b.get(e) == Some(&b' ') {
                if let Some(de) = word(b, e + 1) {
                    if DIRECTIONS.contains(&b[e + 1..de])
                        && b[e + 1].is_ascii_uppercase()
                        && de - e - 1 <= 2
                    {
                        e = de;
                    }
                }
            }
            suffix_end = Some(e);
            break;
        }
        if !(capitalised(b, p) || is_digit(b[p]))
            || (w.len() > 1 && w.iter().all(u8::is_ascii_uppercase) && !dir)
        {
            return None;
        }
        if !dir {
            words += 1;
        }
        last_end = we;
        if words > 4 || b.get(we) != Some(&b' ') {
            // No suffix: only a locality tail makes it an address.
            let t = tail(b, last_end);
            return (t > last_end && words >= 1 && locality_follows(b, last_end)).then_some((i, t));
        }
        p = we + 1;
    }
    let e = suffix_end?;
    Some((i, tail(b, e)))
}

/// A lower-case word inside a street name (`Calle de Alcalá`, `Rue de la Paix`).
fn is_connector(w: &[u8]) -> bool {
    matches!(
        w,
        b"de" | b"la" | b"del" | b"di" | b"della" | b"van" | b"der" | b"do" | b"da" | b"des"
    )
}

/// Street word(s) then the number at `i`: `Hauptstraße 12`, `Calle de Alcalá 152`.
fn street_first(b: &[u8], i: usize) -> Option<(usize, usize)> {
    if i < 2 || b[i - 1] != b' ' {
        return None;
    }
    let mut e = i;
    while e < b.len() && is_digit(b[e]) && e - i < 5 {
        e += 1;
    }
    if e < b.len()
        && b[e].is_ascii_lowercase()
        && !b.get(e + 1).is_some_and(|c| c.is_ascii_alphanumeric())
    {
        e += 1;
    }
    if e < b.len()
        && (b[e].is_ascii_alphanumeric()
            || b[e] == b'.' && b.get(e + 1).is_some_and(u8::is_ascii_digit))
    {
        return None;
    }
    // Collect up to five words backwards.
    if !(b[i - 2].is_ascii_alphabetic() || b[i - 2] >= 0x80 || b[i - 2] == b'.') {
        return None;
    }
    let mut starts = [(0usize, 0usize); 5];
    let mut n = 0;
    let mut q = i - 1;
    while n < 5 && q > 0 {
        let we = q;
        let mut ws = we;
        while ws > 0 {
            if b[ws - 1].is_ascii_alphabetic() {
                ws -= 1;
                continue;
            }
            if b[ws - 1] < 0x80 {
                if matches!(b[ws - 1], b'\'' | b'-' | b'.' | b'/') {
                    ws -= 1;
                    continue;
                }
                break;
            }
            let prev = crate::redact::text::char_before(b, ws)?;
            if prev.is_alphabetic() || matches!(prev, '\'' | '-' | '.' | '/') {
                ws -= prev.len_utf8();
            } else {
                break;
            }
        }
        if ws == we {
            break;
        }
        // Glued to `_` or a digit, the word ends an identifier (`V_ASN1_OCTET_STRING 4`), and
        // `STRING` is no street named …ring.
        if ws > 0 && (b[ws - 1] == b'_' || b[ws - 1].is_ascii_digit()) {
            return None;
        }
        if !(capitalised(b, ws) || is_connector(&b[ws..we])) {
            break;
        }
        starts[n] = (ws, we);
        n += 1;
        if ws == 0 || b[ws - 1] != b' ' {
            break;
        }
        q = ws - 1;
    }
    while n > 0 && !capitalised(b, starts[n - 1].0) {
        n -= 1;
    }
    let &(first_s, first_e) = starts[..n].last()?;
    let lead = LEADING.contains(&b[first_s..first_e]);
    let nearest = starts[0];
    if !(lead || has_street_ending(&b[nearest.0..nearest.1])) {
        return None;
    }
    let standalone = ENDINGS.contains(&b[nearest.0..nearest.1]);
    let s = if lead || standalone {
        first_s
    } else {
        nearest.0
    };
    Some((s, tail(b, e)))
}

/// `Hauptstraße`, `Kerkstraat`, `Bağdat Caddesi`: the word ends (any case) with a street ending.
fn has_street_ending(w: &[u8]) -> bool {
    if w.is_ascii() {
        return ENDINGS.words().iter().any(|x| {
            w.len() >= x.len() && w[w.len() - x.len()..].eq_ignore_ascii_case(x.as_bytes())
        });
    }
    std::str::from_utf8(w).is_ok_and(|w| {
        let w = w.to_lowercase();
        ENDINGS.words().iter().any(|x| w.ends_with(x))
    })
}

/// Extends an address over a directly following unit and locality.
fn tail(b: &[u8], mut e: usize) -> usize {
    if let Some(u) = unit(b, e) {
        e = u;
    }
    // An optional ward/district (`, Meguro-ku`) before the locality.
    if b[e..].starts_with(b", ") {
        if let Some(we) = word(b, e + 2) {
            let w = &b[e + 2..we];
            if (w.ends_with(b"-ku") || w.ends_with(b"-shi") || w.ends_with(b"-gun"))
                && locality(b, we).is_some()
            {
                e = we;
            }
        }
    }
    locality(b, e).unwrap_or(e)
}

fn unit(b: &[u8], e: usize) -> Option<usize> {
    let p = if b[e..].starts_with(b", ") {
        e + 2
    } else if b[e..].starts_with(b" ") {
        e + 1
    } else {
        return None;
    };
    let (we, is_hash) = if b.get(p) == Some(&b'#') {
        (p + 1, true)
    } else {
        (word(b, p)?, false)
    };
    if !is_hash && !UNITS.contains(&b[p..we]) {
        return None;
    }
    let mut q = we;
    if b.get(q) == Some(&b'.') {
        q += 1;
    }
    if b.get(q) == Some(&b' ') {
        q += 1;
    }
    if b.get(q) == Some(&b'#') {
        q += 1;
    }
    let s = q;
    while q < b.len() && q - s < 8 && (b[q].is_ascii_alphanumeric() || b[q] == b'-') {
        q += 1;
    }
    (q > s && b[s..q].iter().any(u8::is_ascii_digit)).then_some(q)
}

#[cfg(test)]
mod tests {
    use super::super::{corpus_cases, detect_only, id};
    use super::{may_start, number_first, po_box, street_first};
    use crate::redact::text::digit_run;

    fn addrs(s: &str) -> Vec<&str> {
        detect_only(s, id::STREET_ADDRESS)
    }

    /// The gate is only a shortcut: every digit run where either reading finds an address
    /// passes it, on the whole corpus and on forms it judges by their bytes.
    #[test]
    fn the_gate_passes_every_address() {
        let mut texts: Vec<String> = corpus_cases()
            .iter()
            .map(|c| c["text"].as_str().unwrap().to_owned())
            .collect();
        texts.extend(
            [
                "12B Main Street",
                "12-14 Rue de Rivoli",
                "Calle de Alcalá 152",
                "Hauptstraße 12",
                "rue de la Paix 5",
                "St. Mark's Pl 4",
                "O'Connell St 7",
                "9 rue Oberkampf",
                "Bağdat Caddesi 23",
                "1600 Amphitheatre Pkwy",
                "23rd St 4",
                "PO Box 30555",
                "P.O. Box 105321",
                "1200 Rue Sainte-Catherine O",
            ]
            .map(String::from),
        );
        let mut found = 0;
        for t in &texts {
            let b = t.as_bytes();
            for i in 0..b.len() {
                if !b[i].is_ascii_digit() || (i > 0 && b[i - 1].is_ascii_digit()) {
                    continue;
                }
                let address = number_first(b, i)
                    .or_else(|| street_first(b, i))
                    .or_else(|| po_box(b, i));
                if address.is_some() {
                    found += 1;
                    assert!(may_start(b, i, digit_run(b, i, 20)), "{t:?} at {i}");
                }
            }
        }
        assert!(found > 60, "{found}");
    }

    #[test]
    fn us_forms() {
        assert_eq!(
            addrs("at 2150 Peachtree Rd NW, Suite 400, Atlanta, GA 30309. Fax"),
            ["2150 Peachtree Rd NW, Suite 400, Atlanta, GA 30309"]
        );
        assert_eq!(
            addrs("Address: 48 Linden Street, Apt 3, Brookline, MA 02445\n"),
            ["48 Linden Street, Apt 3, Brookline, MA 02445"]
        );
        assert_eq!(
            addrs("300 E 23rd St, Apt 9C, New York, NY 10010"),
            ["300 E 23rd St, Apt 9C, New York, NY 10010"]
        );
        assert_eq!(
            addrs("trip from 123 Main St to the airport"),
            ["123 Main St"]
        );
        assert_eq!(
            addrs("1 Medical Center Blvd, Winston-Salem, NC 27157."),
            ["1 Medical Center Blvd, Winston-Salem, NC 27157"]
        );
        // No comma between the city and the state: only with the ZIP code.
        assert_eq!(
            addrs("Deliver to 77 Massachusetts Ave, Cambridge MA 02139 today"),
            ["77 Massachusetts Ave, Cambridge MA 02139"]
        );
        assert_eq!(
            addrs("near 77 Massachusetts Ave, Cambridge MA office"),
            ["77 Massachusetts Ave"]
        );
    }

    #[test]
    fn other_countries() {
        assert_eq!(
            addrs("wohnhaft Hauptstraße 12, 10115 Berlin. Diagnose"),
            ["Hauptstraße 12, 10115 Berlin"]
        );
        assert_eq!(
            addrs("Domicilio: Calle de Alcalá 152, 28009 Madrid\n"),
            ["Calle de Alcalá 152, 28009 Madrid"]
        );
        assert_eq!(
            addrs("domiciliée 12 rue de la Paix, 75002 Paris."),
            ["12 rue de la Paix, 75002 Paris"]
        );
        assert_eq!(
            addrs("Address: 22 Baker Street, London NW1 6XE |"),
            ["22 Baker Street, London NW1 6XE"]
        );
        assert_eq!(
            addrs("Tokyo: 2-11-3 Meguro, Meguro-ku, Tokyo 153-0063"),
            ["2-11-3 Meguro, Meguro-ku, Tokyo 153-0063"]
        );
        assert_eq!(
            addrs("er Nørregade 12, 1165 København K. Ses"),
            ["Nørregade 12, 1165 København K"]
        );
        // Canada: a province and its postal code; Quebec capitalises the French street type.
        assert_eq!(
            addrs("Ship to 350 Bay St, Toronto, ON M5H 2S6 please"),
            ["350 Bay St, Toronto, ON M5H 2S6"]
        );
        assert_eq!(
            addrs("New address: 1200 Rue Sainte-Catherine O, Montréal, QC H3B 1K9. Merci!"),
            ["1200 Rue Sainte-Catherine O, Montréal, QC H3B 1K9"]
        );
    }

    #[test]
    fn post_office_boxes() {
        assert_eq!(
            addrs("Appeals: mail to PO Box 30555, Salt Lake City, UT 84130."),
            ["PO Box 30555, Salt Lake City, UT 84130"]
        );
        assert_eq!(
            addrs("P.O. Box 105321 and POST OFFICE BOX 991, Austin, TX 78701"),
            ["P.O. Box 105321", "POST OFFICE BOX 991, Austin, TX 78701"]
        );
        for s in [
            "the Xbox 360",
            "a box 12 of screws",
            "Inbox 3",
            "HIPPO Box 12",
            "PO Box 12a",
        ] {
            assert!(addrs(s).is_empty(), "{s}: {:?}", addrs(s));
        }
    }

    #[test]
    fn not_addresses() {
        for s in [
            "#define V_ASN1_OCTET_STRING 4\n# define ASN1_ETYPE_GENERALSTRING 27",
            "Apgar score 8 and 9 at 1 and 5 minutes",
            "4 bd / 2.5 ba",
            "Build #4412 failed",
            "Follow up in 1 week",
            "room 12 is free",
            "about 3 Main points",
        ] {
            assert!(addrs(s).is_empty(), "{s}: {:?}", addrs(s));
        }
    }
}
