//! MEDICAL_RECORD_NUMBER: an identifier with at least five digits (`00482913`, `H0093847`,
//! `PT-0049211`, `MRN00771239`) right after an MRN label: `MRN`, `MR#`, `Med Rec #`,
//! `Medical Record Number`, `Chart #`, `chart=`, `Patient ID` (and in clinical text `NHC`,
//! `IPP`, `Pat.-Nr.`, `cartella clinica`), or a JSON key/system naming `mrn`. HL7 `^MR`
//! identifiers are read in [`super::table`]; tenant formats come from the config's `custom`
//! patterns.

use super::phrases::{label_after_fillers, Phrases};
use super::Scan;
use crate::redact::entity::id;
use crate::redact::text::{byte_table, is_token_byte, Tok, WordList};
use crate::redact::Profile;

static LABELS: Phrases = Phrases::new(&[
    &["mrn"],
    &["mr", "#"],
    &["med", "rec"],
    &["medical", "record"],
    &["medical", "record", "number"],
    &["medical", "record", "no"],
    // A FHIR identifier typed with the v2-0203 code `MR`: `"coding":[{"code":"MR"}]},"value":`.
    &["code", "mr"],
]);

/// Labels that name a medical record only in clinical text (the healthcare profile).
static CLINICAL_LABELS: Phrases = Phrases::new(&[
    &["chart"],
    &["patient", "id"],
    &["pt", "id"],
    &["patient", "number"],
    &["hospital", "number"],
    &["record", "number"],
    &["unit", "number"],
    // Spanish, French, German, Italian and Portuguese records.
    &["nhc"],
    &["historia", "clínica"],
    &["ipp"],
    &["patientennummer"],
    &["pat", "nr"],
    &["fallnummer"],
    &["cartella", "clinica"],
    &["prontuário"],
]);

/// How far before the identifier its label is looked for.
const LABEL_WINDOW: usize = 40;

/// Words allowed between the label and the identifier.
static FILLER: WordList = WordList::new(&[
    "#", "no", "number", "num", "nbr", "is", "id", "value", "text", "nr",
]);

fn is_filler(b: &[u8], t: Tok) -> bool {
    let w = &b[t.start..t.end];
    w.is_ascii() && FILLER.contains(w)
}

/// Identifier bytes: 1 for an ASCII letter or `-`, 3 for a digit (bit 1: a digit).
static ID_BYTE: [u8; 256] = byte_table!(|b| if b.is_ascii_digit() {
    3
} else if b.is_ascii_alphabetic() || b == b'-' {
    1
} else {
    0
});

/// MRN whose token starts at `i` (a key-token start) and ends at `e`.
pub(super) fn mrn_at(sc: &mut Scan<'_>, i: usize) {
    let b = sc.b;
    let healthcare = sc.profile == Profile::Healthcare;
    // Every label outside the clinical ones starts with a word that starts `mr` or `med`
    // (`MRN`, `MR #`, `Med Rec`, `Medical Record`): without one in the window there is none.
    // Words such as "time", "some" or "message" hold an `m` followed by `e`, and prose after
    // an order number has them in most windows, so the test is on word starts. It runs before
    // the identifier is read: it rejects nearly every number.
    let lo = i.saturating_sub(LABEL_WINDOW);
    if !healthcare && !memchr::memchr2_iter(b'm', b'M', &b[lo..i]).any(|k| label_word_at(b, lo + k))
    {
        return;
    }
    let mut e = i;
    let mut digits = 0;
    while e < b.len() && e - i < 24 {
        // A table, not `is_ascii_alphanumeric`: its range tests are branches that flip with
        // every letter/digit change of a hex id, mispredicted several times per token.
        let class = ID_BYTE[usize::from(b[e])];
        if class == 0 {
            break;
        }
        digits += usize::from(class >> 1);
        e += 1;
    }
    while e > i && b[e - 1] == b'-' {
        e -= 1;
    }
    if digits < 5 || (e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] == b'_')) {
        return;
    }
    // A label glued to the number (`MRN00771239`) still needs a label before it, with only
    // fillers between: the tokens are read nearest first and the first that is neither a
    // filler nor the end of a label rejects the number (most numbers: on the first token).
    let sets: &[&Phrases] = if healthcare {
        &[&LABELS, &CLINICAL_LABELS]
    } else {
        &[&LABELS]
    };
    let labelled = label_after_fillers(
        b,
        i,
        (LABEL_WINDOW, 5),
        sets,
        |t| is_filler(b, t),
        &mut sc.toks,
    );
    if labelled && !b[sc.toks[0].end..i].contains(&b'\n') {
        sc.push(id::MRN, i, e);
    }
}

/// A word starting `mr` or `med` (any case) at `m`, the index of its `m`.
fn label_word_at(b: &[u8], m: usize) -> bool {
    let word_start = m == 0 || !is_token_byte(b[m - 1]);
    let lower = |k: usize| b.get(m + k).map_or(0, u8::to_ascii_lowercase);
    word_start && (lower(1) == b'r' || (lower(1) == b'e' && lower(2) == b'd'))
}

#[cfg(test)]
mod tests {
    use super::super::{detect_in, id};
    use crate::redact::Profile;

    fn mrns(s: &str) -> Vec<&str> {
        detect_in(Profile::Healthcare, s, id::MRN)
    }

    #[test]
    fn after_labels() {
        assert_eq!(mrns("MRN: 00482913."), ["00482913"]);
        assert_eq!(mrns("MR#: 7734201 "), ["7734201"]);
        assert_eq!(mrns("Infant MRN H0093847."), ["H0093847"]);
        assert_eq!(mrns("Patient ID: PT-0049211 |"), ["PT-0049211"]);
        assert_eq!(mrns("Chart #: CH-448210"), ["CH-448210"]);
        assert_eq!(mrns("chart=9920381 ip"), ["9920381"]);
        assert_eq!(
            mrns("Medical Record Number MRN00771239 is"),
            ["MRN00771239"]
        );
        assert_eq!(
            mrns("{\"type\":{\"text\":\"MRN\"},\"value\":\"A7781230\"}"),
            ["A7781230"]
        );
    }

    #[test]
    fn fhir_identifiers_typed_mr() {
        let fhir = r#"{"identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"12345678"}]}"#;
        assert_eq!(mrns(fhir), ["12345678"]);
        assert_eq!(detect_in(Profile::General, fhir, id::MRN), ["12345678"]);
    }

    #[test]
    fn clinical_labels_in_other_languages() {
        assert_eq!(
            mrns("Informe: paciente José Luis Herrera, NHC 00734521. Alergia"),
            ["00734521"]
        );
        assert_eq!(
            mrns("Pat.-Nr.: 4471902, Fallnummer 20240042, IPP : 88412345"),
            ["4471902", "20240042", "88412345"]
        );
        assert_eq!(
            mrns("numero cartella clinica 77120034; historia clínica 5532109"),
            ["77120034", "5532109"]
        );
        // Outside clinical text those words label nothing.
        assert!(detect_in(Profile::General, "IPP 88412345", id::MRN).is_empty());
    }

    #[test]
    fn general_profile_labels_pass_the_word_start_gate() {
        let general = |s| detect_in(Profile::General, s, id::MRN);
        assert_eq!(general("MRN: 00482913."), ["00482913"]);
        assert_eq!(general("MR#: 7734201 "), ["7734201"]);
        assert_eq!(general("Med Rec # 5512093 on file"), ["5512093"]);
        assert_eq!(general("(medical record no 5512093)"), ["5512093"]);
        assert_eq!(
            general("{\"text\":\"MRN\"},\"value\":\"A7781230\"}"),
            ["A7781230"]
        );
        // `m` then `r`/`ed` inside a word is no label start.
        assert!(general("the summary and armed timer 5512093").is_empty());
    }

    #[test]
    fn not_without_a_label() {
        assert!(mrns("order 00482913").is_empty());
        assert!(mrns("MRN: pending. Invoice 1234567").is_empty());
        assert!(mrns("MRN 1234").is_empty());
        assert!(detect_in(Profile::General, "Patient ID: PT-0049211", id::MRN).is_empty());
    }
}
