//! The PERSON gazetteer: given names and surnames from the US Census 1990 name-frequency files
//! and the SSA's baby-name records (public domain), and from Faker's lists for some 50 other
//! countries (MIT; `core/data/README.md` says how each list was derived), loaded once into
//! hash sets on first use, plus the stoplist that overrides them.

use crate::redact::text::WordMap;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

const FIRST_NAMES: &str = include_str!("../../../data/first_names.txt");
const LAST_NAMES: &str = include_str!("../../../data/last_names.txt");
/// Given names and surnames of some 50 other countries (Faker's locale lists, romanised as
/// [`fold`] does, less the US lists' words and English words).
const FIRST_NAMES_WORLD: &str = include_str!("../../../data/first_names_world.txt");
const LAST_NAMES_WORLD: &str = include_str!("../../../data/last_names_world.txt");

/// Every given name of the gazetteer, one per line.
fn first_names() -> impl Iterator<Item = &'static str> {
    FIRST_NAMES.lines().chain(FIRST_NAMES_WORLD.lines())
}

/// FxHash (rustc's hasher): the keys are short ASCII words, so a multiply-rotate hash beats
/// SipHash several times over and collisions cannot be forced by input text (the set is fixed).
#[derive(Default)]
pub(crate) struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u8(b);
        }
    }
    #[inline]
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`Fx`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// A given name of the gazetteer.
pub(crate) const FIRST: u8 = 1;
/// A surname of the gazetteer.
pub(crate) const LAST: u8 = 2;
/// A stop word: never a name token.
pub(crate) const STOP_WORD: u8 = 4;
/// A surname that also names a disease, a device or a product (`Foley`, `Hashimoto`,
/// `Jenkins`): a name only after a title or a given name ([`NAMESAKES`]).
pub(crate) const NAMESAKE: u8 = 8;
/// A given name that is, alone, more often a place (`London`, `Paris`, `Egypt`): [`PLACES`].
pub(crate) const PLACE: u8 = 16;

/// Every gazetteer and stoplist word (lowercase) with its flags: one lookup per token.
fn words() -> &'static FxMap<&'static [u8], u8> {
    static M: OnceLock<FxMap<&'static [u8], u8>> = OnceLock::new();
    M.get_or_init(|| {
        let mut m = FxMap::default();
        let last_names = LAST_NAMES.lines().chain(LAST_NAMES_WORLD.lines());
        for w in first_names().filter(|l| !l.is_empty()) {
            *m.entry(w.as_bytes()).or_insert(0) |= FIRST;
        }
        for w in last_names.filter(|l| !l.is_empty()) {
            *m.entry(w.as_bytes()).or_insert(0) |= LAST;
        }
        for w in STOP {
            *m.entry(w.as_bytes()).or_insert(0) |= STOP_WORD;
        }
        for w in NAMESAKES {
            *m.entry(w.as_bytes()).or_insert(0) |= NAMESAKE;
        }
        for w in PLACES {
            *m.entry(w.as_bytes()).or_insert(0) |= PLACE;
        }
        m
    })
}

/// A non-ASCII word as the census files spell it: lowercase, accents dropped (`José` →
/// `jose`, `Hernández` → `hernandez`), apostrophes too (`D’Angelo` → `dangelo`). The Latin
/// letters that Unicode does not decompose into an ASCII base and an accent are spelled as
/// their languages romanise them (`Bjørn` → `bjorn`, `Łukasz` → `lukasz`, `Yılmaz` →
/// `yilmaz`): the name lists hold those names in that ASCII form. Other
/// scripts stay as they are and match nothing in the ASCII lists.
fn fold(word: &str) -> String {
    use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};
    let mut out = String::with_capacity(word.len());
    for c in word
        .nfd()
        .filter(|&c| !is_combining_mark(c) && c != '\'' && c != '’')
        .flat_map(char::to_lowercase)
    {
        match c {
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'ı' => out.push('i'),
            'đ' | 'ð' => out.push('d'),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ß' => out.push_str("ss"),
            'þ' => out.push_str("th"),
            c => out.push(c),
        }
    }
    out
}

/// The gazetteer key of `word` (any case): [`lower`] for ASCII words, [`fold`] for the rest.
fn gazetteer_key<'a>(word: &[u8], buf: &'a mut [u8; 32], heap: &'a mut String) -> Option<&'a [u8]> {
    if word.is_ascii() {
        return lower(word, buf, heap);
    }
    *heap = fold(std::str::from_utf8(word).ok()?);
    Some(heap.as_bytes())
}

/// Lowercases a word into `buf` without apostrophes (`O'Brien` is `obrien` in the census
/// files, which drop punctuation); non-ASCII words go through Unicode lowercasing into `heap`.
pub(crate) fn lower<'a>(
    word: &[u8],
    buf: &'a mut [u8; 32],
    heap: &'a mut String,
) -> Option<&'a [u8]> {
    if !word.is_ascii() {
        *heap = std::str::from_utf8(word).ok()?.to_lowercase();
        return Some(heap.as_bytes());
    }
    let mut n = 0;
    for &c in word.iter().filter(|&&c| c != b'\'') {
        *buf.get_mut(n)? = c.to_ascii_lowercase();
        n += 1;
    }
    Some(&buf[..n])
}

/// The size of [`first_bits`]' set, in bits.
const FIRST_BITS: usize = 1 << 18;

/// One bit per hash of every given name (256 Kbit, 32 KB: stays in cache, about one bit in
/// seven set for the 38,000 names). A clear bit proves a word is not a given name without
/// probing the 91,000-word map, which is what most capitalised words need to know.
fn first_bits() -> &'static [u64] {
    static B: OnceLock<Vec<u64>> = OnceLock::new();
    B.get_or_init(|| {
        let mut bits = vec![0u64; FIRST_BITS / 64];
        for w in first_names().filter(|l| !l.is_empty()) {
            let h = fx(w.as_bytes()) as usize % FIRST_BITS;
            bits[h >> 6] |= 1 << (h & 63);
        }
        bits
    })
}

fn fx(w: &[u8]) -> u64 {
    let mut h = Fx::default();
    h.write(w);
    h.finish()
}

/// [`maybe_first`] of a word already hashed: `h` is `Fx` over its lowercase bytes (no
/// apostrophes).
pub(crate) fn maybe_first_hashed(h: u64) -> bool {
    let h = h as usize % FIRST_BITS;
    first_bits()[h >> 6] & (1 << (h & 63)) != 0
}

/// [`STOP_WORD`] when the ASCII word `word`, hashed as for [`maybe_first_hashed`] (`Fx` over
/// its lowercase bytes), is on the stoplist, [`NAMESAKE`] when it is a namesake, else 0: a bit
/// set answers most words, the lists the rest. Inlined: every capitalised word asks it, and
/// once the stoplist grew the compiler stopped inlining it on its own (+2.6 % instructions per
/// call of `find` on the mixed text).
#[inline]
pub(crate) fn stop_hashed(word: &[u8], h: u64) -> u8 {
    static BITS: OnceLock<Vec<u64>> = OnceLock::new();
    static LIST: OnceLock<WordMap<u8>> = OnceLock::new();
    let listed = || {
        let stop = STOP.iter().map(|w| (w.as_bytes(), STOP_WORD));
        stop.chain(NAMESAKES.iter().map(|w| (w.as_bytes(), NAMESAKE)))
    };
    let bits = BITS.get_or_init(|| {
        let mut bits = vec![0u64; 1024];
        for (w, _) in listed() {
            let h = fx(w) as usize & 0xFFFF;
            bits[h >> 6] |= 1 << (h & 63);
        }
        bits
    });
    let k = h as usize & 0xFFFF;
    if bits[k >> 6] & (1 << (k & 63)) == 0 {
        return 0;
    }
    LIST.get_or_init(|| WordMap::new(listed()))
        .get(word)
        .unwrap_or(0)
}

/// False when the word (any case) is certainly not a given name; true when it may be one. A
/// hyphenated word is judged by its first part, as [`flags`] does.
pub(crate) fn maybe_first(word: &[u8]) -> bool {
    let word = first_part(word);
    // `fx(lower(word))` without the buffer: the same bytes through the same hash.
    let (mut h, mut n, mut high) = (Fx::default(), 0usize, 0u8);
    for &c in word {
        high |= c;
        if c != b'\'' {
            h.write_u8(c.to_ascii_lowercase());
            n += 1;
        }
    }
    let h = if high < 0x80 {
        if n > 32 {
            return false;
        }
        h.finish()
    } else {
        let (mut buf, mut heap) = ([0u8; 32], String::new());
        match gazetteer_key(word, &mut buf, &mut heap) {
            Some(w) => fx(w),
            None => return false,
        }
    };
    maybe_first_hashed(h)
}

/// The flags ([`FIRST`], [`LAST`], [`STOP_WORD`], [`NAMESAKE`], [`PLACE`]) of a word, any
/// case, accents folded. A hyphenated word (`Mary-Jane`, `Smith-Jones`), which the census files
/// never list, is a given name when its first part is one and a surname when its last part is
/// one, unless a part is a stop word (then it is no name word at all); a namesake part makes the
/// whole a namesake (`Cheyne-Stokes`). An Arabic article or kinship word and one more part
/// (`Al-Sayed`, `El-Amin`, `Abu-Bakr`) is a surname whatever the part is: the part is often a
/// given name or no listed word.
pub(crate) fn flags(word: &[u8]) -> u8 {
    let head = first_part(word);
    if head.len() == word.len() {
        return word_flags(word);
    }
    let tail = &word[head.len() + 1..];
    if is_arabic_article(head) && tail.len() >= 3 && first_part(tail).len() == tail.len() {
        return if word_flags(tail) & STOP_WORD != 0 {
            0
        } else {
            LAST
        };
    }
    let parts = word.split(|&c| c == b'-').map(word_flags);
    let (mut first, mut last, mut any) = (None, 0, 0);
    for f in parts {
        first.get_or_insert(f);
        any |= f;
        last = f;
    }
    if any & STOP_WORD != 0 {
        return 0;
    }
    (first.unwrap_or(0) & FIRST) | (last & LAST) | (any & NAMESAKE)
}

/// The Arabic article and the kinship words that open a surname joined by a `-` (`Al-Sayed`,
/// `al-Rashid`, `Abu-Bakr`, `bin-Talal`), any case.
pub(crate) fn is_arabic_article(w: &[u8]) -> bool {
    [&b"al"[..], b"el", b"abu", b"bin", b"ibn"]
        .iter()
        .any(|a| w.eq_ignore_ascii_case(a))
}

/// `word` up to its first `-`. A plain loop: words are short, and `memchr`'s setup cost more
/// than the search (+1.2 M instructions per 4 MiB of mixed text).
fn first_part(word: &[u8]) -> &[u8] {
    &word[..word.iter().position(|&c| c == b'-').unwrap_or(word.len())]
}

/// [`flags`] of a word without a `-` (the caller knows: `person_at` read its letters).
pub(crate) fn word_flags(word: &[u8]) -> u8 {
    let (mut buf, mut heap) = ([0u8; 32], String::new());
    gazetteer_key(word, &mut buf, &mut heap).map_or(0, |w| words().get(w).copied().unwrap_or(0))
}

/// A given name of the gazetteer (case-insensitive).
pub(crate) fn is_first(word: &[u8]) -> bool {
    flags(word) & FIRST != 0
}

/// Words that are never a name token even when the gazetteer lists them: medical eponyms,
/// tech products, and common capitalised words (greetings, roles, months, weekdays, headings).
#[rustfmt::skip]
const STOP: &[&str] = &[
    // Medical eponyms that are not also common surnames (those, like Bell or Murphy, are
    // caught by the possessive rule in person.rs: "Bell's palsy", "Murphy's sign"; the
    // surnames among eponyms are NAMESAKES).
    "crohn", "crohns", "alzheimer", "babinski", "guillain", "barre", "hallpike", "wilms",
    "tourette", "marfan", "asperger", "dupuytren", "tinel", "raynaud", "kaposi", "lyme", "doppler",
    "kussmaul", "lachman", "trendelenburg", "kegel", "hirschsprung", "meckel", "wernicke",
    "korsakoff", "bayes", "markov", "fourier", "dijkstra", "lasix", "humira", "morbus",
    // Clinical shorthand written with a capital after "Patient" or "Pt" (`Patient Hx: HTN`),
    // where those cues admit any capitalised word.
    "hx", "dx", "ddx", "rx", "tx", "sx", "fx",
    // Tech products and terms.
    "gradle", "selenium", "django", "flask", "prometheus", "grafana", "zookeeper", "docker",
    "kubernetes", "redis", "mongo", "maven", "perl", "scala",
    "kotlin", "linux", "apache", "tomcat", "nginx", "kibana", "splunk", "sentry", "jira", "slack",
    "heroku", "vercel", "alexa", "siri", "cortana", "terraform", "vagrant", "ansible", "jekyll",
    "gatsby", "angular", "react", "vue", "rails", "hibernate", "bazel", "tokio", "serde", "celery",
    "airflow", "pandas", "keras", "nagios", "zabbix", "ubuntu", "debian", "fedora", "postgres",
    "mysql", "sqlite", "android", "windows", "chrome", "firefox", "python", "javascript",
    "typescript", "golang", "java", "solaris", "mio", "miri",
    // AI models and assistants that are no one's given name ("Hey Gemini", "Dear Copilot");
    // those that are (Claude, Gemma) are judged by what follows them in person.rs.
    "gemini", "copilot", "chatgpt", "gpt", "llama", "mistral", "mixtral", "grok", "ollama", "qwen",
    "deepseek", "perplexity", "midjourney", "cohere",
    // Type names, which follow `name:` in code (`name: String,`) as a name follows a label.
    "string", "str", "cow", "vec", "option", "optional", "hashmap", "btreemap", "boolean",
    "bool", "integer", "int", "float", "object", "array", "uuid", "datetime", "timestamp",
    "dict", "tuple", "char", "bytes", "err", "ident", "symbol", "ipv",
    // Common capitalised words.
    "the", "this", "that", "these", "those", "there", "here", "what", "when", "where", "who",
    "why", "how", "and", "but", "for", "not", "all", "any", "our", "your", "his", "her", "its",
    "team", "everyone", "folks", "guys", "customer", "customers", "support", "sir", "madam",
    "doctor", "nurse", "patient", "admin", "world", "again", "thanks", "thank", "regards", "best",
    "please", "note", "notes", "re", "fwd", "subject", "hello", "hi", "hey", "dear", "sincerely",
    "cheers", "staff", "user", "member", "members", "service", "services", "group", "care",
    "health", "hospital", "clinic", "center", "centre", "medical", "street", "avenue", "road",
    "drive", "court", "place", "way", "beach", "bridge", "harbor", "harbour", "falls", "springs",
    "heights", "island", "valley", "canyon", "creek", "plaza", "station", "airport", "mount", "bay",
    "san", "santa", "los", "las", "fort", "port", "january", "february", "march", "april", "may",
    "june",
    "july", "august", "september", "october", "november", "december", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow", "yesterday",
    "morning", "evening", "night", "will", "can", "could", "would", "should", "must", "might",
    "shall", "yes", "no", "ok", "okay", "sure", "new", "old", "good", "great", "happy", "welcome",
    "congrats", "north", "south", "east", "west", "city", "state", "county", "bank", "card",
    "account", "email", "phone", "mobile", "fax", "address", "name", "date", "birth", "dob", "mrn",
    "ssn", "id", "number", "code", "test", "record", "void", "active", "status", "error",
    "warning", "info", "debug", "true", "false", "null", "none", "unknown", "mr", "mrs", "ms",
    "dr", "prof", "pt", "rn", "md", "np", "pa", "ceo", "cto", "cfo", "hr", "it", "qa", "ops",
    "dev", "prod", "staging", "dept", "department", "office", "home", "work", "cell", "tel", "ext",
    "law", "disease", "syndrome", "sign", "score", "scale", "tumor", "virus", "maneuver",
    "procedure", "catheter", "monitor", "foundation", "university", "college", "school", "inc",
    "llc", "ltd", "co", "corp", "company", "gmbh", "plc", "visa", "amex", "mastercard", "paypal",
    "google", "apple", "amazon", "microsoft", "github", "gitlab", "openai", "anthropic", "stripe",
    "twilio", "sendgrid", "aws", "gcp", "azure", "oracle", "i", "a", "an", "in", "on", "at", "to",
    "of", "is", "be", "we", "he", "she", "they", "you", "me", "my", "if", "or", "so", "as", "by",
    "has", "have", "had", "been", "was", "were", "are", "does", "did",
    "file", "line", "traceback", "exception", "error", "caused",
    // Openings of letters in other languages that a title follows (`Gentile Sig.ra Ferrari`,
    // `Egregio Dott. Bianchi`, `Sehr geehrter Herr`).
    "gentile", "egregio", "egregia", "sehr",
    // Button and menu labels, which follow `name:` in UI code (`name: 'Abort'`); those that
    // are also surnames (Close, Save, Show, View) are left to the gazetteer.
    "abort", "cancel", "retry", "ignore", "overwrite", "skip", "submit", "continue", "apply",
    "reset", "edit", "delete", "hide", "open", "exit", "quit", "next", "previous", "instead",
    "help", "returns", "return", "param", "throws", "example",
    // Ordinary words the 1990 census lists as given names, which the SSA list's English-word
    // filter (core/data/README.md) does not reach ("Regular Manual Pages", "Meta 1.1"), and
    // the abbreviated months and weekdays that are no one's name ("Thu Mar  3 23:05:25").
    "manual", "numbers", "many", "else", "era", "lean", "marry", "carry", "brain", "tiny",
    "pasty", "sparkle", "meta", "feb", "apr", "jul", "aug", "sep", "sept", "oct", "nov", "tue",
    "tues", "wed", "thu", "thurs", "fri", "sat",
];

/// Surnames of the gazetteer that more often name a disease, a sign, a device or a product
/// (`Foley catheter`, `Hashimoto's`, `Jenkins pipeline`, `Braxton Hicks`). On the stoplist they
/// hid Mr. Jenkins and Sarah Jenkins; as namesakes they are names after a title, or after a
/// given name in one run, and nothing else.
#[rustfmt::skip]
const NAMESAKES: &[&str] = &[
    "parkinson", "apgar", "foley", "hashimoto", "whipple", "ganz", "holter", "epley", "cushing",
    "hodgkin", "kawasaki", "heimlich", "wegener", "horner", "huntington", "sjogren", "hickman",
    "cheyne", "mcburney", "romberg", "phalen", "braxton", "burkitt", "jenkins", "kafka", "haskell",
];

/// Given names of the SSA records that, as one capitalised word, are nearly always a city, a
/// state, a country or a region ("I like London and Berlin", "flights to Paris"). Places that
/// are as often someone's name (Austin, Charlotte, Georgia, Jordan, Madison, Sydney) are not
/// here. A place word is still a name with a surname (`Paris Hilton`) or after a cue.
#[rustfmt::skip]
const PLACES: &[&str] = &[
    "london", "paris", "berlin", "boston", "cairo", "rome", "vienna", "venice", "geneva", "milan",
    "melbourne", "montreal", "nairobi", "memphis", "dallas", "denver", "houston", "cleveland",
    "brooklyn", "egypt", "china", "italy", "france", "ireland", "kenya", "mali", "africa", "asia",
    "america", "alaska", "arizona", "florida", "montana", "nevada", "kansas", "missouri",
    "tennessee", "indiana", "maryland", "sahara", "argentina", "angeles", "francisco", "trenton",
    "sedona", "reno", "bristol",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_is_loaded_and_case_insensitive() {
        assert!(maybe_first(b"Maria") && maybe_first(b"JAMES"));
        assert!(is_first(b"Maria") && is_first(b"JAMES") && is_first(b"jennifer"));
        let is_last = |w: &[u8]| flags(w) & LAST != 0;
        assert!(is_last(b"Gonzalez") && is_last(b"SMITH") && is_last(b"nguyen"));
        assert!(!is_first(b"Xqzv") && !is_last(b"Zzzzqq"));
        assert!(is_first("José".as_bytes()) && is_first("MARÍA".as_bytes()));
        assert!(is_last("Hernández".as_bytes()) && is_last("D’Angelo".as_bytes()));
        assert!(is_last(b"O'Brien"));
        assert!(FIRST_NAMES.lines().count() > 28000 && LAST_NAMES.lines().count() >= 40000);
        // Rarer SSA names are in; the dictionary's capitalised words among them are not.
        assert!(is_first(b"Rajesh") && is_first(b"Oluwaseun") && is_first(b"Tomasz"));
        assert!(!is_first(b"English") && !is_first(b"Harvard") && !is_first(b"Atlanta"));
    }

    #[test]
    fn letters_without_an_ascii_base_are_romanised() {
        assert_eq!(fold("Bjørn"), "bjorn");
        assert_eq!(fold("ŁUKASZ"), "lukasz");
        assert_eq!(fold("Yılmaz"), "yilmaz");
        assert_eq!(fold("İbrahim"), "ibrahim");
        assert_eq!(fold("Strauß"), "strauss");
        assert_eq!(fold("Ægir Þórðarson"), "aegir thordarson");
        assert!(is_first("Bjørn".as_bytes()) && is_first("Łukasz".as_bytes()));
        assert!(flags("Yılmaz".as_bytes()) & LAST != 0);
    }

    /// The world lists are what `core/data/README.md` says: folded keys the US lists lack,
    /// none an English word the SSA rule keeps out.
    #[test]
    fn world_lists_add_folded_names_the_us_lists_lack() {
        use std::collections::HashSet;
        for (list, us_list) in [
            (FIRST_NAMES_WORLD, FIRST_NAMES),
            (LAST_NAMES_WORLD, LAST_NAMES),
        ] {
            let us: HashSet<&str> = us_list.lines().collect();
            assert!(list.lines().count() > 9000);
            for w in list.lines() {
                assert!(
                    w.len() >= 3 && w.bytes().all(|c| c.is_ascii_lowercase()),
                    "{w}"
                );
                assert!(!us.contains(w), "{w} is in the US list");
            }
        }
        assert!(!FIRST_NAMES.lines().any(|w| w == "daan"));
        assert!(is_first(b"Daan") && is_first("Özlem".as_bytes()));
        let is_last = |w: &str| flags(w.as_bytes()) & LAST != 0;
        assert!(is_last("Zielińska") && is_last("Lindqvist") && is_last("Eze"));
        // The English-speaking locales' given names are left out (`Pratt parsing`).
        assert!(!is_first(b"Pratt") && !is_first(b"Simpson"));
    }

    #[test]
    fn hyphenated_words_take_the_flags_of_their_parts() {
        assert_eq!(flags(b"Mary-Jane") & FIRST, FIRST);
        assert_eq!(flags(b"Smith-Jones") & (FIRST | LAST), LAST);
        assert!(maybe_first(b"Mary-Jane") && maybe_first("José-Luis".as_bytes()));
        // A stop word in any part: no name at all (`will` is one, `Smith` a surname).
        assert_eq!(flags(b"Will-Smith"), 0);
        // An Arabic article makes a surname of any word, but not of a stop word.
        for w in ["Al-Sayed", "El-Amin", "al-Farsi", "Abu-Bakr", "Bin-Talal"] {
            assert_eq!(flags(w.as_bytes()), LAST, "{w}");
        }
        assert_eq!(flags(b"Al-The"), 0);
        assert_eq!(flags(b"Al-Sayed-Khan") & LAST, LAST);
    }

    /// Lookups fold accents off a word ([`fold`]), so the stoplist must be written folded.
    #[test]
    fn stoplist_is_ascii_lowercase() {
        for w in STOP.iter().chain(NAMESAKES).chain(PLACES) {
            assert!(w.bytes().all(|c| c.is_ascii_lowercase()), "{w}");
        }
    }

    #[test]
    fn stoplist_overrides() {
        for w in ["Crohn", "Team", "March", "Barré", "BARRE"] {
            assert!(flags(w.as_bytes()) & STOP_WORD != 0, "{w}");
        }
        assert_eq!(flags(b"Maria") & STOP_WORD, 0);
    }

    #[test]
    fn namesakes_are_surnames_marked_as_such() {
        for w in [
            "Parkinson",
            "JENKINS",
            "Kafka",
            "Foley",
            "Apgar",
            "Cheyne-Stokes",
        ] {
            assert_eq!(
                flags(w.as_bytes()) & (NAMESAKE | STOP_WORD),
                NAMESAKE,
                "{w}"
            );
        }
        assert_eq!(flags(b"Jenkins") & LAST, LAST);
        assert_eq!(flags(b"Smith") & NAMESAKE, 0);
        // A namesake is a surname of the gazetteer, a place a given name: the lists are no
        // place for other words.
        for w in NAMESAKES {
            assert!(words()[w.as_bytes()] & LAST != 0, "{w}");
        }
        for w in PLACES {
            assert!(words()[w.as_bytes()] & FIRST != 0, "{w}");
        }
    }
}
