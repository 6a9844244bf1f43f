//! The properties the fuzz targets check; `checks.rs` is also compiled into the `pattern`
//! crate's `fuzz_checks` test, so the same code runs on a seed corpus without libFuzzer.

pub mod checks;
