//! A seeded, deterministic generator of TLD-shaped zones, for tests and benchmarks.
//!
//! Background: a TLD zone is almost all delegations: two or more NS records per child,
//! a DS record for the signed minority, and A/AAAA glue for the few children whose name
//! servers live below the child itself. The generator writes that shape as a registry
//! export would: `$ORIGIN` and `$TTL` at the top, one record per line, relative owners.
//!
//! Usage: the `zonesign-genzone` binary parses arguments and calls [`write_zone`]; a
//! benchmark reuses this file with `#[path = "../tools/genzone/gen.rs"] mod gen;` and calls
//! [`write_zone`] into a `Vec<u8>`. The file depends on `std` only.
//!
//! Guarantees: the same [`Config`] gives byte-identical output on every platform (the PRNG
//! is xoshiro256** seeded through splitmix64, both hand-written here); child labels are
//! unique, lowercase, 5 to 20 characters of letters, digits and inner hyphens (never `--`),
//! or IDN labels `xn--…` that are valid Punycode (RFC 3492) of a lowercase Unicode label.
//!
//! Limitations: with origin `.`, the out-of-bailiwick name server pool (`hostingNNN.net.`
//! and friends) lies inside the zone without address records; use a TLD origin for
//! realistic output. Name server hosts of the pool whose TLD equals the origin are replaced
//! by another TLD so that no NS target falls inside the zone without glue.

// Included as a module by several crates (the binary, benchmarks), each using a part.
#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{self, Write};

/// What to generate. Percentages are of delegations and are clamped to 0..=100.
#[derive(Debug, Clone)]
pub struct Config {
    /// Zone origin, absolute (`tld.`); a missing final dot is added.
    pub origin: String,
    /// Number of delegations (child zones).
    pub delegations: u64,
    /// PRNG seed; the same seed gives the same zone.
    pub seed: u64,
    /// Share of delegations with one DS record.
    pub ds_percent: u32,
    /// Share of delegations with in-bailiwick name servers and A/AAAA glue.
    pub glue_percent: u32,
    /// Share of delegations whose label is an IDN (`xn--…`) label.
    pub idn_percent: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            origin: "tld.".to_owned(),
            delegations: 1000,
            seed: 1,
            ds_percent: 10,
            glue_percent: 5,
            idn_percent: 3,
        }
    }
}

/// Counts of what [`write_zone`] wrote, for the caller's summary line and for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub delegations: u64,
    pub ns_records: u64,
    pub ds_records: u64,
    pub glue_records: u64,
    pub idn_labels: u64,
    pub records: u64,
}

/// splitmix64 (Steele, Lea, Flood 2014); used only to expand the seed into xoshiro state.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256** 1.0 (Blackman, Vigna; <https://prng.di.unimi.it/xoshiro256starstar.c>).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        let mut sm = seed;
        Rng {
            s: [splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm), splitmix64(&mut sm)],
        }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the bias is below 2^-32 for our `n`).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `percent`/100.
    pub fn percent(&mut self, percent: u32) -> bool {
        self.below(100) < u64::from(percent.min(100))
    }
}

const LETTERS: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";
const DIGITS: &[u8; 10] = b"0123456789";

/// Provider name stems and TLDs for the out-of-bailiwick name server pool.
const POOL_STEMS: &[&str] = &["hosting", "dns", "provider", "webhost", "cloudns", "nsmaster"];
const POOL_TLDS: &[&str] = &["net", "com", "org", "de", "eu", "io"];
/// Number of providers; each has two hosts (`ns1.`, `ns2.`), so the pool has twice as many.
const POOL_PROVIDERS: u64 = 2500;

/// An ASCII LDH label of 5 to 20 characters: letters, some digits, inner hyphens only,
/// never two hyphens in a row (RFC 5891 §4.2.3.1 reserves `??--` for IDNA).
fn ldh_label(rng: &mut Rng, out: &mut Vec<u8>) {
    // Triangular distribution around 12: short names are popular, long ones exist.
    let len = (rng.range(2, 10) + rng.range(3, 10)) as usize;
    for i in 0..len {
        let roll = rng.below(100);
        let inner = i != 0 && i != len - 1;
        let c = if roll < 4 && inner && out.last() != Some(&b'-') {
            b'-'
        } else if roll < 14 {
            DIGITS[rng.below(10) as usize]
        } else {
            LETTERS[rng.below(26) as usize]
        };
        out.push(c);
    }
}

/// Lowercase Unicode code points that an IDN registry would accept, one script per label.
fn unicode_label(rng: &mut Rng) -> Vec<u32> {
    const LATIN_EXTRA: &[u32] =
        &[0xE4, 0xF6, 0xFC, 0xDF, 0xE9, 0xE8, 0xE0, 0xE7, 0xF1, 0xE5, 0xF8, 0xE6, 0x142, 0x17C];
    loop {
        let script = rng.below(3);
        let len = match script {
            0 => rng.range(5, 16),
            1 => rng.range(4, 12),
            _ => rng.range(2, 6),
        } as usize;
        let mut label = Vec::with_capacity(len);
        for _ in 0..len {
            let c = match script {
                0 if rng.below(5) == 0 => LATIN_EXTRA[rng.below(LATIN_EXTRA.len() as u64) as usize],
                0 => u32::from(LETTERS[rng.below(26) as usize]),
                1 => 0x430 + rng.below(32) as u32, // Cyrillic а..я
                _ => 0x4E00 + rng.below(0x1000) as u32, // CJK Unified Ideographs
            };
            label.push(c);
        }
        // An IDN label needs at least one non-ASCII code point, or it is just LDH.
        if label.iter().any(|&c| c >= 0x80) {
            return label;
        }
    }
}

/// RFC 3492 §6.3 Punycode encoding of `input` (already lowercase, so no case annotation).
pub fn punycode(input: &[u32]) -> String {
    const BASE: u32 = 36;
    const TMIN: u32 = 1;
    const TMAX: u32 = 26;
    const SKEW: u32 = 38;
    const DAMP: u32 = 700;
    fn digit(d: u32) -> char {
        // RFC 3492 §5: 0..25 are a..z, 26..35 are 0..9.
        char::from(if d < 26 { b'a' + d as u8 } else { b'0' + (d - 26) as u8 })
    }
    fn adapt(mut delta: u32, points: u32, first: bool) -> u32 {
        delta = if first { delta / DAMP } else { delta / 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - TMIN) * TMAX) / 2 {
            delta /= BASE - TMIN;
            k += BASE;
        }
        k + (BASE - TMIN + 1) * delta / (delta + SKEW)
    }

    let mut output: String =
        input.iter().filter(|&&c| c < 0x80).map(|&c| c as u8 as char).collect();
    let basic = output.len() as u32;
    let mut handled = basic;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias) = (0x80u32, 0u32, 72u32);
    while (handled as usize) < input.len() {
        // The labels are short, so none of these additions can overflow u32.
        let m = input.iter().copied().filter(|&c| c >= n).min().unwrap_or(n);
        delta += (m - n) * (handled + 1);
        n = m;
        for &c in input {
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        TMIN
                    } else if k >= bias + TMAX {
                        TMAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    output
}

/// An `xn--` label of at most 63 octets (RFC 1035 §2.3.4).
fn idn_label(rng: &mut Rng, out: &mut Vec<u8>) {
    loop {
        let encoded = punycode(&unicode_label(rng));
        if encoded.len() + 4 <= 63 {
            out.extend_from_slice(b"xn--");
            out.extend_from_slice(encoded.as_bytes());
            return;
        }
    }
}

/// FNV-1a, enough to remember which labels were handed out (equal labels hash equal;
/// a collision of different labels only costs a redraw, never a duplicate).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xCBF2_9CE4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3))
}

fn write_ipv4(rng: &mut Rng, out: &mut impl Write) -> io::Result<()> {
    // Unicast-looking first octets: no 0, 10, 127, multicast or reserved.
    let first = loop {
        let o = rng.range(1, 223);
        if o != 10 && o != 127 && o != 100 && o != 169 && o != 172 && o != 192 {
            break o;
        }
    };
    write!(out, "{}.{}.{}.{}", first, rng.below(256), rng.below(256), rng.range(1, 254))
}

fn write_ipv6(rng: &mut Rng, out: &mut impl Write) -> io::Result<()> {
    // 2a00::/12 style global unicast; the shortest text form is left to the tools.
    write!(
        out,
        "2a0{:x}:{:x}:{:x}:{:x}::{:x}",
        rng.below(16),
        rng.below(0x10000),
        rng.below(0x10000),
        rng.below(0x10000),
        rng.range(1, 0xffff)
    )
}

/// Normalises `origin` to lowercase with one final dot (`.` stays `.`).
pub fn normalise_origin(origin: &str) -> String {
    let trimmed = origin.trim().trim_end_matches('.').to_ascii_lowercase();
    if trimmed.is_empty() {
        ".".to_owned()
    } else {
        format!("{trimmed}.")
    }
}

/// Writes the whole zone for `config` to `out`. Wrap files in a `BufWriter`.
pub fn write_zone(config: &Config, out: &mut impl Write) -> io::Result<Stats> {
    let origin = normalise_origin(&config.origin);
    let origin_tld = origin.trim_end_matches('.').rsplit('.').next().unwrap_or("").to_owned();
    let mut rng = Rng::new(config.seed);
    let mut stats = Stats::default();

    // Pool TLDs that would put pool hosts inside this zone are replaced by "net"/"com".
    let pool_tlds: Vec<&str> = POOL_TLDS.iter().copied().filter(|&t| t != origin_tld).collect();

    writeln!(out, "; TLD-shaped test zone from zonesign-genzone")?;
    writeln!(
        out,
        "; origin {} delegations {} seed {} ds {}% glue {}% idn {}%",
        origin,
        config.delegations,
        config.seed,
        config.ds_percent,
        config.glue_percent,
        config.idn_percent
    )?;
    writeln!(out, "$ORIGIN {origin}")?;
    writeln!(out, "$TTL 86400")?;
    writeln!(out, "@\t86400\tIN\tSOA\ta.nic hostmaster.nic 2026082201 1800 900 2419200 3600")?;
    stats.records += 1;
    // Apex NS with their addresses (in-zone, below the non-delegated name "nic").
    for host in ["a.nic", "b.nic", "c.nic"] {
        writeln!(out, "@\t172800\tIN\tNS\t{host}")?;
        stats.records += 1;
    }
    for host in ["a.nic", "b.nic", "c.nic"] {
        write!(out, "{host}\t172800\tIN\tA\t")?;
        write_ipv4(&mut rng, out)?;
        writeln!(out)?;
        write!(out, "{host}\t172800\tIN\tAAAA\t")?;
        write_ipv6(&mut rng, out)?;
        writeln!(out)?;
        stats.records += 2;
    }

    let mut seen: HashSet<u64> = HashSet::with_capacity(config.delegations as usize);
    let mut label = Vec::with_capacity(64);
    let mut hex = [0u8; 64];
    for _ in 0..config.delegations {
        // Draw until unique; labels are 5+ chars from 37 symbols, so redraws are rare.
        let idn = loop {
            label.clear();
            let idn = rng.percent(config.idn_percent);
            if idn {
                idn_label(&mut rng, &mut label);
            } else {
                ldh_label(&mut rng, &mut label);
            }
            if seen.insert(fnv1a(&label)) {
                break idn;
            }
        };
        // Labels are built from ASCII bytes only, so this never fails.
        let child = std::str::from_utf8(&label).map_err(io::Error::other)?;
        stats.delegations += 1;
        stats.idn_labels += u64::from(idn);

        if rng.percent(config.glue_percent) {
            writeln!(out, "{child}\tNS\tns1.{child}")?;
            writeln!(out, "{child}\tNS\tns2.{child}")?;
            stats.ns_records += 2;
            for host in ["ns1", "ns2"] {
                write!(out, "{host}.{child}\tA\t")?;
                write_ipv4(&mut rng, out)?;
                writeln!(out)?;
                stats.glue_records += 1;
                if rng.percent(60) {
                    write!(out, "{host}.{child}\tAAAA\t")?;
                    write_ipv6(&mut rng, out)?;
                    writeln!(out)?;
                    stats.glue_records += 1;
                }
            }
        } else {
            // Most children use one provider's ns1/ns2 pair; some mix two providers.
            let provider = rng.below(POOL_PROVIDERS);
            let second = if rng.percent(90) { provider } else { rng.below(POOL_PROVIDERS) };
            for (host, p) in [("ns1", provider), ("ns2", second)] {
                let stem = POOL_STEMS[(p % POOL_STEMS.len() as u64) as usize];
                let tld = pool_tlds[(p / 7 % pool_tlds.len() as u64) as usize];
                writeln!(out, "{child}\tNS\t{host}.{stem}{p}.{tld}.")?;
            }
            stats.ns_records += 2;
        }

        if rng.percent(config.ds_percent) {
            let key_tag = rng.below(65536);
            let algorithm = if rng.percent(80) { 13 } else { 8 };
            for pair in hex.chunks_exact_mut(16) {
                let v = rng.next_u64();
                for (i, h) in pair.iter_mut().enumerate() {
                    *h = b"0123456789ABCDEF"[((v >> (60 - 4 * i)) & 0xF) as usize];
                }
            }
            write!(out, "{child}\tDS\t{key_tag} {algorithm} 2 ")?;
            out.write_all(&hex)?;
            writeln!(out)?;
            stats.ds_records += 1;
        }
    }
    stats.records += stats.ns_records + stats.ds_records + stats.glue_records;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(config: &Config) -> (String, Stats) {
        let mut buf = Vec::new();
        let stats = write_zone(config, &mut buf).expect("writing to a Vec cannot fail");
        (String::from_utf8(buf).expect("generator writes ASCII"), stats)
    }

    #[test]
    fn punycode_matches_rfc3492_implementations() {
        // Expected values from Python's `"münchen".encode("punycode")` etc.
        let enc = |s: &str| punycode(&s.chars().map(u32::from).collect::<Vec<_>>());
        assert_eq!(enc("münchen"), "mnchen-3ya");
        assert_eq!(enc("bücher"), "bcher-kva");
        assert_eq!(enc("пример"), "e1afmkfd");
        assert_eq!(enc("例子"), "fsqu00a");
        assert_eq!(enc("ü"), "tda");
    }

    #[test]
    fn same_seed_same_zone_other_seed_other_zone() {
        let config = Config { delegations: 500, ..Config::default() };
        assert_eq!(generate(&config).0, generate(&config).0);
        assert_ne!(generate(&config).0, generate(&Config { seed: 2, ..config }).0);
    }

    #[test]
    fn child_labels_are_unique_and_valid() {
        let config = Config { delegations: 20_000, idn_percent: 10, ..Config::default() };
        let (text, stats) = generate(&config);
        let mut children = HashSet::new();
        for line in text.lines().filter(|l| !l.starts_with(['$', ';', '@'])) {
            let owner = line.split('\t').next().unwrap_or("");
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.get(1) == Some(&"NS") && !owner.contains('.') {
                children.insert(owner.to_owned());
            }
            for label in owner.split('.') {
                assert!(!label.is_empty() && label.len() <= 63, "bad label {label:?}");
                assert!(!label.starts_with('-') && !label.ends_with('-'), "{label:?}");
                assert!(label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
                if !label.starts_with("xn--") && label.len() >= 4 {
                    assert_ne!(&label[2..4], "--", "reserved R-LDH label {label:?}");
                }
            }
        }
        assert_eq!(children.len() as u64, config.delegations);
        assert_eq!(stats.delegations, config.delegations);
        assert!(stats.idn_labels > 1000 && stats.idn_labels < 3000, "{stats:?}");
        assert!(stats.ds_records > 1500 && stats.ds_records < 2500, "{stats:?}");
    }

    #[test]
    fn origin_is_normalised() {
        assert_eq!(normalise_origin("TLD"), "tld.");
        assert_eq!(normalise_origin("co.uk."), "co.uk.");
        assert_eq!(normalise_origin("."), ".");
    }
}
