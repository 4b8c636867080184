//! Arbitrary bytes as a script file: decoding, preparing, splitting and parsing must never
//! panic. The dynamic-text entry points get the same bytes (as lossy UTF-8).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = rustirc_syntax::parse_bytes(data);
    // Locating and rendering every diagnostic exercises the position map.
    for d in &parsed.diagnostics {
        let l = rustirc_syntax::diag::locate(&parsed.prepared, d);
        std::hint::black_box(rustirc_syntax::diag::render("fuzz.mrc", &l));
    }
    std::hint::black_box(&parsed.items);
    let text = String::from_utf8_lossy(data);
    std::hint::black_box(rustirc_syntax::parse_words(&text).ok());
    std::hint::black_box(rustirc_syntax::parse_statements(&text).ok());
});
