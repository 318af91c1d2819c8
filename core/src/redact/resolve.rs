//! Overlap resolution (tests/fixtures/pii/README.md): validated types win over looser ones,
//! then the longer span, then the earlier start (then the lower type id, so equal candidates
//! from two detectors resolve the same way every time). Greedy in that order: a candidate is
//! kept when it overlaps nothing kept before it.

use super::detect::Cand;
use super::entity::{id, BUILTINS};
use std::collections::BTreeMap;

fn validated(ty: u16) -> bool {
    ty < id::CUSTOM_BASE && BUILTINS[ty as usize].is_validated()
}

/// Sorts out the overlaps of `cands` (which it reorders) and returns the kept candidates in
/// text order.
///
/// The greedy choice only ever compares candidates that overlap, so it runs on each cluster
/// of transitively overlapping candidates on its own, with the same result as on the whole
/// set: one sort by start (the detectors' outputs are already sorted runs) and a linear sweep,
/// where most clusters are a single candidate.
pub(crate) fn resolve(cands: &mut [Cand]) -> Vec<Cand> {
    cands.sort_by_key(|c| c.start);
    let mut kept = Vec::with_capacity(cands.len());
    let mut i = 0;
    while i < cands.len() {
        let mut end = cands[i].end;
        let mut j = i + 1;
        while j < cands.len() && cands[j].start < end {
            end = end.max(cands[j].end);
            j += 1;
        }
        if j == i + 1 {
            kept.push(cands[i]);
        } else {
            resolve_cluster(&mut cands[i..j], &mut kept);
        }
        i = j;
    }
    kept
}

/// The greedy choice on one cluster: validated types first, then the longer span, then the
/// earlier start, then the lower type id; a candidate is kept when it overlaps nothing kept
/// before it. Appends the kept ones to `out` in text order.
fn resolve_cluster(cluster: &mut [Cand], out: &mut Vec<Cand>) {
    cluster.sort_unstable_by_key(|c| {
        (
            !validated(c.ty),
            std::cmp::Reverse(c.end - c.start),
            c.start,
            c.ty,
        )
    });
    if cluster.len() <= 16 {
        let first = out.len();
        for c in cluster.iter() {
            if !out[first..]
                .iter()
                .any(|k| k.start < c.end && c.start < k.end)
            {
                out.push(*c);
            }
        }
        out[first..].sort_unstable_by_key(|c| c.start);
        return;
    }
    // A large cluster (a long URL over many values): kept spans by start, so a new span
    // overlaps a kept one when the kept span that starts last before its end also ends after
    // its start.
    let mut kept: BTreeMap<usize, Cand> = BTreeMap::new();
    for c in cluster.iter() {
        let clash = kept
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        if !clash {
            kept.insert(c.start, *c);
        }
    }
    out.extend(kept.into_values());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(ty: u16, start: usize, end: usize) -> Cand {
        Cand { ty, start, end }
    }

    #[test]
    fn validated_then_longer_then_earlier() {
        let mut v = vec![
            c(id::URL, 0, 40),
            c(id::EMAIL, 20, 35),
            c(id::PERSON, 50, 60),
            c(id::STREET_ADDRESS, 45, 70),
        ];
        assert_eq!(
            resolve(&mut v),
            [c(id::EMAIL, 20, 35), c(id::STREET_ADDRESS, 45, 70)]
        );
        let mut v = vec![c(id::PERSON, 5, 10), c(id::PERSON, 0, 5), c(id::DATE, 3, 8)];
        assert_eq!(resolve(&mut v), [c(id::PERSON, 0, 5), c(id::PERSON, 5, 10)]);
        let mut v = vec![c(id::DATE, 0, 10), c(id::DATE_OF_BIRTH, 0, 10)];
        assert_eq!(resolve(&mut v), [c(id::DATE_OF_BIRTH, 0, 10)]);
    }

    #[test]
    fn order_of_input_does_not_matter() {
        let base = vec![
            c(id::PHONE, 0, 12),
            c(id::CREDIT_CARD, 2, 20),
            c(id::URL, 15, 30),
            c(id::EMAIL, 28, 40),
        ];
        let mut rev: Vec<Cand> = base.iter().rev().copied().collect();
        let mut fwd = base.clone();
        assert_eq!(resolve(&mut fwd), resolve(&mut rev));
    }
}
