//! Fuzzes the redactor's configuration: any JSON document either fails with `InvalidConfig`
//! (a message naming the path and the reason) or compiles to a redactor that redacts and
//! restores a text holding every type without a panic or an error. Tenant regexes, allowlist
//! globs and regexes, operators, phone regions and type names all come from the input.
//!
//! Input layout: the JSON document (invalid UTF-8 is skipped: `from_json` takes a `&str`).

#![no_main]

use genie_core::redact::{Redactor, RedactorConfig};
use genie_core::ErrorKind;
use libfuzzer_sys::fuzz_target;

const TEXT: &str = "Patient Jane Doe (DOB 03/14/1962, MRN: 00482913, SSN 123-45-6789) lives at \
    2150 Peachtree Rd NW, Atlanta, GA 30309; call +1 415 802 3391 or mail jane.doe@example.com. \
    Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, host 192.168.1.20, \
    https://example.com/a?b=1, key ghp_a5XEaVuILmEIb87eOA9nlTMG4C60bMhV4Djp, member ACM123456789, \
    seen 2024-05-01. Thanks, Lars";

fuzz_target!(|input: &[u8]| {
    let Ok(json) = std::str::from_utf8(input) else {
        return;
    };
    let config = match RedactorConfig::from_json(json) {
        Ok(config) => config,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
            return;
        }
    };
    let redactor = match Redactor::new(config) {
        Ok(r) => r,
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidConfig, "{e}");
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    let red = redactor.redact(TEXT).expect("a compiled config redacts");
    assert_eq!(red.counts.values().sum::<u64>(), red.findings.len() as u64);
    let _ = redactor.restore(&red.text, &red.mapping);
});
