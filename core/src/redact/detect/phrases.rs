//! Context phrase lists ("date of birth", "ssn", "imei") looked up in one hash probe per
//! context token instead of comparing every phrase against every token.

use super::names::{lower, FxMap};
use crate::redact::text::{Tok, TokensBack};
use std::sync::OnceLock;

type Phrase = &'static [&'static str];

/// A static list of phrases (each a list of lowercase words, read left to right), indexed by
/// their last word on first use.
pub(crate) struct Phrases {
    list: &'static [Phrase],
    index: OnceLock<Index>,
}

struct Index {
    by_last: FxMap<&'static [u8], Vec<Phrase>>,
    /// Per lowercase first byte, bit `n` set when a last word of that start has `n` bytes (bit
    /// 31: 31 or more): an ASCII token outside these lengths is no last word, without hashing.
    lengths: [u32; 256],
}

fn length_bit(n: usize) -> u32 {
    1 << n.min(31)
}

impl Phrases {
    pub(crate) const fn new(list: &'static [Phrase]) -> Phrases {
        Phrases {
            list,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let mut by_last: FxMap<&'static [u8], Vec<Phrase>> = FxMap::default();
            let mut lengths = [0u32; 256];
            for &p in self.list {
                if let Some(last) = p.last() {
                    by_last.entry(last.as_bytes()).or_default().push(p);
                    if let Some(&c) = last.as_bytes().first() {
                        lengths[usize::from(c)] |= length_bit(last.len());
                    }
                }
            }
            for v in by_last.values_mut() {
                v.sort_by_key(|p| p.len());
            }
            Index { by_last, lengths }
        })
    }

    /// The phrases whose last word is the token `t`.
    fn ending_in(&self, b: &[u8], t: Tok) -> Option<&[Phrase]> {
        let index = self.index();
        let w = &b[t.start..t.end];
        if w.is_ascii()
            && index.lengths[usize::from(w[0].to_ascii_lowercase())] & length_bit(w.len()) == 0
        {
            return None;
        }
        let (mut buf, mut heap) = ([0u8; 32], String::new());
        lower(w, &mut buf, &mut heap)
            .and_then(|w| index.by_last.get(w))
            .map(Vec::as_slice)
    }

    /// True when one of the phrases ends with the word of token `t` (a necessary condition for
    /// a phrase to end at `t`).
    pub(crate) fn ends_with_word(&self, b: &[u8], t: Tok) -> bool {
        self.ending_in(b, t).is_some()
    }

    /// The shortest phrase that ends at `toks[k]` (tokens nearest first, as `tokens_before`
    /// gives them): its length in tokens.
    pub(crate) fn ending_at(&self, b: &[u8], toks: &[Tok], k: usize) -> Option<usize> {
        let entries = self.ending_in(b, toks[k])?;
        entries
            .iter()
            .find(|p| {
                p.len() <= toks.len() - k
                    && p.iter().rev().enumerate().skip(1).all(|(j, w)| {
                        b[toks[k + j].start..toks[k + j].end].eq_ignore_ascii_case(w.as_bytes())
                    })
            })
            .map(|p| p.len())
    }

    /// The nearest occurrence among `toks` (nearest first, as `tokens_before` gives them):
    /// the index of its nearest token and of its farthest one.
    pub(crate) fn nearest(&self, b: &[u8], toks: &[Tok]) -> Option<(usize, usize)> {
        (0..toks.len()).find_map(|k| self.ending_at(b, toks, k).map(|n| (k, k + n - 1)))
    }

    /// The most words a phrase has.
    fn longest(&self) -> usize {
        self.list.iter().map(|p| p.len()).max().unwrap_or(0)
    }

    /// True when one of the phrases occurs among `toks`.
    pub(crate) fn any(&self, b: &[u8], toks: &[Tok]) -> bool {
        self.nearest(b, toks).is_some()
    }
}

/// A label just before `pos`: reading the tokens before it nearest first (as
/// `tokens_before(b, pos, window, _, max)` gives them), a phrase of one of `sets` ends at a
/// token before which only `filler` tokens stand. Tokens are read only as far as needed: the
/// first one that is neither a filler nor a label's end settles it. `toks` holds the tokens
/// read (the nearest first).
pub(crate) fn label_after_fillers(
    b: &[u8],
    pos: usize,
    (window, max): (usize, usize),
    sets: &[&Phrases],
    filler: impl Fn(Tok) -> bool,
    toks: &mut Vec<Tok>,
) -> bool {
    let mut back = TokensBack::new(b, pos, window).take(max);
    let longest = sets.iter().map(|s| s.longest()).max().unwrap_or(0);
    toks.clear();
    for k in 0..max {
        if k == toks.len() {
            let Some(t) = back.next() else { return false };
            toks.push(t);
        }
        let t = toks[k];
        let last_word = sets.iter().any(|s| s.ends_with_word(b, t));
        if last_word {
            while toks.len() < k + longest {
                let Some(t) = back.next() else { break };
                toks.push(t);
            }
            if sets.iter().any(|s| s.ending_at(b, toks, k).is_some()) {
                return true;
            }
        }
        if !filler(t) {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::redact::text::tokens_before;

    static P: Phrases = Phrases::new(&[&["date", "of", "birth"], &["dob"], &["birth"]]);

    #[test]
    fn nearest_whole_word_phrase() {
        let s = b"Date of Birth: x";
        let mut t = Vec::new();
        tokens_before(s, 15, 40, &mut t, 8);
        assert_eq!(P.nearest(s, &t), Some((0, 0)));
        let s = b"the DOB is 1";
        tokens_before(s, 11, 40, &mut t, 8);
        assert_eq!(P.nearest(s, &t), Some((1, 1)));
        let s = b"dobson 1";
        tokens_before(s, 7, 40, &mut t, 8);
        assert!(!P.any(s, &t));
    }
}
