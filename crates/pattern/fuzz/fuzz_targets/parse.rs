//! Fuzz the pattern parser: `cargo +nightly fuzz run parse`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pattern_fuzz::checks::parse_never_panics(data));
