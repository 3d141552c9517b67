//! The least a loader of TLD-shaped text must do, as a baseline for the
//! load bench (issue 5 asks 500 MB/s per core for load, classify and sort).
//!
//! # Background
//! zonesign's loader reads any master file (RFC 1035 §5.1): escapes,
//! parentheses, quotes, `$INCLUDE`, every RR type's fields, a
//! file:line:column for every error, the checks of each field; and it builds
//! the zone's nodes (NS RRsets shared, apex, cuts, glue). This baseline does
//! none of that. It reads what `tools/genzone` writes, one record per line,
//! in the simplest way that still does the work every loader must do:
//!
//! - split each line at blanks (one octet at a time, no SIMD);
//! - owner names and NS targets to lowercase wire form, the origin appended
//!   to relative names (no escapes);
//! - A, AAAA and DS RDATA to wire form, any other RDATA kept as text;
//! - one entry per owner run (consecutive lines of one owner), sorted by
//!   [`zonesign::order::canonical_prefix_key`] with
//!   [`zonesign::zone::name::canonical_cmp_wire`] for ties: canonical order
//!   (RFC 4034 §6.1), as zonesign sorts;
//! - each owner's records by type, gathered into one vector.
//!
//! It does not order RDATA within an RRset or drop duplicates, does not merge
//! two runs of one owner, checks nothing and keeps no positions. What it
//! reaches is an upper bound for a loader of this plain design, not a loader.
//!
//! # Limitations
//! Input outside that subset (a backslash, a parenthesis, a quote, a line
//! with too few fields) gives `None`.

use std::net::Ipv6Addr;

use zonesign::order::canonical_prefix_key;
use zonesign::zone::name::canonical_cmp_wire;

#[derive(Debug, Clone, Copy)]
struct Record {
    owner: u32,
    rdata: u32,
    ttl: u32,
    rtype: u16,
    rdata_len: u16,
}

/// `text` in the subset described in the module documentation; `origin` in
/// wire form. Returns how many records it read (the records themselves go
/// to [`std::hint::black_box`], so that none of the work is optimized away).
pub fn load(text: &[u8], origin: &[u8]) -> Option<usize> {
    let mut names: Vec<u8> = Vec::with_capacity(text.len() / 3);
    let mut rdata: Vec<u8> = Vec::with_capacity(text.len() / 2);
    let mut records: Vec<Record> = Vec::with_capacity(text.len() / 32);
    // Owner runs: (sort key, first record).
    let mut runs: Vec<(u128, u32)> = Vec::with_capacity(text.len() / 64);
    let mut owner_text: &[u8] = b"";
    let mut owner_at = 0u32;
    let mut default_ttl = 0u32;
    let mut fields = [(0usize, 0usize); 16];
    let mut pos = 0;
    while pos < text.len() {
        let (count, end, indented) = split_line(text, pos, &mut fields)?;
        pos = end + 1;
        if count == 0 {
            continue;
        }
        let field = |k: usize| fields[..count].get(k).map(|&(s, e)| &text[s..e]);
        let first = field(0)?;
        if first == b"$TTL" {
            default_ttl = decimal(field(1)?)?;
            continue;
        }
        if first[0] == b'$' {
            continue;
        }
        let mut k = 0;
        if !indented {
            if first != owner_text {
                owner_text = first;
                owner_at = names.len() as u32;
                name_to_wire(first, origin, &mut names)?;
                let wire = &names[owner_at as usize..];
                runs.push((canonical_prefix_key(wire), records.len() as u32));
            }
            k = 1;
        }
        let mut ttl = default_ttl;
        if field(k)?[0].is_ascii_digit() {
            ttl = decimal(field(k)?)?;
            k += 1;
        }
        if field(k)? == b"IN" {
            k += 1;
        }
        let start = rdata.len();
        let rtype = match field(k)? {
            b"NS" => {
                name_to_wire(field(k + 1)?, origin, &mut rdata)?;
                2
            }
            b"A" => {
                for octet in field(k + 1)?.split(|&c| c == b'.') {
                    rdata.push(u8::try_from(decimal(octet)?).ok()?);
                }
                1
            }
            b"AAAA" => {
                let address: Ipv6Addr = std::str::from_utf8(field(k + 1)?).ok()?.parse().ok()?;
                rdata.extend_from_slice(&address.octets());
                28
            }
            b"DS" => {
                rdata
                    .extend_from_slice(&u16::try_from(decimal(field(k + 1)?)?).ok()?.to_be_bytes());
                rdata.push(u8::try_from(decimal(field(k + 2)?)?).ok()?);
                rdata.push(u8::try_from(decimal(field(k + 3)?)?).ok()?);
                for j in k + 4..count {
                    let digits = field(j)?;
                    let hex = data_encoding::HEXUPPER_PERMISSIVE;
                    let at = rdata.len();
                    rdata.resize(at + hex.decode_len(digits.len()).ok()?, 0);
                    hex.decode_mut(digits, &mut rdata[at..]).ok()?;
                }
                43
            }
            _ => {
                for j in k + 1..count {
                    rdata.extend_from_slice(field(j)?);
                }
                0
            }
        };
        if runs.is_empty() {
            return None;
        }
        let rdata_len = u16::try_from(rdata.len() - start).ok()?;
        records.push(Record { owner: owner_at, rdata: start as u32, ttl, rtype, rdata_len });
    }
    let owner = |run: &(u128, u32)| &names[records[run.1 as usize].owner as usize..];
    runs.sort_unstable_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| canonical_cmp_wire(owner(a), owner(b)))
    });
    let mut sorted: Vec<Record> = Vec::with_capacity(records.len());
    for run in &runs {
        let first = run.1 as usize;
        let len = records[first..].iter().take_while(|r| r.owner == records[first].owner).count();
        let run = &mut records[first..first + len];
        run.sort_by_key(|r| r.rtype);
        sorted.extend_from_slice(run);
    }
    std::hint::black_box((&sorted, &names, &rdata));
    Some(sorted.len())
}

/// The fields of the line starting at `pos` (up to 16, a comment ends the
/// line): their count, where the line ends, and whether it starts blank
/// (no owner). `None` for a field with a backslash, parenthesis or quote.
fn split_line(
    text: &[u8],
    pos: usize,
    fields: &mut [(usize, usize); 16],
) -> Option<(usize, usize, bool)> {
    let blank = |c: u8| c == b' ' || c == b'\t';
    let mut count = 0;
    let mut i = pos;
    loop {
        while i < text.len() && blank(text[i]) {
            i += 1;
        }
        if i >= text.len() || text[i] == b'\n' || text[i] == b';' {
            break;
        }
        let start = i;
        while i < text.len() && !blank(text[i]) && text[i] != b'\n' {
            if matches!(text[i], b'\\' | b'(' | b'"') {
                return None;
            }
            i += 1;
        }
        if count < fields.len() {
            fields[count] = (start, i);
            count += 1;
        }
    }
    while i < text.len() && text[i] != b'\n' {
        i += 1;
    }
    Some((count, i, pos < text.len() && blank(text[pos])))
}

/// A presentation name without escapes to lowercase wire form.
fn name_to_wire(name: &[u8], origin: &[u8], out: &mut Vec<u8>) -> Option<()> {
    if name == b"@" {
        out.extend_from_slice(origin);
        return Some(());
    }
    let absolute = name.last() == Some(&b'.');
    let name = if absolute { &name[..name.len() - 1] } else { name };
    for label in name.split(|&c| c == b'.') {
        if label.is_empty() || label.len() > 63 {
            return None;
        }
        out.push(label.len() as u8);
        out.extend(label.iter().map(u8::to_ascii_lowercase));
    }
    if absolute {
        out.push(0);
    } else {
        out.extend_from_slice(origin);
    }
    Some(())
}

fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then_some(())?;
        n.checked_mul(10)?.checked_add(u32::from(c - b'0'))
    })
}
