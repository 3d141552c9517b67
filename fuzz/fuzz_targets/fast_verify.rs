#![no_main]
// The fast verification path must never accept what aws-lc-rs rejects, and agree with it otherwise.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zonesign::verify::fast::fuzz_compare(data));
