//! Runs of capitalised words that read as a name but name something else: a job title
//! (`Hiring Manager`), a place named after someone (`Henry Ford Hospital`), an AI model
//! (`Claude Sonnet`, `Gemma 2B`), a firm (`Morgan Stanley`, `Ernst & Young`, `Ellis & Grant,
//! Inc.`), a fictional character (`Harry Potter`), code (`Span::call_site`, `HttpError`,
//! `*Val`), or a method named after its inventor (`Monte Carlo simulation`). PERSON asks here
//! after it has read a run: [`names_something_else`] before it weighs the cues, so each of
//! those vetoes holds under any cue; [`names_a_term`] and [`names_a_firm_or_a_character`]
//! after, as a strong cue wins over a term (people bear those names too).

use super::cues::{is_role_word, word_after_and};
use super::names::FIRST;
use super::person::NameTok;
use crate::redact::text::{digit_run, WordList};

/// The run `b[i..end]`, read as the name tokens `toks`, names something other than a person.
pub(super) fn names_something_else(b: &[u8], i: usize, toks: &[NameTok], end: usize) -> bool {
    (role_follows(b, end) && toks.iter().all(|t| t.flags & FIRST == 0))
        || place_follows(b, end)
        || names_a_model(b, toks, end)
        || in_code(b, i, end)
        || toks.iter().any(|t| code_name(&b[t.start..t.end]))
}

/// A capitalised role word follows the run ending at `end` (`Hiring Manager`, `Product
/// Owner`): the run is a job title unless it holds a given name.
fn role_follows(b: &[u8], end: usize) -> bool {
    word_after(b, end).is_some_and(is_role_word)
}

/// A capitalised place or institution word follows the run ending at `end` (`George
/// Washington Bridge`, `Henry Ford Hospital`, `Virginia Beach`): the run names the place, even
/// when the place is named after a person.
fn place_follows(b: &[u8], end: usize) -> bool {
    word_after(b, end).is_some_and(|w| PLACE_WORDS.contains(w))
}

/// The run names an AI model, not a person: a model family that is also a given name, then
/// its tier or version (`Claude Sonnet`, `Claude Code`, `Gemma 2B`, `Claude 3.5 Sonnet`,
/// `Nova Pro`). An LLM app's prompts name models all the time ("switched to Claude Opus").
/// The family alone stays a name ("Thanks, Claude!"), as it may be someone's.
fn names_a_model(b: &[u8], toks: &[NameTok], end: usize) -> bool {
    let [family, rest @ ..] = toks else {
        return false;
    };
    if rest.len() > 1 || !MODEL_FAMILIES.contains(&b[family.start..family.end]) {
        return false;
    }
    match rest {
        [tier] => MODEL_TIERS.contains(&b[tier.start..tier.end]),
        _ => word_after(b, end).is_some_and(|w| MODEL_TIERS.contains(w)) || version_after(b, end),
    }
}

/// The run `b[i..end]` (read as `toks`) names a firm or a fictional character, not a person:
/// it opens with a firm's name that reads as a given name and a surname (`Morgan Stanley`,
/// `Wells Fargo Advisors`) or is a famous character's (`Harry Potter`, `Forrest Gump`), it is
/// one half of a firm's name joined by `&` or "and" (`Ernst & Young`, `Johnson & Johnson`), or
/// a company form follows it or its partner (`Ellis & Grant, Inc.`). Banking and support
/// prompts name such firms all the time, and creative ones such characters. PERSON asks after
/// weighing the cues, as a term: people bear these names too (`Patient: Charlie Brown`).
pub(super) fn names_a_firm_or_a_character(
    b: &[u8],
    i: usize,
    toks: &[NameTok],
    end: usize,
) -> bool {
    let word = |t: &NameTok| &b[t.start..t.end];
    if let [one, two, ..] = toks {
        let (one, two) = (word(one), word(two));
        if is_firm(one, two) || pair_in(CHARACTERS, one, two) {
            return true;
        }
    }
    let (first, last) = (word(&toks[0]), word(&toks[toks.len() - 1]));
    let firm = |a: &[u8], b: &[u8]| a.eq_ignore_ascii_case(b) || is_firm(a, b);
    company_form_at(b, end)
        || partner_before(b, i).is_some_and(|w| firm(w, first))
        || word_after_and(b, end)
            .is_some_and(|(s, e)| firm(last, &b[s..e]) || company_form_at(b, e))
}

/// The word before `i` across `" & "` or `" and "`.
fn partner_before(b: &[u8], i: usize) -> Option<&[u8]> {
    let head = &b[..i];
    let head = head
        .strip_suffix(b" & ")
        .or_else(|| head.strip_suffix(b" and "))?;
    let n = head
        .iter()
        .rev()
        .take(24)
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    (n > 0).then(|| &head[head.len() - n..])
}

/// A company form (`Inc.`, `, LLC`, ` GmbH`) follows at `k`.
fn company_form_at(b: &[u8], k: usize) -> bool {
    let tail = &b[k..];
    let tail = tail.strip_prefix(b",").unwrap_or(tail);
    let Some(tail) = tail.strip_prefix(b" ") else {
        return false;
    };
    let n = tail
        .iter()
        .take(5)
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    // A word of its own: `co-authored`, `co-founder` are no company form.
    n < 5
        && tail
            .get(n)
            .is_none_or(|&c| !c.is_ascii_alphanumeric() && c != b'-')
        && COMPANY_FORMS.contains(&tail[..n])
}

#[rustfmt::skip]
static COMPANY_FORMS: WordList = WordList::new(&[
    "inc", "llc", "ltd", "llp", "plc", "gmbh", "corp", "co", "sa", "ag", "bv", "nv", "pty",
]);

/// `a b` or `a & b` is a firm named like one person or two (`Morgan Stanley`, `Ernst &
/// Young`), any case.
fn is_firm(a: &[u8], b: &[u8]) -> bool {
    pair_in(FIRMS, a, b)
}

/// `(a, b)` is one of `pairs`, any case.
fn pair_in(pairs: &[(&str, &str)], a: &[u8], b: &[u8]) -> bool {
    pairs
        .iter()
        .any(|(x, y)| a.eq_ignore_ascii_case(x.as_bytes()) && b.eq_ignore_ascii_case(y.as_bytes()))
}

/// Firms (banks, brokers, auditors, law firms) whose names the gazetteer reads as people's.
#[rustfmt::skip]
const FIRMS: &[(&str, &str)] = &[
    ("morgan", "stanley"), ("wells", "fargo"), ("goldman", "sachs"), ("charles", "schwab"),
    ("merrill", "lynch"), ("edward", "jones"), ("raymond", "james"), ("dean", "witter"),
    ("ernst", "young"), ("arthur", "andersen"), ("grant", "thornton"), ("baker", "mckenzie"),
    ("allen", "overy"), ("booz", "allen"), ("marsh", "mclennan"), ("jones", "day"),
];

/// Fictional characters whose names the gazetteer reads as people's and whom prompts name as
/// often as the works ("books like Harry Potter", "a story in the style of Sherlock Holmes").
#[rustfmt::skip]
const CHARACTERS: &[(&str, &str)] = &[
    ("harry", "potter"), ("hermione", "granger"), ("ron", "weasley"), ("anna", "karenina"),
    ("forrest", "gump"), ("jane", "eyre"), ("oliver", "twist"), ("david", "copperfield"),
    ("tom", "sawyer"), ("huckleberry", "finn"), ("sherlock", "holmes"), ("james", "bond"),
    ("jason", "bourne"), ("indiana", "jones"), ("luke", "skywalker"), ("han", "solo"),
    ("peter", "parker"), ("bruce", "wayne"), ("clark", "kent"), ("tony", "stark"),
    ("mary", "poppins"), ("willy", "wonka"), ("charlie", "brown"), ("homer", "simpson"),
    ("bart", "simpson"), ("atticus", "finch"), ("holden", "caulfield"), ("elizabeth", "bennet"),
    ("jay", "gatsby"), ("walter", "white"), ("tony", "soprano"), ("jon", "snow"),
    ("frodo", "baggins"), ("bilbo", "baggins"), ("peter", "pan"), ("robin", "hood"),
];

/// A model version follows the word ending at `end`: a space, one or two digits, an optional
/// `.` and digits, an optional size letter (`2`, `3.5`, `2B`, `4o`), then no more of a word.
fn version_after(b: &[u8], end: usize) -> bool {
    if b.get(end) != Some(&b' ') {
        return false;
    }
    let mut k = end + 1;
    let major = digit_run(b, k, 3);
    if !(1..=2).contains(&major) {
        return false;
    }
    k += major;
    if b.get(k) == Some(&b'.') && b.get(k + 1).is_some_and(u8::is_ascii_digit) {
        k += 1 + digit_run(b, k + 1, 3);
    }
    if b.get(k)
        .is_some_and(|c| matches!(c.to_ascii_lowercase(), b'b' | b'o' | b'k' | b'm'))
    {
        k += 1;
    }
    !b.get(k)
        .is_some_and(|&c| c.is_ascii_alphanumeric() || c == b'_')
}

/// AI model families that are also given names, and the tiers that follow them.
static MODEL_FAMILIES: WordList =
    WordList::new(&["claude", "gemma", "nova", "aya", "jasper", "ada"]);

#[rustfmt::skip]
static MODEL_TIERS: WordList = WordList::new(&[
    "opus", "sonnet", "haiku", "instant", "code", "pro", "flash", "ultra", "nano", "lite", "micro",
    "premier", "mini", "turbo", "expanse", "vision",
]);

#[rustfmt::skip]
static PLACE_WORDS: WordList = WordList::new(&[
    "hospital", "clinic", "university", "college", "school", "institute", "foundation", "center",
    "centre", "memorial", "library", "museum", "stadium", "bridge", "beach", "street", "avenue",
    "boulevard", "highway", "station", "airport", "harbor", "harbour", "springs", "falls",
    "heights", "island", "valley", "canyon", "creek", "bay", "plaza",
]);

/// A lower-case term follows the run ending at `end` (`Monte Carlo simulation`, `Xavier
/// initialization`): the run names a method after its inventor. PERSON asks only when no
/// strong cue or role stands before the run, as "Patient Mary Jones method of contact" is a
/// person still.
pub(super) fn names_a_term(b: &[u8], end: usize) -> bool {
    if b.get(end) != Some(&b' ') {
        return false;
    }
    let w = &b[end + 1..];
    let w = &w[..w
        .iter()
        .take(16)
        .take_while(|c| c.is_ascii_lowercase())
        .count()];
    TERM_WORDS.contains(w)
}

#[rustfmt::skip]
static TERM_WORDS: WordList = WordList::new(&[
    "method", "methods", "simulation", "simulations", "theorem", "algorithm", "distribution",
    "effect", "principle", "equation", "equations", "transform", "paradox", "conjecture",
    "inequality", "estimator", "kinetics", "initialization", "optimizer", "integral",
    "criterion", "correction", "coefficient", "curve",
]);

/// The run `b[i..end]` is a code path, type or call (`Span::call_site`, `Cow<'a, str>`,
/// `Cow::from(`, `Ident::new`, `use x::{y, FoundCrate}`, `use nom::{Err, …}`), a member access
/// (`Symbols.size()`, `Val.first`), a pointer (`*Val`), a type argument (`From<Uri>`), or the
/// start of an identifier that digits then more letters continue (`Elf32_Word`, `Utf8Error`):
/// names are never glued to these. Digits alone may end a user name that holds a name
/// (`Jane2`).
fn in_code(b: &[u8], i: usize, end: usize) -> bool {
    let after = &b[end..];
    let digits = after
        .iter()
        .take(16)
        .take_while(|c| c.is_ascii_digit())
        .count();
    // `const From *Val`, `const From &Val`: a pointer or a reference. `*Alice*` is emphasis,
    // and `\&Ardo van Rangelrooij` a man page's escape.
    let reference = i > 1 && b[i - 1] == b'&' && b[i - 2] != b'\\';
    let pointer = i > 0 && b[i - 1] == b'*' && after.first() != Some(&b'*');
    // `From<Uri>`: a type argument.
    let generic = i > 0 && b[i - 1] == b'<' && after.first() == Some(&b'>');
    reference
        || pointer
        || generic
        || b[..i].ends_with(b"::")
        || b[..i].ends_with(b"::{")
        || after.starts_with(b"::")
        || matches!(after.first(), Some(b'<' | b'(' | b'}'))
        || (after.first() == Some(&b'.')
            && after
                .get(1)
                .is_some_and(|&c| c.is_ascii_lowercase() || c == b'_'))
        || (digits > 0
            && after
                .get(digits)
                .is_some_and(|&c| c == b'_' || c.is_ascii_alphabetic()))
}

/// `XCBConnSetupSucessRep`, `TemporaryFileWrapper`: two lower-to-upper steps make a code
/// name; names have one at most (`McDonald`, `DeShawn`, `MacArthur`). So does one step into a
/// class-name suffix (`HttpError`, `IOException`, `HeaderName`, `ToolFamily`) or into an
/// acronym (`LoRA`); `NaN` and `Infinity` are numbers.
fn code_name(w: &[u8]) -> bool {
    // Most name words have no capital after the first letter: done in one pass.
    if !w.iter().skip(1).any(u8::is_ascii_uppercase) {
        return w == b"Infinity";
    }
    if w == b"NaN" {
        return true;
    }
    const SUFFIXES: [&[u8]; 17] = [
        b"Error",
        b"Exception",
        b"Warning",
        b"Handler",
        b"Factory",
        b"Utils",
        b"Name",
        b"Type",
        b"Kind",
        b"Family",
        b"Function",
        b"Config",
        b"Options",
        b"Builder",
        b"Serialize",
        b"Deserialize",
        b"Context",
    ];
    let steps = w
        .windows(2)
        .filter(|p| p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase())
        .count();
    steps >= 2
        || SUFFIXES.iter().any(|s| w.len() > s.len() && w.ends_with(s))
        || (acronym_tail(w) && !w.starts_with(b"Mc") && !w.starts_with(b"Mac"))
}

/// A lower-case letter, then two capitals (`LoRA`, `PyPI`, `GraphQL`): an acronym glued to a
/// word. A name's inner capital starts a lower-case part (`DeShawn`), except after `Mc` and
/// `Mac` in records that write the rest in capitals (`McDONALD`), which the caller excepts.
fn acronym_tail(w: &[u8]) -> bool {
    w.windows(3).any(|p| {
        p[0].is_ascii_lowercase() && p[1].is_ascii_uppercase() && p[2].is_ascii_uppercase()
    })
}

/// The capitalised ASCII word one space after `end`, if any.
fn word_after(b: &[u8], end: usize) -> Option<&[u8]> {
    if b.get(end) != Some(&b' ') || !b.get(end + 1).is_some_and(u8::is_ascii_uppercase) {
        return None;
    }
    let w = &b[end + 1..];
    Some(&w[..w.iter().take_while(|c| c.is_ascii_alphabetic()).count()])
}

#[cfg(test)]
mod tests {
    use super::super::people;

    #[test]
    fn ai_models_are_not_people() {
        // Each of these gave a PERSON before: a weak cue ("to", "with", "For") then a given
        // name, or a greeting before a product.
        for s in [
            "We switched from GPT-4o to Claude Opus for the long documents.",
            "Set model to Claude Instant, then to Claude 3.5 Sonnet.",
            "For Claude Code, you can also install via the plugin marketplace:",
            "Deploy Ollama with Gemma 2 and Phi 3; then with Gemma 2B.",
            "We moved to Nova Pro and Aya Expanse last week.",
            "Hey Gemini, what's new? Dear Copilot, please write tests. Dear ChatGPT,",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
    }

    #[test]
    fn firms_and_characters_named_like_people_are_not_people() {
        // Each of these gave a PERSON before: a given name and a surname of the gazetteer,
        // a person's verb, or "and"/`&` between two given names.
        for s in [
            "Goldman Sachs and Wells Fargo reported earnings; I moved my IRA to Charles Schwab.",
            "Morgan Stanley Wealth Management sent the 1099.",
            "The audit by Ernst & Young is done; Johnson & Johnson and Johnson and Johnson too.",
            "Copyright 1995 by Lehman Brothers, Inc. and 2005 Ellis & Grant, Inc.",
            "Sun Microsystems, Inc. All rights reserved. Maria Lopez GmbH",
            "Müller & Müller audited us; Lena & Lena GmbH too.",
            "Ben & Jerry's ice cream and Ben & Jerry\u{2019}s cones",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
        // Nor are famous characters.
        for s in [
            "Recommend books like Anna Karenina and Harry Potter, or movies like Forrest Gump.",
            "Write it in the style of Sherlock Holmes; Peter Pan and Robin Hood are fine too.",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
        // People with the same names still are.
        assert_eq!(
            people("Grant Ellis said the audit is done"),
            ["Grant Ellis"]
        );
        assert_eq!(people("Harry Porter said so"), ["Harry Porter"]);
        assert_eq!(
            people("Maria Lopez co-authored it with Grant Ellis, co-founder"),
            ["Maria Lopez", "Grant Ellis"]
        );
        assert_eq!(
            people("Patient: Charlie Brown, 8 y/o. Dear Morgan Stanley,"),
            ["Charlie Brown", "Morgan Stanley"]
        );
        assert_eq!(people("Ernst and Hannah said so"), ["Ernst", "Hannah"]);
    }

    #[test]
    fn eponymous_terms_and_acronyms_are_not_people() {
        for s in [
            "Run a Monte Carlo simulation first.",
            "Use Adam optimizer with Xavier initialization.",
            "Fine-tune with LoRA and QLoRA adapters.",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
        // A cue still wins over a term, and `Mc` records keep their capitals.
        assert_eq!(
            people("Patient Mary Jones method of contact: phone"),
            ["Mary Jones"]
        );
        assert_eq!(people("PATIENT: McDONALD, JOHN  MRN"), ["McDONALD, JOHN"]);
        assert_eq!(
            people("Please have John Smith process the refund."),
            ["John Smith"]
        );
    }

    #[test]
    fn rust_types_are_not_people() {
        for s in [
            "/// # use nom::{Err, error::{Error, ErrorKind}, Needed, IResult};",
            "pub struct Sym {\n    pub st_name: Elf32_Word,\n    pub name: Ident,\n}",
            "    attr_name: Symbol,\n    pub(crate) family: ToolFamily,\n    kind: PointType,",
            "the \"name\" QName of xsl:element; #[derive(BorshSerialize)] name: HeaderName",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
        // Digits alone after a name end a user name that holds it.
        assert_eq!(people("user: Jane2 logged in"), ["Jane"]);
    }

    #[test]
    fn members_and_pointers_are_not_people() {
        for s in [
            "    while (I != Symbols.size()) {",
            "  /// Inserts a vertex into the graph with Identifier Val.first, and",
            "static inline bool doit(const From *Val) {",
            "static inline bool doit(const From &Val) {",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
        assert!(people("* Implement `From<Uri>` for `uri::Builder`.").is_empty());
        assert_eq!(people("Thanks to *Alice* for the fix"), ["Alice"]);
        assert_eq!(
            people("Header \"AUTHOR\"\n\\&Adam Di Carlo <aph@debian.org>"),
            ["Adam Di Carlo"]
        );
    }

    #[test]
    fn model_families_stay_names_without_a_tier_or_version() {
        assert_eq!(people("I met with Gemma yesterday."), ["Gemma"]);
        assert_eq!(people("Thanks, Claude!"), ["Claude"]);
        assert_eq!(people("Dr. Claude Bernard, 64"), ["Claude Bernard"]);
        // A number that is no version: a phone, a year, a room.
        assert_eq!(people("meeting with Gemma 2024-05-01"), ["Gemma"]);
        assert_eq!(people("meeting with Gemma 123 times"), ["Gemma"]);
    }
}
