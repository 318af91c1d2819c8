//! Whether a label cue (`Name:`, `"given":`, `name=`, `last:`) labels a person's name, or is a
//! field, parameter, index or doc command of code that happens to use the same word
//! (`readonly name: Identifier;`, `street_name: 'Main St'`, `HooksType[Name], "Options"`,
//! `/// \name Accessors`, a CI step's `- name: Install Rust`). PERSON asks here once a label
//! ends just before a name run.

use super::MAX_REACH;
use crate::redact::text::{indented, lines_around, Tok, WordList};

/// The label `cue_toks[0]` (the nearest token before the run `b[i..end]`) names the person
/// the run is. A label needs its `:`, `=` or quote; "name" may also stand one space before the
/// name in prose (`card 3588…, name Haruka Yamamoto`), never in code (`isinstance(name,
/// ZipInfo)`).
pub(super) fn labels_a_person(b: &[u8], cue_toks: &[Tok], i: usize, end: usize) -> bool {
    let Some(label) = cue_toks.first() else {
        return false;
    };
    let gap = &b[label.end..i];
    let name_word = NAME_WORDS.contains(&b[label.start..label.end]);
    // `nvc_first): Allow` closes a call, `HooksType[Name], "Options"` an index, `"Product
    // Name","Unit Price"` a CSV header, `class="language-text">Got` an HTML tag: the label
    // word was part of code, of a row or of markup (`'name' => 'Alice'` is a label still).
    let marked = gap.iter().any(|&c| matches!(c, b':' | b'"' | b'='))
        && !gap.iter().any(|&c| matches!(c, b')' | b']' | b','))
        && !gap.windows(2).any(|w| matches!(w, [b'"' | b'\'', b'>']));
    (marked || (name_word && gap == b" "))
        && !(name_word && (names_a_thing(b, cue_toks) || names_a_ci_step(b, i)))
        && !declared(b, cue_toks)
        && !typed(b, end)
}

/// The label is a field, parameter or doc command in code: a declaration keyword stands one
/// space before it (`readonly name: Identifier;`, `pub name: Ident,`), or `\` or `@` starts
/// the identifier it ends (`/// \name Accessors`, `@__NL80211_WMMR_LAST: Internal use.`).
fn declared(b: &[u8], cue_toks: &[Tok]) -> bool {
    let Some(label) = cue_toks.first() else {
        return false;
    };
    // The identifier the label word ends, at most 64 bytes of it.
    let mut p = label.start;
    while p > 0 && label.start - p < 64 && (b[p - 1].is_ascii_alphanumeric() || b[p - 1] == b'_') {
        p -= 1;
    }
    if p > 0 && matches!(b[p - 1], b'\\' | b'@') {
        return true;
    }
    cue_toks.get(1).is_some_and(|k| {
        k.end + 1 == label.start
            && b[k.end] == b' '
            && DECLARATION_WORDS.contains(&b[k.start..k.end])
    })
}

/// A type follows its parameter's label: a TypeScript union with `undefined` or `null`, an
/// array, or the close of a signature and its return type (`name: Identifier | undefined`,
/// `name: Identifier): ImportSpecifier`).
fn typed(b: &[u8], end: usize) -> bool {
    let after = &b[end..];
    [&b" | undefined"[..], b" | null", b"[]", b"): "]
        .iter()
        .any(|t| after.starts_with(t))
}

/// `name:` names a CI job or step (`- name: Install Rust`, `name: Clippy`): the nearest
/// non-blank line after it or before it holds a key of a workflow (`runs-on:`, `uses:`, `on:`,
/// …), or its own line holds a GitHub expression (`${{ matrix.os }}`). The lines are read
/// within a detector's bounds ([`lines_around`]).
fn names_a_ci_step(b: &[u8], i: usize) -> bool {
    let lines = lines_around(b, i, MAX_REACH);
    memchr::memmem::find(lines.here, b"${{").is_some()
        || [lines.after, lines.before]
            .into_iter()
            .flatten()
            .any(workflow_key_line)
}

/// A YAML line whose key (after indentation and a list's `- `) is a CI workflow key.
fn workflow_key_line(line: &[u8]) -> bool {
    let line = indented(line);
    let line = line.strip_prefix(b"- ").unwrap_or(line);
    let key = &line[..line
        .iter()
        .take_while(|&&c| c.is_ascii_lowercase() || c == b'-')
        .count()];
    line.get(key.len()) == Some(&b':') && WORKFLOW_KEYS.contains(key)
}

#[rustfmt::skip]
static WORKFLOW_KEYS: WordList = WordList::new(&[
    "runs-on", "uses", "run", "with", "needs", "steps", "strategy", "shell", "timeout-minutes",
    "continue-on-error", "working-directory", "permissions", "concurrency", "jobs", "container",
    "services", "if", "on", "stage", "script",
]);

#[rustfmt::skip]
static DECLARATION_WORDS: WordList = WordList::new(&[
    "readonly", "pub", "private", "public", "protected", "let", "const", "var", "static", "mut",
    "val", "final", "export", "declare", "abstract", "override",
]);

/// The label words that name a person's name ([`cues`](super::cues) has them as labels).
static NAME_WORDS: WordList = WordList::new(&["name", "nombre", "nom"]);

/// The `name` label is a compound key naming a thing (`street_name: 'Main St'`,
/// `file-name`, `host.name`), not a person.
fn names_a_thing(b: &[u8], cue_toks: &[Tok]) -> bool {
    let [name, qualifier, ..] = cue_toks else {
        return false;
    };
    qualifier.end + 1 == name.start
        && matches!(b[qualifier.end], b'_' | b'-' | b'.')
        && THING_NAMES.contains(&b[qualifier.start..qualifier.end])
}

#[rustfmt::skip]
static THING_NAMES: WordList = WordList::new(&[
    "street", "company", "file", "host", "product", "app", "service", "bucket", "table", "column",
    "field", "class", "module", "package", "function", "method", "var", "variable", "key",
    "project", "repo", "branch", "tag", "image", "container", "pod", "node", "cluster", "db",
    "database", "schema", "index", "queue", "topic", "event", "domain", "server", "device", "brand",
    "business", "org", "organization", "team", "group", "role", "city", "country", "state",
    "region", "zone", "bank", "store", "shop", "plan", "model", "item", "dir", "path", "type",
]);

#[cfg(test)]
mod tests {
    use super::super::people;

    #[test]
    fn labels_in_code_label_no_person() {
        for s in [
            "        readonly name: Identifier;",
            "pub struct Sym {\n    pub name: Ident,\n}",
            "  /// \\name Accessors\n  /// @{",
            " * @__NL80211_WMMR_LAST: Internal use.\n */",
            "      GetType<HooksType[Name], \"Options\">,",
            "g(x: ModuleExportName | undefined, name: Identifier): ImportSpecifier",
            "h(name: Identifier | undefined)",
            "user_address: { street_name: 'Main St', zip_code: '94105' }",
            "\"Product Name\",\"Unit Price\",\"Quantity\"\n\"Widget Pro\",19.99,3",
            "<pre><code class=\"language-text\">Got: hi\n</code></pre>",
            "jobs:\n  clippy:\n    name: Clippy\n    runs-on: ubuntu-latest\n    steps:\n      \
             - uses: actions/checkout@v4\n      - name: Install Rust\n        run: rustup \
             update stable\n      - name: Mark Cache\n        uses: actions/cache@v4\n",
        ] {
            assert!(people(s).is_empty(), "{s}: {:?}", people(s));
        }
    }

    #[test]
    fn labels_in_prose_and_data_still_label_people() {
        assert_eq!(people("Name: Alice"), ["Alice"]);
        assert_eq!(
            people("$user = ['name' => 'Alice Moreau'];"),
            ["Alice Moreau"]
        );
        assert_eq!(people("Patient info (name: Alice, age 30)"), ["Alice"]);
        assert_eq!(
            people("{\"name\":\"Pieter de Vries\"}"),
            ["Pieter de Vries"]
        );
        assert_eq!(
            people("card 3588, name Haruka Yamamoto"),
            ["Haruka Yamamoto"]
        );
        assert_eq!(people("PATIENT_LAST_NAME: Smith"), ["Smith"]);
        assert_eq!(
            people("people:\n  - name: Alice Moreau\n    id: 42\n    role: admin\n"),
            ["Alice Moreau"]
        );
    }
}
