#![no_main]
// Every zone the loader accepts must sign, in every denial mode (picked by the input's length),
// into a zone our verifier passes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zonesign::sign::fuzz_sign(data));
