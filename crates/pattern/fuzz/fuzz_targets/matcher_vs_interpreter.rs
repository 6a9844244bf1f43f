//! Fuzz the compiled matcher against the interpreter: `cargo +nightly fuzz run matcher_vs_interpreter`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pattern_fuzz::checks::matcher_agrees(data));
