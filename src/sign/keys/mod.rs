//! Signing keys: BIND key files, key tags, DNSKEY RDATA, proof of possession.
