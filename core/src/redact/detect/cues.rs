//! PERSON cues: the words that, ending just before a capitalised token, make it a name
//! (titles, roles, labels, greetings, prepositions), the cheap test of whether one can be
//! there at all, which [`super::person`] runs on every capitalised word, and the few cues that
//! stand after a name (`Lars said`, `Emily and Raj`).

use super::names::{flags, lower, FxMap, FIRST, PLACE};
use crate::redact::text::{byte_table, has_phrase, tokens_before, Tok, WordMap};
use std::sync::OnceLock;

/// Titles (`Dr.`, `Mme`): the strongest cue, the only one that admits a name followed by `'s`.
/// Not the Italian `Sig.`: code is full of `sig: Signature` and `sig: Signal`.
#[rustfmt::skip]
const TITLES: &[&[&str]] = &[
    &["dr"], &["mr"], &["mrs"], &["ms"], &["mx"], &["miss"], &["prof"], &["mme"], &["mlle"],
    &["herr"], &["frau"], &["sr"], &["sra"], &["señor"], &["señora"], &["sir"], &["dame"],
    &["monsieur"], &["madame"], &["mademoiselle"], &["srta"], &["sig", "ra"], &["dott"],
    &["dott", "ssa"], &["dhr"], &["mevr"],
];

/// Roles and relations: a following name is taken when it has two tokens or a known name.
#[rustfmt::skip]
const ROLES: &[&[&str]] = &[
    &["mother"], &["father"], &["mom"], &["dad"], &["wife"], &["husband"], &["partner"], &["son"],
    &["daughter"], &["brother"], &["sister"], &["aunt"], &["uncle"], &["friend"], &["member"],
    &["subscriber"], &["customer"], &["employee"], &["applicant"], &["requester"], &["reporter"],
    &["author"], &["donor"], &["consignee"], &["beneficiary"], &["cardholder"], &["holder"],
    &["owner"], &["agent"], &["reviewer"], &["surgeon"], &["physician"], &["pediatrician"],
    &["nurse"], &["guardian"], &["child"], &["user"], &["hire"], &["named"], &["payee"],
    &["recipient"], &["cto"], &["ceo"], &["cfo"], &["manager"], &["signed"], &["resident"],
    &["driver"], &["caller"], &["provider"], &["attending"], &["kin"], &["spouse"], &["tenant"],
    &["landlord"], &["contact"], &["admin", "is"], &["completo"], &["full", "name"],
    &["this", "is"], &["birthday"], &["bday"], &["candidate"], &["passenger"],
    &["traveler"], &["traveller"], &["guest"], &["student"], &["client"], &["buyer"], &["seller"],
    &["borrower"], &["participant"], &["volunteer"], &["contractor"], &["intern"], &["colleague"],
    &["coworker"], &["teacher"], &["reports"], &["assignee"], &["attendee"], &["attendees"],
    &["participants"], &["approver"], &["requestor"], &["organizer"], &["organiser"],
    &["moderator"], &["interviewer"], &["mentor"], &["maintainer"], &["maintainers"],
    &["contributor"], &["reviewers"],
];

/// Sign-offs: roles (a name after them is taken on the same terms) that also sign a message
/// with any one word closing it (`Thanks,\nMateus`; [`signs_a_message`]).
#[rustfmt::skip]
const SIGN_OFFS: &[&[&str]] = &[
    &["thanks"], &["thank", "you"], &["best"], &["regards"], &["cheers"], &["sincerely"],
    &["bientôt"], &["cordialement"], &["saludos"], &["grüße"], &["gruß"], &["groeten"], &["love"],
    &["so", "much"], &["very", "much"], &["a", "lot"], &["grüßen"], &["groet"], &["atentamente"],
    &["saluti"], &["merci"], &["danke"], &["gracias"], &["grazie"], &["obrigado"], &["obrigada"],
    &["bedankt"],
];

/// Prepositions and header words: the name must look like one (a known given name first).
#[rustfmt::skip]
const WEAK: &[&[&str]] = &[
    &["from"], &["to"], &["cc"], &["attn"], &["by"], &["for"], &["see"], &["ping"],
    &["ask", "for"], &["re"], &["under"], &["with"], &["good", "morning"], &["good", "afternoon"],
    &["good", "evening"], &["ask"], &["asked"], &["tell"], &["told"], &["remind"], &["reminded"],
    &["thank"], &["thanked"], &["invite"], &["invited"], &["per"],
];

/// Label words that count only as a key or a field label (`"given":`, `Last: `, `name=`): not
/// in prose or code (`isinstance(name, ZipInfo)`, `m.__name__, Importer`).
#[rustfmt::skip]
const LABELS: &[&[&str]] = &[
    &["given"], &["family"], &["first"], &["last"], &["text"], &["card"], &["surname"],
    &["firstname"], &["lastname"], &["fullname"], &["vorname"], &["nachname"], &["name"],
    &["nombre"], &["nom"], &["prénom"],
];

/// Cues that admit any capitalised token that is not a stop word (`Hi Priya`, `Dr. Okafor`).
#[rustfmt::skip]
const STRONG: &[&[&str]] = &[
    &["hi"], &["hello"], &["hey"], &["dear"], &["bonjour"], &["hej"], &["hola"], &["ciao"],
    &["hallo"], &["olá"], &["salut"], &["buongiorno"], &["estimado"], &["estimada"],
    &["prezado"], &["prezada"], &["querido"], &["querida"], &["congrats"], &["my", "name", "is"],
    &["name", "is"], &["i", "m"], &["i", "am"], &["patient"], &["pt"], &["paciente"],
];

/// Can a cue reach the name at `i`? [`person_at`](super::person::person_at) reads the nearest
/// token before the name (within 40 bytes, as `tokens_before` does) and needs a cue ending there
/// at most four bytes before the name, or "and" at any distance, or a sign-off dash. This is
/// that test on the nearest word alone: a necessary condition, cheap enough to run on every
/// capitalised word.
pub(super) fn cue_possible(b: &[u8], i: usize) -> bool {
    if sign_off_dash(b, i).is_some() {
        return true;
    }
    // The gap back to the nearest token: bytes that are not token bytes nor `#`, noting
    // sentence and line ends on the way.
    let lo = i.saturating_sub(40);
    let (mut e, mut gap_kind) = (i, 0u8);
    while e > lo {
        let g = GAP[usize::from(b[e - 1])];
        if g == 0 {
            break;
        }
        gap_kind |= g;
        e -= 1;
    }
    // No token in the window, or a `#` (a token that is no cue).
    if e == lo || b[e - 1] == b'#' {
        return false;
    }
    // The word: token bytes, at most 17 of them read.
    let (mut s, mut word_kind) = (e, 0u8);
    let stop = e.saturating_sub(17);
    while s > stop {
        let w = WORD[usize::from(b[s - 1])];
        if w == 0 {
            break;
        }
        word_kind |= w;
        s -= 1;
    }
    let w = &b[s..e];
    let and = w.eq_ignore_ascii_case(b"and");
    if i - e > 4 {
        return and;
    }
    // The kinds of cue the gap lets through (as `gap_ok` in `person_at` decides).
    let allowed = match (gap_kind & STOP != 0, gap_kind & LINE != 0) {
        (false, false) => TITLE | STRONG_CUE | ROLE | WEAK_CUE | LABEL,
        (true, false) => TITLE,
        (false, true) => ROLE,
        (true, true) => 0,
    };
    let ascii = word_kind & NON_ASCII == 0;
    if and || allowed == 0 || (ascii && (word_kind & DIGITS != 0 || !cue_shape(w))) {
        return and;
    }
    cue_end_kinds(w) & allowed != 0
}

/// Gap bytes (neither token bytes nor `#`), with [`STOP`] for `. ? ;` and [`LINE`] for `\n !`.
const GAP_BYTE: u8 = 1;
const STOP: u8 = 2;
const LINE: u8 = 4;
static GAP: [u8; 256] = byte_table!(|b| if b < 0x80 && !b.is_ascii_alphanumeric() && b != b'#' {
    let stop = matches!(b, b'.' | b'?' | b';');
    let line = matches!(b, b'\n' | b'!');
    GAP_BYTE | (stop as u8 * STOP) | (line as u8 * LINE)
} else {
    0
});

/// Token bytes: letters, [`DIGITS`], [`NON_ASCII`] bytes.
const LETTERS: u8 = 1;
const DIGITS: u8 = 2;
const NON_ASCII: u8 = 4;
static WORD: [u8; 256] = byte_table!(|b| if b >= 0x80 {
    NON_ASCII
} else if b.is_ascii_alphabetic() {
    LETTERS
} else if b.is_ascii_digit() {
    DIGITS
} else {
    0
});

/// Could the ASCII word `w` be a cue end or "and", judging by its length and its first and
/// last letters? (A cheap filter before the exact lookup.)
fn cue_shape(w: &[u8]) -> bool {
    /// Per length and last letter, one bit per first letter.
    static SHAPES: OnceLock<[[u32; 26]; 17]> = OnceLock::new();
    let shapes = SHAPES.get_or_init(|| {
        let mut shapes = [[0u32; 26]; 17];
        for w in cue_map().keys().copied().chain([&b"and"[..]]) {
            let letter = |c: u8| usize::from(c.to_ascii_lowercase() - b'a');
            if w.len() <= 16 && w.iter().all(u8::is_ascii_alphabetic) {
                shapes[w.len()][letter(w[w.len() - 1])] |= 1 << letter(w[0]);
            }
        }
        shapes
    });
    let letter = |c: u8| usize::from(c.to_ascii_lowercase().wrapping_sub(b'a')) % 26;
    match (w.first(), w.last()) {
        (Some(&first), Some(&last)) if w.len() <= 16 => {
            shapes[w.len()][letter(last)] & (1 << letter(first)) != 0
        }
        _ => false,
    }
}

/// The kinds of the cues that end with the word `w` (any case).
fn cue_end_kinds(w: &[u8]) -> u8 {
    static ENDS: OnceLock<WordMap<u8>> = OnceLock::new();
    let kinds = |entries: &Vec<(u8, &[&str])>| entries.iter().fold(0, |k, (kind, _)| k | kind);
    if !w.is_ascii() {
        let (mut buf, mut heap) = ([0u8; 32], String::new());
        return lower(w, &mut buf, &mut heap)
            .and_then(|w| cue_map().get(w))
            .map_or(0, kinds);
    }
    ENDS.get_or_init(|| WordMap::new(cue_map().iter().map(|(&w, v)| (w, kinds(v)))))
        .get(w)
        .unwrap_or(0)
}

pub(super) const TITLE: u8 = 1;
pub(super) const STRONG_CUE: u8 = 2;
pub(super) const ROLE: u8 = 4;
pub(super) const WEAK_CUE: u8 = 8;
pub(super) const LABEL: u8 = 16;
/// Set with [`ROLE`] on the [`SIGN_OFFS`].
pub(super) const SIGN_OFF: u8 = 32;

/// Cue phrases (each with its kind) that end with the same word.
type Phrases = &'static [(u8, &'static [&'static str])];

/// Every cue phrase, keyed by its last word (the word nearest the name), with its kind.
type CueMap = FxMap<&'static [u8], Vec<(u8, &'static [&'static str])>>;

fn cue_map() -> &'static CueMap {
    static M: OnceLock<CueMap> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = CueMap::default();
        for (kind, list) in [
            (TITLE, TITLES),
            (STRONG_CUE, STRONG),
            (ROLE, ROLES),
            (ROLE | SIGN_OFF, SIGN_OFFS),
            (WEAK_CUE, WEAK),
            (LABEL, LABELS),
        ] {
            for &p in list {
                m.entry(p[p.len() - 1].as_bytes())
                    .or_default()
                    .push((kind, p));
            }
        }
        m
    })
}

/// The kinds of cue that end at the nearest of `toks` (one hash lookup, then the phrases
/// ending in that word).
pub(super) fn cue_kinds(b: &[u8], toks: &[Tok]) -> u8 {
    let Some(t) = toks.first() else { return 0 };
    let Some(entries) = cue_entries(&b[t.start..t.end]) else {
        return 0;
    };
    entries
        .iter()
        .filter(|(_, p)| p.len() <= toks.len() && has_phrase(b, &toks[..p.len()], &[p]))
        .fold(0, |k, (kind, _)| k | kind)
}

/// A cue word written with a capital (`Partner Luis`, `Patient Nora`) is not part of the name.
pub(super) fn is_cue_word(w: &[u8]) -> bool {
    cue_entries(w).is_some_and(|v| v.iter().any(|(_, p)| p.len() == 1))
}

/// A one-word role (`Manager`, `Owner`, `Recruiter`): after capitalised words it makes them a
/// job title (`Dear Hiring Manager`), not a name.
pub(super) fn is_role_word(w: &[u8]) -> bool {
    cue_entries(w).is_some_and(|v| v.iter().any(|&(kind, p)| kind & ROLE != 0 && p.len() == 1))
}

/// The cue phrases ending with the word `w` (any case): [`cue_map`]'s entry. ASCII words
/// without an apostrophe (which `lower` would drop), nearly all of them, go through a
/// `WordMap`, with no copy and no `HashMap` probe: every token of a name run asks this.
fn cue_entries(w: &[u8]) -> Option<Phrases> {
    static ASCII: OnceLock<WordMap<Phrases>> = OnceLock::new();
    if w.is_ascii() && !w.contains(&b'\'') {
        return ASCII
            .get_or_init(|| WordMap::new(cue_map().iter().map(|(&w, v)| (w, v.as_slice()))))
            .get(w);
    }
    let (mut buf, mut heap) = ([0u8; 32], String::new());
    lower(w, &mut buf, &mut heap)
        .and_then(|w| cue_map().get(w))
        .map(Vec::as_slice)
}

/// How many spaces may stand between a sign-off dash and the name (a bounded read: the stream
/// redactor sees a bounded window).
pub(super) const DASH_GAP: usize = 8;

/// A sign-off dash (`— Grace Liu`, `- Paul`) before the name at `i`: where the dash starts.
/// Inlined: [`cue_possible`] asks it first, for nearly every capitalised word.
#[inline]
pub(super) fn sign_off_dash(b: &[u8], i: usize) -> Option<usize> {
    // Nearly every capitalised word asks this, and most follow a letter or a punctuation mark.
    if i == 0 || !matches!(b[i - 1], b' ' | b'-' | 0x93 | 0x94) {
        return None;
    }
    let mut p = i;
    while p > 0 && i - p < DASH_GAP && b[p - 1] == b' ' {
        p -= 1;
    }
    if p == 0 || p == i {
        return None;
    }
    // `—` is E2 80 94 and `–` E2 80 93 in UTF-8.
    match b[p - 1] {
        b'-' if p < 2 || b[p - 2] == b' ' || b[p - 2] == b'\n' => Some(p - 1),
        0x93 | 0x94 if p >= 3 && b[p - 3] == 0xE2 && b[p - 2] == 0x80 => Some(p - 3),
        _ => None,
    }
}

/// The gap between a cue and the name: a few bytes, no sentence end (titles end in `.`), a line
/// break only after a sign-off, no backtick (`npm link ms`. Instead: code, then prose), not a
/// lone `-` (`User-Defined Character Properties` is one compound).
pub(super) fn cue_gap_ok(g: &[u8], title: bool, sign_off: bool) -> bool {
    g.len() <= 4
        && g != b"-"
        && !g.contains(&b'`')
        && (title || !g.iter().any(|&c| matches!(c, b'.' | b'?' | b';')))
        && (sign_off || !g.iter().any(|&c| matches!(c, b'\n' | b'!')))
}

/// A title ends just before `i` (`Dr. Foley`, `Mrs Cushing`): what a namesake needs. `toks` is
/// scratch space.
pub(super) fn title_before(b: &[u8], i: usize, toks: &mut Vec<Tok>) -> bool {
    tokens_before(b, i, 40, toks, 1);
    toks.first()
        .is_some_and(|t| cue_gap_ok(&b[t.end..i], true, false) && cue_kinds(b, toks) & TITLE != 0)
}

/// `Hannah and Ben`, `Ben & Chloe`, read from the name at `i`: "and" or `&` after a known
/// given name. `toks` are the tokens before `i`, nearest first; `&` is no token, so it is read
/// in the gap.
pub(super) fn after_name_and(b: &[u8], toks: &[Tok], i: usize) -> bool {
    let partner = match toks {
        [and, name, ..] if b[and.start..and.end].eq_ignore_ascii_case(b"and") => name,
        [name, ..] if &b[name.end..i] == b" & " => name,
        _ => return false,
    };
    let partner = &b[partner.start..partner.end];
    partner[0].is_ascii_uppercase() && is_partner_name(partner)
}

/// `Hannah and Ben`, `Ben & Chloe`, read from the name ending at `end`: "and" or `&`, then a
/// known given name, not a possessive (`Ben & Jerry's` is a brand).
pub(super) fn before_and_name(b: &[u8], end: usize) -> bool {
    let Some((s, e)) = word_after_and(b, end) else {
        return false;
    };
    let w = &b[s..e];
    w.len() >= 2
        && w[0].is_ascii_uppercase()
        && is_partner_name(w)
        && !(b[e..].starts_with(b"'") || b[e..].starts_with("’".as_bytes()))
}

/// The word (letters, non-ASCII bytes; at most 40 bytes, longer than any listed name) after
/// `" and "` or `" & "` at `end`, as `(start, end)`.
pub(super) fn word_after_and(b: &[u8], end: usize) -> Option<(usize, usize)> {
    let rest = &b[end..];
    let start = end
        + [&b" and "[..], b" & "]
            .iter()
            .find(|sep| rest.starts_with(sep))?
            .len();
    let n = b[start..]
        .iter()
        .take(40)
        .take_while(|&&c| c.is_ascii_alphabetic() || c >= 0x80)
        .count();
    (n > 0).then_some((start, start + n))
}

/// The name on the other side of "and": a known given name, not a place (`London and Berlin`).
fn is_partner_name(w: &[u8]) -> bool {
    flags(w) & (FIRST | PLACE) == FIRST
}

/// `@Marcus can you look?`: a chat mention right before the name, not a decorator or an
/// annotation (`@Max(10)`, `@Grace.config`) nor an e-mail's domain (`jo@Grace`).
pub(super) fn mentioned(b: &[u8], i: usize, end: usize) -> bool {
    i > 0
        && b[i - 1] == b'@'
        && (i == 1 || !b[i - 2].is_ascii_alphanumeric())
        && b.get(end)
            .is_none_or(|&c| matches!(c, b' ' | b',' | b':' | b'\n' | b'!' | b'?'))
}

/// `Thabo Mokoena, 62M, reports …`, `Ana Ruiz, 8 y/o,`: a clinical note's age (one to three
/// digits) and sex or `y/o` right after the run ending at `end`. Asked in the healthcare profile
/// only: elsewhere `Acme Robotics, 62M,` is money.
pub(super) fn age_after(b: &[u8], end: usize) -> bool {
    const MARKERS: [&[u8]; 7] = [
        b"M",
        b"F",
        b"y/o",
        b" y/o",
        b"yo",
        b"-year-old",
        b" year old",
    ];
    let Some(rest) = b.get(end..).and_then(|r| r.strip_prefix(b", ")) else {
        return false;
    };
    let n = rest
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_digit())
        .count();
    let tail = &rest[n..];
    (1..=3).contains(&n)
        && MARKERS.iter().any(|m| {
            tail.starts_with(m) && !tail.get(m.len()).is_some_and(u8::is_ascii_alphanumeric)
        })
}

/// [`age_after`] for the run the capitalised word ending at `e` starts: that word or one of
/// the next two, each a capital and letters after a space (`Thabo Mokoena, 62M`). It lets a
/// run with no known name and no cue before it reach the acceptance rules.
pub(super) fn age_after_words(b: &[u8], mut e: usize) -> bool {
    for _ in 0..3 {
        if age_after(b, e) {
            return true;
        }
        if b.get(e) != Some(&b' ') || !b.get(e + 1).is_some_and(u8::is_ascii_uppercase) {
            return false;
        }
        e += 1 + b[e + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphabetic())
            .count();
    }
    false
}

/// `Lars said`, `Priya asked`: after the run, a verb whose subject is a person. Like a weak
/// cue, it takes a known given name or a full name, not any capitalised word.
pub(super) fn person_verb_after(b: &[u8], end: usize) -> bool {
    if b.get(end) != Some(&b' ') {
        return false;
    }
    let w = &b[end + 1..];
    let n = w.iter().take_while(|c| c.is_ascii_lowercase()).count();
    !w.get(n).is_some_and(u8::is_ascii_alphanumeric) && is_person_verb(&w[..n])
}

/// Verbs of saying, asking and agreeing (past and present), which a product or a system is
/// rarely the subject of.
#[rustfmt::skip]
fn is_person_verb(w: &[u8]) -> bool {
    matches!(
        w,
        b"said" | b"says" | b"asked" | b"asks" | b"wrote" | b"writes" | b"replied" | b"replies"
            | b"mentioned" | b"mentions" | b"told" | b"tells" | b"suggested" | b"suggests"
            | b"thinks" | b"thought" | b"agreed" | b"agrees" | b"confirmed" | b"explained"
            | b"emailed" | b"texted" | b"messaged" | b"promised" | b"complained" | b"insisted"
            | b"recommended" | b"believes" | b"feels" | b"felt" | b"answered" | b"responded"
            | b"reported" | b"reviewed" | b"approved" | b"joined" | b"wants" | b"wanted"
    )
}

/// After a sign-off (a [`SIGN_OFF`] cue), the sign-off is written as one, closed by a comma or a
/// line break (`gap`; not `THANKS: Update`, `Best Practices`), and the one word after it reads
/// as a signature, not a team or a department (`Engineering`, `Management`, `Security`,
/// `Operations`): names seldom end so, plural or not.
pub(super) fn signs_a_message(gap: &[u8], word: &[u8]) -> bool {
    #[rustfmt::skip]
    const NOUN_ENDINGS: &[&str] = &[
        "ing", "tion", "sion", "ment", "ity", "ance", "ence", "ogy", "ics", "ness", "ship", "ops",
    ];
    let ends = |w: &[u8], end: &str| {
        w.len() > end.len() && w[w.len() - end.len()..].eq_ignore_ascii_case(end.as_bytes())
    };
    gap.iter().any(|&c| matches!(c, b',' | b'\n'))
        && !NOUN_ENDINGS
            .iter()
            .any(|e| ends(word, e) || ends(singular(word), e))
}

/// `word` without a final `s` (`Operations` → `Operation`).
fn singular(word: &[u8]) -> &[u8] {
    word.strip_suffix(b"s").unwrap_or(word)
}

#[cfg(test)]
mod tests {
    use super::super::{id, people};

    #[test]
    fn a_given_name_alone_is_a_person_when_a_verb_or_a_partner_says_so() {
        assert_eq!(people("Lars said the invoice was wrong."), ["Lars"]);
        assert_eq!(
            people("Sarah Jenkins reported the outage."),
            ["Sarah Jenkins"]
        );
        assert_eq!(people("Emily and Raj went over it."), ["Emily", "Raj"]);
        // `&` joins them too: it is no token, so the name after it reads it in the gap.
        assert_eq!(people("Ben & Chloe: prepare the deck"), ["Ben", "Chloe"]);
        assert_eq!(
            people("Sven and Leilani will cover it."),
            ["Sven", "Leilani"]
        );
        assert_eq!(people("Please ask Priya before Friday."), ["Priya"]);
        assert_eq!(people("I told Marcus yesterday."), ["Marcus"]);
        assert_eq!(
            people("@Marcus can you look? Per Giulia, no."),
            ["Marcus", "Giulia"]
        );
        assert!(people("@Max(10) int size; @Grace.config; ping jo@Grace now").is_empty());
        // A capitalised word that is no known given name needs more than a verb.
        assert!(people("Docker said the image was not found.").is_empty());
        assert!(people("The Rust Book says to use match.").is_empty());
        assert!(people("Emily is on leave; Emily's laptop").is_empty());
    }

    #[test]
    fn titles_greetings_and_sign_offs_in_other_languages() {
        assert_eq!(people("Bonjour Monsieur Dupont,"), ["Dupont"]);
        assert_eq!(
            people("Gentile Sig.ra Ferrari, il Dott. Bianchi e la Dott.ssa Conti"),
            ["Ferrari", "Bianchi", "Conti"]
        );
        assert_eq!(people("Hallo Tobias, danke!"), ["Tobias"]);
        assert_eq!(people("Estimada Lucía: gracias"), ["Lucía"]);
        assert_eq!(people("Obrigado pela ajuda.\nMerci,\nClaire"), ["Claire"]);
        assert_eq!(people("Verwijzing: mevr. Anouk de Wit"), ["Anouk de Wit"]);
    }

    #[test]
    fn a_sign_off_signs_with_any_name() {
        assert_eq!(people("Thanks, Mateus"), ["Mateus"]);
        assert_eq!(
            people("It broke again.\n\nBest regards,\nOluwaseun\n"),
            ["Oluwaseun"]
        );
        assert_eq!(people("Thank you,\nChidi."), ["Chidi"]);
        for s in [
            "Thanks, Engineering",
            "Thanks, Team!",
            "Thanks, Everyone",
            "Best regards,\nOperations",
            "Thanks, Bitbucket is down again",
            "Customer Success",
            "* THANKS: Update.",
            "- Add book page for Tips and Best Practices\n",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
    }

    #[test]
    fn a_clinical_age_after_a_name_is_a_cue_in_the_healthcare_profile() {
        use super::super::detect_in;
        use crate::redact::Profile;
        let clinical = |s| detect_in(Profile::Healthcare, s, id::PERSON);
        assert_eq!(
            clinical("Telehealth. Thabo Mokoena, 62M, reports dyspnea."),
            ["Thabo Mokoena"]
        );
        assert_eq!(clinical("Ana Ruiz, 8 y/o, with otitis."), ["Ana Ruiz"]);
        assert!(clinical("Acme Robotics, 62Mbps link; Ward B, 4F, bed 2").is_empty());
        assert!(people("Acme Robotics, 62M, Series B").is_empty());
    }

    #[test]
    fn places_that_are_given_names_are_no_one_alone() {
        assert!(people("We moved from London and Berlin to Paris.").is_empty());
        assert!(people("flights to Paris said to be delayed").is_empty());
        assert_eq!(people("Paris Hilton said hello."), ["Paris Hilton"]);
        assert_eq!(people("Hi Paris, the deck is ready."), ["Paris"]);
        assert_eq!(
            people("Edith and Mary came, not London."),
            ["Edith", "Mary"]
        );
    }

    #[test]
    fn namesakes_need_a_title_or_a_given_name() {
        assert_eq!(people("Dr. Foley will see the patient."), ["Foley"]);
        assert_eq!(
            people("Dear Mr. Hashimoto, your order shipped."),
            ["Hashimoto"]
        );
        assert_eq!(people("Mrs Cushing called."), ["Cushing"]);
        assert_eq!(
            people("Ken Hashimoto is our account manager."),
            ["Ken Hashimoto"]
        );
        for s in [
            "Pt Foley catheter in place.",
            "Patient Foley catheter removed.",
            "Jenkins pipeline failed; ask Jenkins admins.",
            "Braxton Hicks contractions since 6am.",
            "Cheyne-Stokes respiration noted.",
            "Hashimoto's thyroiditis, on levothyroxine.",
            "Haskell is a purely functional language.",
            "with Kafka and Jenkins",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
    }
}
