//! Deterministic benchmark texts for the PII redactor: the one definition of "mixed text", of
//! "a typical 2 KB prompt" and of the dense worst case, shared by `benches/redact.rs` and
//! `examples/pii_throughput.rs` (which writes the same bytes to files for the Presidio side of
//! `bench/pii/compare.sh`).
//!
//! **Mixed text** ([`mixed`]) is what an LLM app sends: a stream of prompts, each one to four
//! segments drawn from eight kinds, weighted as a support/dev/clinical assistant sees them:
//!
//! | kind | weight | shape |
//! |---|---|---|
//! | question | 24 | chat prose: how-to questions, context sentences, product names |
//! | code | 16 | a fenced Python, JavaScript, Rust, SQL or shell snippet |
//! | log | 14 | service log lines: timestamps, levels, request ids, paths, latencies |
//! | trace | 6 | a Python or Java stack trace |
//! | json | 14 | an API response or config object: ids, prices, ISO timestamps, UUIDs |
//! | ticket | 12 | a support e-mail with a greeting and a sign-off |
//! | clinical | 8 | a clinical note: vitals, doses, follow-up intervals |
//! | docs | 6 | pasted markdown documentation: headings, install lines, versions |
//!
//! Every segment has slots that hold PII with a per-kind probability (a signature name, an
//! e-mail in a log line, a client IP, a key in a config, a birth date in a note, ...), tuned so
//! the text carries about one entity per 500 bytes (`pii_throughput mixed` prints the
//! measured density). Everything else is the usual lookalike noise of such text: versions,
//! timestamps, durations, order and invoice numbers, hex ids, UUIDs, ports, file names,
//! capitalised sentence starts and product names. PII values are fabricated here (valid
//! Luhn, NANP numbers, RFC 5737 and private IPs) and names come from a short list of common
//! names, never from the labelled corpus.
//!
//! **Prompt** ([`prompt`]): one prompt of the same mix, question first, cut to 2,048 bytes.
//!
//! **Dense** ([`dense`]): the labelled corpus's texts interleaved by domain (the construction
//! of `bench/pii/score.py`'s shared prompt): every few dozen bytes a labelled value or a hard
//! negative, and far more capitalised words and digit runs than real traffic. A worst case,
//! reported separately.
//!
//! A seeded SplitMix64 makes every run and every machine produce the same bytes.

use std::fmt::Write as _;

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next() as usize % xs.len()]
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.range(0, 9) as u8))
            .collect()
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.range(0, 15) as usize]))
            .collect()
    }

    fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| char::from(A[self.range(0, A.len() as u64 - 1) as usize]))
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

const FIRST: &[&str] = &[
    "Maria", "James", "Priya", "Chen", "Sarah", "Michael", "Aisha", "David", "Elena", "Tom",
    "Fatima", "Lucas", "Hannah", "Omar", "Grace", "Daniel", "Sofia", "Kevin", "Nadia", "Peter",
    "Laura", "Carlos", "Emily", "Ravi", "Julia", "Mark", "Ana", "Samuel", "Yuki", "Rachel",
];
const LAST: &[&str] = &[
    "Lopez", "Smith", "Patel", "Nguyen", "Kim", "Johnson", "Okafor", "Garcia", "Rossi", "Brown",
    "Khan", "Martin", "Schmidt", "Walsh", "Chen", "Wilson", "Silva", "Murray", "Novak", "Reyes",
    "Fischer", "Hughes", "Tanaka", "Cohen", "Bennett", "Diaz", "Olsen",
];
const DOMAINS: &[&str] = &[
    "example.com",
    "acme.io",
    "gmail.com",
    "outlook.com",
    "corp.example.org",
    "mail.example.net",
];
const PRODUCTS: &[&str] = &[
    "Python",
    "Kubernetes",
    "PostgreSQL",
    "React",
    "Redis",
    "Docker",
    "Terraform",
    "AWS Lambda",
    "Django",
    "Node.js",
    "FastAPI",
    "Kafka",
    "GitHub Actions",
    "Nginx",
    "Stripe",
    "Next.js",
    "Elasticsearch",
    "MongoDB",
    "Rust",
    "TypeScript",
    "Celery",
    "Airflow",
    "Snowflake",
    "S3",
];
const NOUNS: &[&str] = &[
    "connection pool",
    "retry policy",
    "cache",
    "migration",
    "webhook",
    "worker",
    "queue",
    "dashboard",
    "API client",
    "config file",
    "deployment",
    "unit test",
    "query",
    "index",
    "build",
    "container",
    "session token",
    "rate limit",
    "timeout",
    "schema",
    "pipeline",
    "background job",
    "login page",
    "search endpoint",
    "invoice export",
    "report",
    "cron job",
    "load balancer",
    "feature flag",
    "database replica",
    "CSV import",
    "batch job",
];
const VERBS: &[&str] = &[
    "configure",
    "debug",
    "speed up",
    "refactor",
    "test",
    "deploy",
    "monitor",
    "paginate",
    "validate",
    "cache",
    "retry",
    "serialize",
    "parse",
    "batch",
    "profile",
    "secure",
    "migrate",
    "document",
    "log",
    "rename",
    "split",
    "merge",
    "roll back",
    "scale",
];
const SYMPTOMS: &[&str] = &[
    "times out after 30 seconds",
    "returns a 502",
    "leaks memory",
    "hangs on startup",
    "throws a KeyError",
    "drops every third message",
    "gets slower over time",
    "fails only in CI",
    "works locally but not in staging",
    "returns duplicate rows",
    "uses 100% CPU",
    "logs nothing at all",
    "crashes with exit code 137",
];
const ADVERBS: &[&str] = &[
    "occasionally",
    "every few hours",
    "under load",
    "after the last upgrade",
    "on Mondays",
    "in production only",
    "since yesterday",
    "for large files",
    "intermittently",
];
const IDENTS: &[&str] = &[
    "user_id",
    "items",
    "payload",
    "result",
    "retries",
    "session",
    "order",
    "config",
    "client",
    "response",
    "batch",
    "row",
    "record",
    "timeout_ms",
    "max_workers",
    "cursor",
    "token_count",
    "page",
    "offset",
    "limit",
    "created_at",
    "status",
    "total",
    "amount",
    "invoice",
];
const SERVICES: &[&str] = &[
    "api-gateway",
    "billing",
    "auth",
    "search",
    "worker",
    "scheduler",
    "notifier",
    "checkout",
];
const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v2/users/me",
    "/healthz",
    "/api/v1/invoices/export",
    "/v1/chat/completions",
    "/static/app.js",
    "/api/v1/search",
    "/login",
    "/metrics",
];
const DRUGS: &[&str] = &[
    "metformin 500 mg BID",
    "lisinopril 10 mg daily",
    "atorvastatin 40 mg nightly",
    "amoxicillin 875 mg q12h",
    "ibuprofen 400 mg PRN",
    "levothyroxine 75 mcg daily",
];
const STREETS: &[&str] = &[
    "Oak Street",
    "Maple Ave",
    "Main St",
    "Cedar Lane",
    "Elm Drive",
    "Pine Road",
    "Lake Blvd",
];
const CITIES: &[(&str, &str)] = &[
    ("Springfield", "IL"),
    ("Portland", "OR"),
    ("Austin", "TX"),
    ("Madison", "WI"),
    ("Raleigh", "NC"),
    ("Boulder", "CO"),
    ("Albany", "NY"),
];
const AREA: &[&str] = &[
    "415", "212", "617", "503", "312", "646", "206", "512", "303", "919",
];

// ---------------------------------------------------------------------------------------------
// PII values.

fn name(r: &mut Rng) -> String {
    format!("{} {}", r.pick(FIRST), r.pick(LAST))
}

fn email(r: &mut Rng) -> String {
    let f = r.pick(FIRST).to_lowercase();
    let l = r.pick(LAST).to_lowercase();
    let local = match r.range(0, 2) {
        0 => format!("{f}.{l}"),
        1 => format!("{}{l}", &f[..1]),
        _ => format!("{f}{}", r.range(1, 99)),
    };
    format!("{local}@{}", r.pick(DOMAINS))
}

fn phone(r: &mut Rng) -> String {
    let (a, x, n) = (r.pick(AREA), r.range(201, 989), r.digits(4));
    match r.range(0, 3) {
        0 => format!("({a}) {x}-{n}"),
        1 => format!("{a}-{x}-{n}"),
        2 => format!("+1 {a} {x} {n}"),
        _ => format!("{a}.{x}.{n}"),
    }
}

fn ip(r: &mut Rng) -> String {
    match r.range(0, 2) {
        0 => format!(
            "10.{}.{}.{}",
            r.range(0, 255),
            r.range(0, 255),
            r.range(1, 254)
        ),
        1 => format!("192.168.{}.{}", r.range(0, 255), r.range(1, 254)),
        _ => format!("203.0.113.{}", r.range(1, 254)),
    }
}

fn card(r: &mut Rng) -> String {
    let mut d: Vec<u8> = std::iter::once(4)
        .chain((0..14).map(|_| r.range(0, 9) as u8))
        .collect();
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(k, &x)| {
            let v = u32::from(x) * if k % 2 == 0 { 2 } else { 1 };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    d.push(((10 - sum % 10) % 10) as u8);
    let s: String = d.iter().map(|&x| char::from(b'0' + x)).collect();
    format!("{} {} {} {}", &s[..4], &s[4..8], &s[8..12], &s[12..])
}

fn api_key(r: &mut Rng) -> String {
    match r.range(0, 2) {
        0 => format!("sk-proj-{}", r.alnum(40)),
        1 => format!("ghp_{}", r.alnum(36)),
        _ => format!("AKIA{}", r.alnum(16).to_uppercase()),
    }
}

fn address(r: &mut Rng) -> String {
    let (city, st) = CITIES[r.range(0, CITIES.len() as u64 - 1) as usize];
    format!(
        "{} {}, {city}, {st} {}",
        r.range(10, 9999),
        r.pick(STREETS),
        r.range(10000, 99999)
    )
}

fn dob(r: &mut Rng) -> String {
    format!(
        "{:02}/{:02}/{}",
        r.range(1, 12),
        r.range(1, 28),
        r.range(1940, 2005)
    )
}

fn uuid(r: &mut Rng) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        r.hex(8),
        r.hex(4),
        r.hex(4),
        r.hex(4),
        r.hex(12)
    )
}

fn timestamp(r: &mut Rng) -> String {
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        r.range(1, 12),
        r.range(1, 28),
        r.range(0, 23),
        r.range(0, 59),
        r.range(0, 59),
        r.range(0, 999)
    )
}

fn version(r: &mut Rng) -> String {
    format!("{}.{}.{}", r.range(0, 5), r.range(0, 30), r.range(0, 20))
}

// ---------------------------------------------------------------------------------------------
// Segments.

fn sentence(r: &mut Rng, out: &mut String) {
    let (p, n, v) = (r.pick(PRODUCTS), r.pick(NOUNS), r.pick(VERBS));
    let n2 = r.pick(NOUNS);
    let _ = match r.range(0, 11) {
        0 => write!(out, "How do I {v} the {n} in {p}?"),
        1 => write!(out, "Our {n} {} {}.", r.pick(SYMPTOMS), r.pick(ADVERBS)),
        2 => write!(
            out,
            "We are on {p} {} and the {n} {}.",
            version(r),
            r.pick(SYMPTOMS)
        ),
        3 => write!(
            out,
            "Can you explain why the {n} {} when the {n2} is busy?",
            r.pick(SYMPTOMS)
        ),
        4 => write!(out, "I tried to {v} the {n2} but nothing changed."),
        5 => write!(
            out,
            "Is there a way to {v} the {n} without touching the {n2}? It has about {} entries.",
            r.range(100, 90000)
        ),
        6 => write!(out, "Here is what I have so far:"),
        7 => write!(
            out,
            "The docs for {p} say to set the timeout to {} seconds, which did not help.",
            r.range(5, 120)
        ),
        8 => write!(out, "What is the best practice to {v} the {n} with {p}?"),
        9 => write!(
            out,
            "Please rewrite this so it is easier to read and add comments; keep it under {} lines.",
            r.range(20, 80)
        ),
        10 => write!(
            out,
            "It started after we moved {} jobs to the new {n} last week.",
            r.range(2, 400)
        ),
        _ => write!(out, "Thanks in advance, any pointers are welcome."),
    };
}

fn question(r: &mut Rng, out: &mut String) {
    for k in 0..r.range(2, 6) {
        if k > 0 {
            out.push(' ');
        }
        if r.chance(0.10) {
            let _ = match r.range(0, 3) {
                0 => write!(
                    out,
                    "My colleague {} set it up, you can reach her at {}.",
                    name(r),
                    email(r)
                ),
                1 => write!(out, "The customer called from {} about it.", phone(r)),
                2 => write!(out, "The box is at {} if that matters.", ip(r)),
                _ => write!(out, "Ship the replacement to {} please.", address(r)),
            };
        } else {
            sentence(r, out);
        }
    }
    out.push('\n');
}

fn code(r: &mut Rng, out: &mut String) {
    let (a, b, c) = (r.pick(IDENTS), r.pick(IDENTS), r.pick(IDENTS));
    let n = r.range(2, 500);
    let _ = match r.range(0, 4) {
        0 => write!(
            out,
            "```python\nimport os\nimport requests\n\nAPI_URL = os.environ.get(\"API_URL\", \"http://localhost:8000\")\n\ndef fetch_{a}({b}, {c}=None, timeout={n}):\n    \"\"\"Fetch {a} for the given {b}.\"\"\"\n    resp = requests.get(f\"{{API_URL}}/v1/{a}\", params={{\"{b}\": {b}, \"limit\": {}}}, timeout=timeout)\n    resp.raise_for_status()\n    for {c} in resp.json()[\"data\"]:\n        if {c}.get(\"status\") == \"failed\":\n            print(f\"retrying {{{c}['id']}} after {{{n} * 2}}ms\")\n    return resp.json()\n```\n",
            r.range(10, 100)
        ),
        1 => write!(
            out,
            "```js\nconst {a} = await fetch(`/api/v1/{b}?page=${{page}}&limit={n}`, {{\n  method: 'POST',\n  headers: {{ 'Content-Type': 'application/json' }},\n  body: JSON.stringify({{ {c}, retries: {} }}),\n}});\nif (!{a}.ok) throw new Error(`request failed: ${{{a}.status}}`);\nconsole.log('done in', Date.now() - start, 'ms');\n```\n",
            r.range(1, 9)
        ),
        2 => write!(
            out,
            "```rust\nfn {a}(input: &[u8], {b}: usize) -> Result<Vec<u32>, Error> {{\n    let mut out = Vec::with_capacity({n});\n    for (i, chunk) in input.chunks({b}).enumerate() {{\n        let v = u32::from_le_bytes(chunk.try_into()?);\n        if v > 0x{} {{ return Err(Error::Overflow(i)); }}\n        out.push(v);\n    }}\n    Ok(out)\n}}\n```\n",
            r.hex(6)
        ),
        3 => write!(
            out,
            "```sql\nSELECT o.id, o.{a}, c.name, SUM(li.amount) AS total\nFROM orders o\nJOIN customers c ON c.id = o.customer_id\nJOIN line_items li ON li.order_id = o.id\nWHERE o.created_at >= '2024-{:02}-01' AND o.status IN ('paid', 'shipped')\nGROUP BY o.id, o.{a}, c.name\nHAVING SUM(li.amount) > {n}\nORDER BY total DESC\nLIMIT {};\n```\n",
            r.range(1, 12),
            r.range(10, 200)
        ),
        _ => write!(
            out,
            "```sh\n$ docker compose up -d {b}\n$ kubectl -n prod rollout restart deploy/{}\n$ curl -s localhost:{}/healthz | jq .status\n\"ok\"\n```\n",
            r.pick(SERVICES),
            r.range(3000, 9999)
        ),
    };
    if r.chance(0.12) {
        let _ = writeln!(out, "OPENAI_API_KEY={}", api_key(r));
    }
}

fn log(r: &mut Rng, out: &mut String) {
    for _ in 0..r.range(3, 8) {
        let level = r.pick(&["INFO", "INFO", "INFO", "DEBUG", "WARN", "ERROR"]);
        let _ = write!(
            out,
            "{} {level:<5} [{}] request_id={} method={} path={} status={} duration_ms={}",
            timestamp(r),
            r.pick(SERVICES),
            r.hex(16),
            r.pick(&["GET", "POST", "PUT"]),
            r.pick(PATHS),
            r.pick(&["200", "200", "201", "204", "404", "500", "503"]),
            r.range(1, 4000)
        );
        if r.chance(0.10) {
            let _ = write!(out, " client_ip={}", ip(r));
        }
        if r.chance(0.06) {
            let _ = write!(out, " user={}", email(r));
        }
        out.push('\n');
    }
}

fn trace(r: &mut Rng, out: &mut String) {
    let (a, b) = (r.pick(IDENTS), r.pick(IDENTS));
    if r.chance(0.5) {
        let _ = write!(
            out,
            "Traceback (most recent call last):\n  File \"/app/services/{a}.py\", line {}, in handle\n    result = process({b})\n  File \"/usr/lib/python3.11/site-packages/requests/adapters.py\", line {}, in send\n    raise ConnectionError(e, request=request)\nrequests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.internal', port=443): Max retries exceeded with url: /v1/{b} (Caused by NewConnectionError('Failed to establish a new connection: [Errno 111] Connection refused'))\n",
            r.range(10, 400),
            r.range(400, 700)
        );
    } else {
        let _ = write!(
            out,
            "java.lang.IllegalStateException: {a} must not be null\n\tat com.example.billing.InvoiceService.export(InvoiceService.java:{})\n\tat com.example.billing.InvoiceController.download(InvoiceController.java:{})\n\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:{})\n\t... {} more\n",
            r.range(20, 900),
            r.range(20, 300),
            r.range(500, 1100),
            r.range(10, 80)
        );
    }
}

fn json(r: &mut Rng, out: &mut String) {
    let _ = write!(
        out,
        "{{\n  \"id\": \"{}\",\n  \"order_number\": \"ORD-{}\",\n  \"status\": \"{}\",\n  \"created_at\": \"{}\",\n  \"items\": [\n    {{\"sku\": \"SKU-{}\", \"qty\": {}, \"unit_price\": {}.{:02}}},\n    {{\"sku\": \"SKU-{}\", \"qty\": {}, \"unit_price\": {}.{:02}}}\n  ],\n  \"currency\": \"USD\",\n  \"retry_count\": {},\n",
        uuid(r),
        r.digits(7),
        r.pick(&["paid", "shipped", "pending", "refunded"]),
        timestamp(r),
        r.digits(5),
        r.range(1, 5),
        r.range(1, 300),
        r.range(0, 99),
        r.digits(5),
        r.range(1, 5),
        r.range(1, 300),
        r.range(0, 99),
        r.range(0, 5)
    );
    if r.chance(0.45) {
        let _ = writeln!(
            out,
            "  \"customer\": {{\"name\": \"{}\", \"email\": \"{}\"}},",
            name(r),
            email(r)
        );
    } else {
        let _ = writeln!(out, "  \"customer_id\": {},", r.range(1000, 999_999));
    }
    let _ = write!(
        out,
        "  \"metadata\": {{\"source\": \"web\", \"app_version\": \"{}\", \"trace_id\": \"{}\"}}\n}}\n",
        version(r),
        r.hex(32)
    );
}

fn ticket(r: &mut Rng, out: &mut String) {
    let greet = if r.chance(0.55) {
        format!("Hi {},", r.pick(FIRST))
    } else {
        "Hi team,".to_owned()
    };
    let _ = write!(
        out,
        "{greet}\n\nOrder #{} still shows as pending after {} days. I was charged ${}.{:02} twice on invoice INV-{}. ",
        r.digits(6),
        r.range(2, 14),
        r.range(10, 900),
        r.range(0, 99),
        r.digits(5)
    );
    sentence(r, out);
    out.push(' ');
    if r.chance(0.3) {
        let _ = write!(out, "You can call me at {}. ", phone(r));
    }
    if r.chance(0.15) {
        let _ = write!(out, "The card on file ends in {}. ", r.digits(4));
    }
    if r.chance(0.04) {
        let _ = write!(out, "Card number {} if you need it. ", card(r));
    }
    if r.chance(0.7) {
        let _ = write!(out, "\n\nThanks,\n{}\n", name(r));
    } else {
        out.push_str("\n\nThanks!\n");
    }
}

fn clinical(r: &mut Rng, out: &mut String) {
    if r.chance(0.35) {
        let _ = write!(out, "Pt {}, DOB {}. ", name(r), dob(r));
    }
    if r.chance(0.2) {
        let _ = write!(out, "MRN: {}. ", r.digits(8));
    }
    let _ = writeln!(
        out,
        "{}-year-old presents with {} x {} days. BP {}/{}, HR {}, SpO2 {}% on RA, temp {}.{} C. Labs: Na {}, K {}.{}, Cr {}.{}, A1c {}.{}%. Started {}. Follow up in {} weeks; repeat labs in {} months.",
        r.range(18, 90),
        r.pick(&["cough", "chest pain", "fatigue", "headache", "abdominal pain", "dizziness"]),
        r.range(2, 14),
        r.range(100, 170),
        r.range(60, 100),
        r.range(55, 110),
        r.range(90, 100),
        r.range(36, 39),
        r.range(0, 9),
        r.range(130, 145),
        r.range(3, 5),
        r.range(0, 9),
        r.range(0, 1),
        r.range(5, 9),
        r.range(5, 9),
        r.range(0, 9),
        r.pick(DRUGS),
        r.range(1, 6),
        r.range(1, 6)
    );
}

fn docs(r: &mut Rng, out: &mut String) {
    let p = r.pick(PRODUCTS);
    let v = version(r);
    let _ = write!(
        out,
        "## Installation\n\nRequires {p} {v} or later. Install with `pip install acme-sdk=={}` and set `ACME_TIMEOUT` (default {} s). See the changelog for release {} notes; the client retries {} times with exponential backoff and a {} ms cap.\n\n### Configuration\n\n| key | default |\n|---|---|\n| `max_connections` | {} |\n| `pool_timeout` | {} |\n",
        version(r),
        r.range(5, 60),
        version(r),
        r.range(2, 8),
        r.range(500, 30000),
        r.range(8, 512),
        r.range(1, 60)
    );
}

/// Appends one prompt (one to four segments, a question first half the time).
pub fn one_prompt(r: &mut Rng, out: &mut String) {
    type Segment = fn(&mut Rng, &mut String);
    const KINDS: [(u64, Segment); 8] = [
        (24, question),
        (16, code),
        (14, log),
        (6, trace),
        (14, json),
        (12, ticket),
        (8, clinical),
        (6, docs),
    ];
    let total: u64 = KINDS.iter().map(|k| k.0).sum();
    if r.chance(0.5) {
        question(r, out);
    }
    for _ in 0..r.range(1, 3) {
        let mut roll = r.range(0, total - 1);
        for (w, f) in KINDS {
            if roll < w {
                f(r, out);
                break;
            }
            roll -= w;
        }
    }
}

fn cut(mut s: String, size: usize) -> String {
    let mut n = size.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    s.truncate(n);
    s
}

/// `size` bytes of mixed text: prompts separated by blank lines ([`mixed_prompts`] joined
/// with `\n`).
pub fn mixed(seed: u64, size: usize) -> String {
    mixed_prompts(seed, size).join("\n")
}

/// The prompts of [`mixed`], one string each, the last one cut so that they and their
/// separators make exactly `size` bytes: the same text, as an app would send it, one prompt
/// per call.
pub fn mixed_prompts(seed: u64, size: usize) -> Vec<String> {
    let mut r = Rng::new(seed);
    let (mut prompts, mut len) = (Vec::new(), 0);
    while len < size {
        let mut p = String::new();
        one_prompt(&mut r, &mut p);
        // The separator before every prompt but the first.
        let room = size - len - usize::from(!prompts.is_empty());
        len += usize::from(!prompts.is_empty()) + p.len();
        prompts.push(cut(p, room));
    }
    prompts
}

/// The typical 2 KB prompt: a question, then segments of the mix, cut to 2,048 bytes.
pub fn prompt(seed: u64) -> String {
    let mut r = Rng::new(seed);
    let mut out = String::new();
    question(&mut r, &mut out);
    while out.len() < 2048 {
        one_prompt(&mut r, &mut out);
    }
    cut(out, 2048)
}

/// The texts of a labelled corpus (`tests/fixtures/pii/corpus.jsonl` format) as
/// `(domain, text)`.
pub fn corpus_texts(path: &str) -> Vec<(String, String)> {
    let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    raw.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("corpus line is JSON");
            (
                v["domain"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The dense worst case: the domains' texts interleaved (repeating) until `size` bytes.
pub fn dense(texts: &[(String, String)], size: usize) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut by_domain: Vec<Vec<&str>> = Vec::new();
    for (d, t) in texts {
        match names.iter().position(|n| n == d) {
            Some(k) => by_domain[k].push(t),
            None => {
                names.push(d);
                by_domain.push(vec![t]);
            }
        }
    }
    let rows = by_domain.iter().map(Vec::len).min().unwrap_or(0);
    let mut out = String::new();
    if rows == 0 {
        return out;
    }
    'fill: loop {
        for r in 0..rows {
            for d in &by_domain {
                if !out.is_empty() {
                    out.push_str("\n\n");
                }
                out.push_str(d[r]);
                if out.len() >= size {
                    break 'fill;
                }
            }
        }
    }
    cut(out, size)
}
