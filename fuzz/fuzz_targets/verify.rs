#![no_main]
// The verifier must report, never panic or hang, on any zone: signed by anyone, or broken.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zonesign::verify::fuzz_verify(data));
