//! Where a name stands: the shape of its line, list, record or signature. PERSON reads a run of
//! name tokens in [`super::person`]; these tests say whether the text around it is a sign-off
//! line (`\n— Grace Liu`), a bulleted list rather than a signature (`- Linux\n- MacOS`), a chat
//! speaker or an action item's owner (`Maya: nice`, `- Ahmed: update the contract`), a CSV
//! cell under a name column, a record's field (`GARCIA, MARIA L   MRN`) or a mail header
//! (`From: Tomás Herrera <tomas@…>`). Each reads at most a detector's bounds around the run.

use super::cues::DASH_GAP;
use super::names::{flags, is_first, STOP_WORD};
use super::table::column_is;
use super::MAX_REACH;
use crate::redact::text::{indented, lines_around};

/// Column headers whose cells are people.
#[rustfmt::skip]
const NAME_COLUMNS: &[&str] = &[
    "name", "customer", "holder", "patient", "member", "employee", "owner", "cardholder",
    "beneficiary", "contact", "author", "payee", "recipient", "first", "last", "firstname",
    "lastname", "given", "family", "surname",
];

/// The sign-off dash starting at `dash` (as [`super::cues::sign_off_dash`] found it) opens its
/// line (`\n- Paul`, `\n— Grace Liu`); at most [`DASH_GAP`] bytes before it are read. A dash
/// inside a line signs off only a known given name (`Thanks for the fix - Paul`), not
/// arithmetic or a label (`Total - Available`).
pub(super) fn dash_opens_line(b: &[u8], dash: usize) -> bool {
    let mut q = dash;
    while q > 0 && dash - q < DASH_GAP && matches!(b[q - 1], b' ' | b'-') {
        q -= 1;
    }
    q == 0 || b[q - 1] == b'\n'
}

/// The `-` before `i` makes a list, not a sign-off: the nearest non-blank line before or after
/// starts with a bullet too (`- Linux\n- MacOS`), pairs words with ` - ` too (`# Arabic -
/// Egypt\n# Arabic - Iraq`, `# S - Seconds\n# M - Minutes`), or, before it, is a Markdown
/// heading (`### Fixed\n\n- Typo`). The lines are read within a detector's bounds
/// ([`lines_around`]).
pub(super) fn in_dash_list(b: &[u8], i: usize) -> bool {
    let is_list_line = |line: &[u8]| {
        matches!(indented(line), [b'-' | b'*', b' ', ..])
            || memchr::memmem::find(line, b" - ").is_some()
    };
    let heading = |line: &[u8]| matches!(indented(line), [b'#', b' ' | b'#', ..]);
    let lines = lines_around(b, i, MAX_REACH);
    lines.before.is_some_and(|l| is_list_line(l) || heading(l))
        || lines.after.is_some_and(is_list_line)
}

/// `i` starts a CSV cell (after a comma or at a line start of a comma-separated line).
/// Inlined: most capitalised words that reach it fail its first byte test, with no call.
#[inline]
pub(super) fn in_csv_cell(b: &[u8], i: usize) -> bool {
    (i == 0 || matches!(b[i - 1], b',' | b'\n')) && column_is(b, i, NAME_COLUMNS)
}

/// A record's next field follows `end`: a line end, a separator, two spaces, or an upper-case
/// label (`OYELARAN, FOLAKE MRN …`).
pub(super) fn field_ends(b: &[u8], end: usize) -> bool {
    let label_next = b.get(end) == Some(&b' ') && {
        let w = &b[end + 1..];
        let n = w.iter().take_while(|c| c.is_ascii_uppercase()).count();
        n >= 2
            && !w.get(n).is_some_and(u8::is_ascii_alphanumeric)
            && flags(&w[..n]) & STOP_WORD != 0
    };
    b.get(end)
        .is_none_or(|&c| matches!(c, b'\n' | b'\r' | b'|' | b'(' | b'/'))
        || b[end..].starts_with(b"  ")
        || b[end..].starts_with(b" /")
        || label_next
}

/// `From: Tomás Herrera <tomas@…>`: a name followed by its bracketed address.
pub(super) fn mail_header_name(b: &[u8], end: usize) -> bool {
    b[end..].starts_with(b" <") && {
        let rest = &b[end + 2..b.len().min(end + 2 + 96)];
        rest.iter()
            .position(|&c| c == b'>')
            .is_some_and(|k| rest[..k].contains(&b'@'))
    }
}

/// A signature ends its line: nothing but `,`/`.`/`!` and spaces before the line end.
pub(super) fn signature_end(b: &[u8], end: usize) -> bool {
    b[end..]
        .iter()
        .take(DASH_GAP)
        .take_while(|&&c| c != b'\n')
        .all(|&c| matches!(c, b',' | b'.' | b'!' | b' ' | b'\r'))
}

/// A chat line that starts with a given name and a colon (`Maya: nice`), or an action item
/// that does (`- Ahmed: update the contract`). Changelogs write components so (`* Ada: update
/// symbols`, `- Wali: Fix config`), but indent their items or capitalise the change; an
/// action item is a top-level bullet and a lower-case task.
pub(super) fn line_speaker(b: &[u8], i: usize, end: usize) -> bool {
    if b.get(end) != Some(&b':') || !is_first(&b[i..end]) {
        return false;
    }
    i == 0
        || b[i - 1] == b'\n'
        || (bullet_opens_line(b, i)
            && b.get(end + 1) == Some(&b' ')
            && b.get(end + 2).is_some_and(u8::is_ascii_lowercase))
}

/// A list bullet (`-`, `*` or `•`, then one space) ends just before `i` and opens its line,
/// unindented.
fn bullet_opens_line(b: &[u8], i: usize) -> bool {
    let Some(before) = b[..i].strip_suffix(b" ") else {
        return false;
    };
    [&b"-"[..], b"*", "\u{2022}".as_bytes()]
        .iter()
        .filter_map(|bullet| before.strip_suffix(*bullet))
        .any(|line| line.is_empty() || line.ends_with(b"\n"))
}

#[cfg(test)]
mod tests {
    use super::super::people;

    #[test]
    fn action_items_name_their_owner() {
        assert_eq!(
            people("Action items:\n- Ahmed: update the vendor contract\n\u{2022} Chloe: send it"),
            ["Ahmed", "Chloe"]
        );
        // Changelogs name components so: indented, or with a capitalised change, or a version.
        for s in [
            "  * Ada: update confirm_debian_bugs.py.",
            "- Wali: Fix unknown config",
            "- Julia: 1.10\n- Ruby: 3.3",
            "x - Ahmed: update the contract",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
    }
}
