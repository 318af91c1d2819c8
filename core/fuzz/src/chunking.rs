//! The seeded chunkings the redaction targets cut their streams with: chunk sizes from 1 to
//! `max` bytes drawn by a small LCG seeded from the input, so a crash reproduces from its input
//! alone.

/// Chunk lengths for one stream.
struct Sizes {
    state: u32,
    max: usize,
}

impl Sizes {
    fn new(seed: u8, max: usize) -> Sizes {
        Sizes {
            state: u32::from(seed) | 0x100,
            max,
        }
    }

    /// The next length, 1 to `max`.
    fn next(&mut self) -> usize {
        self.state = self.state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        1 + (self.state >> 16) as usize % self.max
    }

    /// Now and then (one draw in eight) an empty chunk should come first: a stream may deliver
    /// one.
    fn empty_first(&self) -> bool {
        self.state & 0x7 == 0
    }
}

/// `s` in chunks of up to `max` bytes, each widened to end on a character boundary, with an
/// empty chunk now and then.
pub fn of_text(s: &str, max: usize, seed: u8) -> Vec<&str> {
    let mut sizes = Sizes::new(seed, max);
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        let mut end = (at + sizes.next()).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        if sizes.empty_first() {
            out.push(&s[at..at]);
        }
        out.push(&s[at..end]);
        at = end;
    }
    out
}

/// `data` in chunks of up to `max` bytes, cut anywhere (inside characters too).
pub fn of_bytes(data: &[u8], max: usize, seed: u8) -> Vec<&[u8]> {
    let mut sizes = Sizes::new(seed, max);
    let mut out = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let end = (at + sizes.next()).min(data.len());
        out.push(&data[at..end]);
        at = end;
    }
    out
}
