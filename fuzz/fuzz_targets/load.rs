#![no_main]
// The zone loader must return an error, never panic or hang, on any bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| zonesign::load::fuzz_load(data));
