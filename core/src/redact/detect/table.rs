//! Structured-text context: the CSV column a cell sits in (read from the header line above it)
//! and HL7 v2 segments (`PID`, `NK1`), whose field positions say what a value is.
//!
//! Both read only a bounded neighbourhood ([`MAX_LOOKBACK`] bytes back), so a header further
//! up than that gives no context: the rows it governs then fall back to the other rules.

use super::{Anchor, Scan};
use crate::redact::entity::id;
use crate::redact::text::{floor_boundary, MAX_LOOKBACK};
use memchr::{memchr_iter, memrchr};

/// The part of an HL7 segment that is read (PID-19 and NK1-5 come well before this).
pub(super) const MAX_SEGMENT: usize = 512;

fn line_start(b: &[u8], pos: usize, lo: usize) -> Option<usize> {
    match memrchr(b'\n', &b[lo..pos]) {
        Some(k) => Some(lo + k + 1),
        None if lo == 0 => Some(0),
        None => None,
    }
}

fn line_end(b: &[u8], pos: usize) -> usize {
    memchr::memchr2(b'\n', b'\r', &b[pos..]).map_or(b.len(), |k| pos + k)
}

fn commas(line: &[u8]) -> usize {
    memchr_iter(b',', line).count()
}

/// The header cell (byte range) of the CSV column that the cell starting at `pos` belongs to,
/// when `pos` starts a cell of a comma-separated table whose header line is in view.
pub(crate) fn column_name(b: &[u8], pos: usize) -> Option<(usize, usize)> {
    if pos > 0 && !matches!(b[pos - 1], b',' | b'\n') {
        return None;
    }
    let lo = pos.saturating_sub(MAX_LOOKBACK);
    let ls = line_start(b, pos, lo)?;
    let le = line_end(b, pos);
    let n = commas(&b[ls..le]);
    if n == 0 || b[ls..le].len() > 512 {
        return None;
    }
    let col = commas(&b[ls..pos]);
    // Walk up the lines of the same shape; the top one is the header.
    let mut header = None;
    let mut cur = ls;
    while cur > lo + 1 {
        let prev_end = cur - 1;
        let Some(ps) = line_start(b, prev_end, lo) else {
            break;
        };
        if commas(&b[ps..prev_end]) != n {
            break;
        }
        header = Some((ps, prev_end));
        cur = ps;
        if ps == 0 {
            break;
        }
    }
    let (hs, he) = header?;
    let line = &b[hs..he];
    if !line
        .iter()
        .all(|&c| c.is_ascii_alphabetic() || matches!(c, b',' | b'_' | b' ' | b'/' | b'-'))
    {
        return None;
    }
    let mut start = hs;
    let mut k = 0;
    for (j, &c) in line.iter().enumerate() {
        if c == b',' {
            if k == col {
                return Some((start, hs + j));
            }
            k += 1;
            start = hs + j + 1;
        }
    }
    (k == col).then_some((start, he))
}

/// True when the cell at `pos` is in a column whose header contains one of `names` as a word
/// (`member_name` has `name`).
pub(crate) fn column_is(b: &[u8], pos: usize, names: &[&str]) -> bool {
    column_name(b, pos).is_some_and(|(s, e)| {
        b[s..e]
            .split(|&c| matches!(c, b'_' | b' ' | b'-' | b'/'))
            .any(|w| names.iter().any(|n| w.eq_ignore_ascii_case(n.as_bytes())))
    })
}

/// HL7 v2: `PID|…` and `NK1|…` segments. Identifiers typed `MR` (PID-3) are MRNs and typed
/// `SS` are SSNs; PID-5 / NK1-2 are names (`FAMILY^GIVEN^MIDDLE`), PID-7 the birth date,
/// PID-11 / NK1-4 addresses.
///
/// The segment tags are the [`Anchor::Hl7`] entries of `anchors`, found from [`MAX_SEGMENT`]
/// bytes before `from` on: a segment's values can start up to that far after its tag (values
/// before `from` are dropped by `push`).
pub(super) fn hl7(sc: &mut Scan<'_>, anchors: &[(usize, Anchor)]) {
    let b = sc.b;
    for &(s, anchor) in anchors {
        let Anchor::Hl7 { pid } = anchor else {
            continue;
        };
        if s > 0 && !matches!(b[s - 1], b'\r' | b'\n') {
            continue;
        }
        // The cap may fall inside a character of a long non-ASCII field: a span ending there
        // would split it.
        let e = floor_boundary(b, line_end(b, s).min(s + MAX_SEGMENT));
        segment(sc, s, e, pid);
    }
}

fn segment(sc: &mut Scan<'_>, s: usize, e: usize, pid: bool) {
    let b = sc.b;
    let mut fields = Vec::new();
    let mut fs = s;
    for part in b[s..e].split(|&c| c == b'|') {
        fields.push((fs, fs + part.len()));
        fs += part.len() + 1;
    }
    let name_field = if pid { 5 } else { 2 };
    if let Some(&(ns, ne)) = fields.get(name_field) {
        // An XPN: FAMILY^GIVEN[^MIDDLE…], letters in the first two components.
        let end = ns + b[ns..ne].iter().position(|&c| c == b'~').unwrap_or(ne - ns);
        let mut comps = b[ns..end].split(|&c| c == b'^');
        let letters = |c: Option<&[u8]>| {
            c.is_some_and(|c| {
                !c.is_empty()
                    && c.iter().all(|&x| {
                        x.is_ascii_alphabetic() || x >= 0x80 || matches!(x, b' ' | b'-' | b'\'')
                    })
            })
        };
        if letters(comps.next()) && letters(comps.next()) {
            let mut last = end;
            while last > ns && b[last - 1] == b'^' {
                last -= 1;
            }
            sc.push(id::PERSON, ns, last);
        }
    }
    // An XAD address: PID-11, NK1-4 (`22 Pine Rd^^Dayton^OH^45402`), its first repetition.
    if let Some(&(street_s, field_e)) = fields.get(if pid { 11 } else { 4 }) {
        address(sc, street_s, field_e);
    }
    if !pid {
        return;
    }
    if let Some(&(is, ie)) = fields.get(3) {
        let mut rs = is;
        for part in b[is..ie].split(|&c| c == b'~') {
            identifier(sc, rs, rs + part.len());
            rs += part.len() + 1;
        }
    }
    if let Some(&(ds, de)) = fields.get(7) {
        let digits = b[ds..de].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 8 && super::date::date_at(b, ds).is_some() {
            sc.push(id::DATE_OF_BIRTH, ds, ds + 8);
        }
    }
}

/// An XAD address `STREET^OTHER^CITY^STATE^ZIP^…` in `b[s..e]`: its first repetition, without
/// trailing empty components, when the street holds a house number and a word.
fn address(sc: &mut Scan<'_>, s: usize, e: usize) {
    let b = sc.b;
    let mut end = s + b[s..e].iter().position(|&c| c == b'~').unwrap_or(e - s);
    while end > s && b[end - 1] == b'^' {
        end -= 1;
    }
    let street = b[s..end].split(|&c| c == b'^').next().unwrap_or_default();
    let has = |f: fn(&u8) -> bool| street.iter().any(f);
    if has(u8::is_ascii_digit) && has(u8::is_ascii_alphabetic) {
        sc.push(id::STREET_ADDRESS, s, end);
    }
}

/// One CX identifier `ID^check^scheme^authority^TYPE`.
fn identifier(sc: &mut Scan<'_>, s: usize, e: usize) {
    let b = sc.b;
    let comps: Vec<&[u8]> = b[s..e].split(|&c| c == b'^').collect();
    let value = comps[0];
    if value.is_empty() {
        return;
    }
    match comps.get(4).copied() {
        Some(b"MR") | Some(b"PI") | Some(b"MRN") => {
            sc.push(id::MRN, s, s + value.len());
        }
        Some(b"SS") if value.len() == 9 && value.iter().all(u8::is_ascii_digit) => {
            let mut d = [0u8; 9];
            d.copy_from_slice(value);
            if super::ssn::ssn_ok(&d) {
                sc.push(id::US_SSN, s, s + 9);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_of_a_cell() {
        let t = b"claim_id,member_name,dob\nCLM-1,Rebecca Stein,1981-04-09\nCLM-2,Marcus Bell,1966-12-30";
        let s = std::str::from_utf8(t).unwrap();
        let cell = s.find("Marcus").unwrap();
        let (a, b) = column_name(t, cell).unwrap();
        assert_eq!(&s[a..b], "member_name");
        assert!(column_is(t, s.find("1966").unwrap(), &["dob"]));
        assert!(column_name(b"no table here, really", 15).is_none());
        assert!(column_name(b"1,2\n3,4", 6).is_none());
    }

    #[test]
    fn hl7_addresses_are_one_span() {
        // The first repetition is read whole; the box of the second is found as a box.
        let t = "MSH|^~\\&|EPIC|HOSP\nPID|1||448812^^^HOSP^MR||NAKAMURA^HIRO^T||19620311|M|||\
                 22 Pine Rd^^Dayton^OH^45402~PO BOX 9^^Dayton^OH\nNK1|1|NAKAMURA^AIKO|SPO|\
                 9 Elm St^Apt 2^Dayton^OH^45402^^H";
        assert_eq!(
            super::super::detect_only(t, id::STREET_ADDRESS),
            [
                "22 Pine Rd^^Dayton^OH^45402",
                "PO BOX 9",
                "9 Elm St^Apt 2^Dayton^OH^45402^^H"
            ]
        );
        // A field with no house number is no address.
        let t = "PID|1||1^^^H^MR||DOE^JANE||19700101|F|||^^Dayton^OH";
        assert!(super::super::detect_only(t, id::STREET_ADDRESS).is_empty());
    }

    #[test]
    fn a_segment_cut_at_its_cap_ends_on_a_character_boundary() {
        // A name field running past `MAX_SEGMENT` in three-byte letters, at every alignment of
        // the cap (found by the `redactor` fuzz target): the name is found up to the last whole
        // character before the cap (the helper panics on a split one).
        for pad in 0..3 {
            let id = format!("5523198{}", "0".repeat(pad));
            let t = format!(
                "MSH|^~\\&|\rPID|1||{id}^^^NSH^MR||OKONKWO^CHI{}A||19",
                "€".repeat(200)
            );
            let names = super::super::people(&t);
            assert_eq!(names.len(), 1, "{pad}");
            assert!(names[0].starts_with("OKONKWO^CHI€€"), "{pad}");
            assert!(!names[0].ends_with('A'), "{pad}: the cap ends the field");
        }
    }
}
