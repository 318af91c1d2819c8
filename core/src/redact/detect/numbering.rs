//! Numbering-plan validity from libphonenumber's metadata (carried by the `phonenumber` crate).
//!
//! The crate's own `parse` costs about 10 µs a call (natural-language extraction, and a shared,
//! mutex-guarded LRU of regexes that thrashes across regions). We only need "is this digit
//! string a valid number of country X", so this module reads the same metadata once and keeps,
//! per region, the national-number patterns compiled as anchored `regex::Regex`es (built the
//! first time a region is asked about) plus the possible lengths, which reject most candidates
//! before any regex runs.

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::Regex;
use std::collections::HashMap;
use std::sync::OnceLock;

struct Pattern {
    re: Regex,
    lengths: Vec<u16>,
}

impl Pattern {
    fn matches(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.re.is_match(national)
    }
}

struct Rules {
    general: Pattern,
    types: Vec<Pattern>,
}

struct Region {
    id: String,
    code: u16,
    national_prefix: Option<String>,
    lengths: Vec<u16>,
    rules: OnceLock<Option<Rules>>,
}

struct Table {
    regions: Vec<Region>,
    by_code: HashMap<u16, Vec<usize>>,
    by_id: HashMap<String, usize>,
    /// Per calling code, one regex matching any national number of any of its regions (with
    /// or without a trunk prefix): most candidates fail this single DFA run and never reach
    /// the per-region, per-type patterns.
    any: HashMap<u16, OnceLock<Option<Regex>>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut metas: Vec<&Metadata> = DATABASE.iter().collect();
        // Main country first, as libphonenumber orders regions sharing a calling code.
        metas.sort_by_key(|m| {
            (
                m.country_code(),
                !m.is_main_country_for_code(),
                m.id().to_string(),
            )
        });
        let mut t = Table {
            regions: Vec::new(),
            by_code: HashMap::new(),
            by_id: HashMap::new(),
            any: HashMap::new(),
        };
        for m in metas {
            let k = t.regions.len();
            t.regions.push(Region {
                id: m.id().to_string(),
                code: m.country_code(),
                national_prefix: m.national_prefix().map(str::to_string),
                lengths: m.descriptors().general().possible_length().to_vec(),
                rules: OnceLock::new(),
            });
            t.by_code.entry(m.country_code()).or_default().push(k);
            t.by_id.insert(m.id().to_string(), k);
            t.any.entry(m.country_code()).or_default();
        }
        t
    })
}

fn compile(d: &Descriptor) -> Option<Pattern> {
    let src = d.national_number().as_str();
    let re = regex::RegexBuilder::new(&format!("^(?:{src})$"))
        .ignore_whitespace(true)
        .build()
        .ok()?;
    Some(Pattern {
        re,
        lengths: d.possible_length().to_vec(),
    })
}

fn rules(k: usize) -> Option<&'static Rules> {
    let t = table();
    t.regions[k]
        .rules
        .get_or_init(|| {
            let m = DATABASE.by_id(t.regions[k].id.as_str())?;
            let d = m.descriptors();
            let types = [
                d.fixed_line(),
                d.mobile(),
                d.toll_free(),
                d.premium_rate(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
            ]
            .into_iter()
            .flatten()
            .filter_map(compile)
            .collect();
            Some(Rules {
                general: compile(d.general())?,
                types,
            })
        })
        .as_ref()
}

/// A region (ISO 3166 alpha-2 code, e.g. "US") known to the metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RegionId(usize);

/// The calling code of a region (1 for the US, Canada and the rest of the NANP).
pub(crate) fn calling_code(region: RegionId) -> u16 {
    table().regions[region.0].code
}

/// Looks up a region by its two-letter code (case-insensitive).
pub(crate) fn region(code: &str) -> Option<RegionId> {
    table()
        .by_id
        .get(&code.to_ascii_uppercase())
        .copied()
        .map(RegionId)
}

fn valid_in(k: usize, national: &str) -> bool {
    let r = &table().regions[k];
    if !r.lengths.is_empty() && !r.lengths.contains(&(national.len() as u16)) {
        return false;
    }
    rules(k).is_some_and(|rules| {
        rules.general.matches(national) && rules.types.iter().any(|p| p.matches(national))
    })
}

/// Valid national significant number of region `k`, written with or without its national
/// (trunk) prefix.
fn valid_national(k: usize, digits: &str) -> bool {
    if valid_in(k, digits) {
        return true;
    }
    match &table().regions[k].national_prefix {
        Some(p) => digits
            .strip_prefix(p.as_str())
            .is_some_and(|rest| valid_in(k, rest)),
        None => false,
    }
}

/// Could `digits` be a national number (optionally trunk-prefixed) of calling code `code`?
fn maybe_code(code: u16, digits: &str) -> bool {
    let t = table();
    let Some(cell) = t.any.get(&code) else {
        return false;
    };
    let re = cell.get_or_init(|| {
        let ks = t.by_code.get(&code)?;
        let mut alts = Vec::new();
        for &k in ks {
            let m = DATABASE.by_id(t.regions[k].id.as_str())?;
            let general = m.descriptors().general().national_number().as_str();
            let prefix = t.regions[k]
                .national_prefix
                .as_deref()
                .map(regex::escape)
                .unwrap_or_default();
            alts.push(format!("(?:{prefix})?(?:{general})"));
        }
        regex::RegexBuilder::new(&format!("^(?:{})$", alts.join("|")))
            .ignore_whitespace(true)
            .size_limit(64 << 20)
            .build()
            .ok()
    });
    // Without the combined regex (too large to build), fall through to the exact checks.
    re.as_ref().is_none_or(|re| re.is_match(digits))
}

/// Valid international number: country calling code followed by the national number.
pub(crate) fn valid_international(digits: &str) -> bool {
    let t = table();
    (1..=3).any(|cc_len| {
        digits.len() > cc_len
            && digits[..cc_len].parse::<u16>().ok().is_some_and(|cc| {
                t.by_code.get(&cc).is_some_and(|ks| {
                    maybe_code(cc, &digits[cc_len..])
                        && ks.iter().any(|&k| valid_national(k, &digits[cc_len..]))
                })
            })
    })
}

/// Compiles what checking a national number of `region` needs: its calling code's combined
/// pattern and the region's own rules. Otherwise the first such number a process meets pays
/// for them inside a redaction (13–16 ms for the first US number, measured from Python); a
/// redactor made for the region calls this, so its construction pays instead, once per process.
/// Other regions sharing the code are left to be compiled when first met (a Canadian number
/// dialled from the US: ~15 ms, once): preparing all of +1's regions up front made the first
/// redactor ~100 ms slower to build, which every short-lived process and test would pay.
pub(crate) fn prepare(region: RegionId) {
    maybe_code(table().regions[region.0].code, "");
    rules(region.0);
}

/// Whether [`prepare`] ran for `region` (or its numbers were checked already).
#[cfg(test)]
pub(crate) fn prepared(region: RegionId) -> bool {
    let t = table();
    let code = t.regions[region.0].code;
    t.any[&code].get().is_some() && t.regions[region.0].rules.get().is_some()
}

/// Valid number as dialled in `region`: national form, or with an international access
/// prefix (`00`, or `011` in the NANP).
pub(crate) fn valid_from(region: RegionId, digits: &str) -> bool {
    if let Some(rest) = digits.strip_prefix("00") {
        return valid_international(rest);
    }
    if table().regions[region.0].id.as_str() == "US" {
        if let Some(rest) = digits.strip_prefix("011") {
            return valid_international(rest);
        }
    }
    // A national number of any region sharing the calling code (`604` is Canada's, dialled
    // the same way from the US).
    let t = table();
    let k = region.0;
    if !maybe_code(t.regions[k].code, digits) {
        return false;
    }
    valid_national(k, digits)
        || t.by_code
            .get(&t.regions[k].code)
            .is_some_and(|ks| ks.iter().any(|&o| o != k && valid_national(o, digits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn international_numbers_of_several_countries() {
        for n in [
            "14155552671",
            "442079460958",
            "4930901820",
            "33142685300",
            "61293744000",
            "819012345678",
            "919876543210",
            "5511987654321",
        ] {
            assert!(valid_international(n), "{n}");
        }
        assert!(!valid_international("15551234567"), "area code 555");
        assert!(!valid_international("999999"));
        assert!(!valid_international("1"));
    }

    #[test]
    fn preparing_a_region_compiles_its_rules_and_its_calling_code() {
        let us = region("US").unwrap();
        prepare(us);
        assert!(prepared(us));
    }

    #[test]
    fn national_forms_with_trunk_prefixes() {
        let us = region("us").unwrap();
        let gb = region("GB").unwrap();
        assert!(valid_from(us, "4155552671"));
        assert!(valid_from(us, "6045550172"), "Canada shares +1");
        assert!(valid_from(us, "18005550199"));
        assert!(!valid_from(us, "1700000000"), "epoch seconds");
        assert!(!valid_from(us, "5551234567"));
        assert!(valid_from(gb, "02079460958"));
        assert!(valid_from(us, "00442079460958"));
        assert!(valid_from(us, "011442079460958"));
        assert!(region("ZZ").is_none());
    }
}
