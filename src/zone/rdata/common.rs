//! Writers for the RDATA a signed TLD is made of, without the field walk.
//!
//! # Background
//! A signed TLD zone is nearly all NS, DS, RRSIG and NSEC3 (or NSEC)
//! records: the text writer prints millions of them. The general printer
//! ([`super::format_rdata`]) walks each type's field table, measures and
//! checks each field, then prints it, appending piece by piece: about
//! 1,400 instructions a record in a signed TLD. These writers print the
//! same text for those types with the layout spelled out, straight into
//! the writer's octets: no buffer between, and no check that the text is
//! UTF-8 (it is ASCII by construction: digits, base64, hex, base32hex and
//! names of printable ASCII only). Through a stack line and a `String`,
//! the zone writer ran a tenth more instructions.
//!
//! # Usage
//! [`format_common_bytes`] appends the record and returns true, or returns
//! false with the output as it was: for any other type, for RDATA the
//! field walk would refuse (which then describes what is wrong), and for a
//! name that needs an escape. The field walk is then the one that prints.
//! A test holds the two to the same text for any octets.

use super::bitmap::walk_type_bitmap;
use super::text::{time_text, BASE64};
use crate::zone::name::{write_plain_name, MAX_NAME_LEN};
use crate::zone::rtype::Rtype;
use data_encoding::{Encoding, BASE32HEX_NOPAD, HEXUPPER};

/// Appends `rdata` of type `rtype` in presentation format to `out`, as
/// the field walk of [`super::format_rdata`] would, and returns true;
/// returns false and leaves `out` as it was when these writers do not take
/// it (see the module documentation).
pub(crate) fn format_common_bytes(rtype: Rtype, rdata: &[u8], out: &mut Vec<u8>) -> bool {
    let write: fn(&[u8], &mut Line<'_>) -> Option<()> = match rtype {
        Rtype::NS => ns,
        Rtype::DS => ds,
        Rtype::RRSIG => rrsig,
        Rtype::NSEC => nsec,
        Rtype::NSEC3 => nsec3,
        _ => return false,
    };
    let start = out.len();
    if write(rdata, &mut Line { out, start }).is_some() {
        return true;
    }
    out.truncate(start);
    false
}

/// [`format_common_bytes`] for a `String`.
pub(super) fn format_common(rtype: Rtype, rdata: &[u8], out: &mut String) -> bool {
    let mut text = Vec::new();
    if !format_common_bytes(rtype, rdata, &mut text) {
        return false;
    }
    match std::str::from_utf8(&text) {
        Ok(text) => {
            out.push_str(text);
            true
        }
        Err(_) => false,
    }
}

/// RFC 1035 §3.3.11: one name, NSDNAME.
fn ns(r: &[u8], line: &mut Line<'_>) -> Option<()> {
    let end = line.name(r, 0)?;
    (end == r.len()).then_some(())
}

/// RFC 4034 §5.1: key tag (2 octets), algorithm, digest type, digest; the
/// digest of the size its type gives (RFC 4034 §5.1.4, RFC 4509 §2.2, ...).
fn ds(r: &[u8], line: &mut Line<'_>) -> Option<()> {
    let digest = r.get(4..).filter(|d| !d.is_empty())?;
    // The digest's size for its type: the field walk's check, which also
    // says what is wrong.
    super::check_semantics(Rtype::DS, r).ok()?;
    line.uint(be16(r, 0));
    line.uint(r[2]);
    line.uint(r[3]);
    line.encode(&HEXUPPER, digest);
    Some(())
}

/// RFC 4034 §3.1: type covered (2 octets), algorithm, labels, original
/// TTL (4), signature expiration (4), signature inception (4), key tag
/// (2), signer's name, signature. §3.2: the times as `YYYYMMDDHHmmSS`.
fn rrsig(r: &[u8], line: &mut Line<'_>) -> Option<()> {
    if r.len() < 18 {
        return None;
    }
    line.rtype(Rtype(be16(r, 0)));
    line.uint(r[2]);
    line.uint(r[3]);
    line.uint(be32(r, 4));
    line.text(&time_text(be32(r, 8)));
    line.text(&time_text(be32(r, 12)));
    line.uint(be16(r, 16));
    let end = line.name(r, 18)?;
    let signature = r.get(end..).filter(|s| !s.is_empty())?;
    line.encode(&BASE64, signature);
    Some(())
}

/// RFC 4034 §4.1: next domain name, type bit maps.
fn nsec(r: &[u8], line: &mut Line<'_>) -> Option<()> {
    let end = line.name(r, 0)?;
    line.types(&r[end..])
}

/// RFC 5155 §3.2: hash algorithm, flags, iterations (2 octets), salt
/// length and salt, hash length and next hashed owner name, type bit maps.
/// §3.3: the salt in hex, "-" when empty; the next hashed owner name in
/// base32hex without padding (uppercase, as BIND prints it).
fn nsec3(r: &[u8], line: &mut Line<'_>) -> Option<()> {
    let salt_len = usize::from(*r.get(4)?);
    let salt = r.get(5..5 + salt_len)?;
    let hash_len = usize::from(*r.get(5 + salt_len)?);
    let hash_at = 6 + salt_len;
    // §3.1.7: the next hashed owner name is not empty.
    let hash = r.get(hash_at..hash_at + hash_len).filter(|h| !h.is_empty())?;
    line.uint(r[0]);
    line.uint(r[1]);
    line.uint(be16(r, 2));
    if salt.is_empty() {
        line.text(b"-");
    } else {
        line.encode(&HEXUPPER, salt);
    }
    line.encode(&BASE32HEX_NOPAD, hash);
    line.types(&r[hash_at + hash_len..])
}

fn be16(r: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([r[at], r[at + 1]])
}

fn be32(r: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([r[at], r[at + 1], r[at + 2], r[at + 3]])
}

/// The text of one record's RDATA, appended to the writer's octets:
/// fields, each after one space but the first (those after `start`).
/// Appending cannot fail; a writer returns `None` only for RDATA it does
/// not take, and [`format_common_bytes`] then cuts `out` back to `start`.
struct Line<'a> {
    out: &'a mut Vec<u8>,
    start: usize,
}

/// For the writers shared with the rest of the crate (a type's text,
/// [`Rtype::write_into`]).
impl std::fmt::Write for Line<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

impl Line<'_> {
    /// The space before a field but the first.
    fn separate(&mut self) {
        if self.out.len() > self.start {
            self.out.push(b' ');
        }
    }

    fn text(&mut self, text: &[u8]) {
        self.separate();
        self.out.extend_from_slice(text);
    }

    fn uint(&mut self, v: impl itoa::Integer) {
        self.text(itoa::Buffer::new().format(v).as_bytes())
    }

    fn rtype(&mut self, t: Rtype) {
        self.separate();
        // Writing to octets does not fail.
        let _ = t.write_into(self);
    }

    /// The name at `wire[pos..]`; where it ends in `wire`.
    fn name(&mut self, wire: &[u8], pos: usize) -> Option<usize> {
        self.separate();
        let at = self.out.len();
        // Room for the longest name's text, cut to what it took.
        self.out.resize(at + MAX_NAME_LEN + 1, 0);
        let (end, len) = write_plain_name(wire, pos, &mut self.out[at..])?;
        self.out.truncate(at + len);
        Some(end)
    }

    fn encode(&mut self, encoding: &Encoding, data: &[u8]) {
        self.separate();
        let at = self.out.len();
        self.out.resize(at + encoding.encode_len(data.len()), 0);
        encoding.encode_mut(data, &mut self.out[at..]);
    }

    /// RFC 4034 §4.1.2 type bit maps, each type a field; nothing for none.
    /// Malformed ones are the field walk's to describe.
    fn types(&mut self, wire: &[u8]) -> Option<()> {
        walk_type_bitmap(wire, |t| self.rtype(t)).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::rdata::{codec, format_fields, Codec};
    use proptest::prelude::*;

    /// The field walk's text, or `None` where it refuses the RDATA.
    fn walked(rtype: Rtype, rdata: &[u8]) -> Option<String> {
        let Codec::Fields(fields) = codec(rtype) else { unreachable!("field types") };
        let mut out = String::new();
        format_fields(rtype, fields, rdata, &mut out).ok().map(|()| out)
    }

    const TYPES: [Rtype; 5] = [Rtype::NS, Rtype::DS, Rtype::RRSIG, Rtype::NSEC, Rtype::NSEC3];

    fn wire_name() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec("[a-z0-9-]{1,12}", 0..4).prop_map(|labels| {
            let mut w = Vec::new();
            for l in labels {
                w.push(l.len() as u8);
                w.extend_from_slice(l.as_bytes());
            }
            w.push(0);
            w
        })
    }

    /// Type bit maps of a few types in increasing windows.
    fn bitmap() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u16>(), 0..6).prop_map(|mut types| {
            let mut w = Vec::new();
            crate::zone::rdata::bitmap::encode_type_bitmap_into(&mut types, &mut w);
            w
        })
    }

    /// RDATA of the types here as a signed TLD holds them.
    fn well_formed() -> impl Strategy<Value = (Rtype, Vec<u8>)> {
        let octets = |n| prop::collection::vec(any::<u8>(), n);
        prop_oneof![
            wire_name().prop_map(|n| (Rtype::NS, n)),
            (any::<[u8; 4]>(), prop::sample::select(vec![1usize, 2, 4, 9]), octets(1..60))
                .prop_map(|(head, t, d)| {
                    let mut r = head.to_vec();
                    r[3] = t as u8;
                    let size = match t {
                        1 => 20,
                        2 => 32,
                        4 => 48,
                        _ => d.len(),
                    };
                    r.extend((0..size).map(|i| d[i % d.len()]));
                    (Rtype::DS, r)
                }),
            (any::<[u8; 18]>(), wire_name(), octets(1..300))
                .prop_map(|(head, n, s)| { (Rtype::RRSIG, [&head[..], &n, &s].concat()) }),
            (wire_name(), bitmap()).prop_map(|(n, b)| (Rtype::NSEC, [n, b].concat())),
            (any::<[u8; 4]>(), octets(0..20), octets(1..33), bitmap()).prop_map(
                |(head, salt, hash, b)| {
                    let mut r = head.to_vec();
                    r.push(salt.len() as u8);
                    r.extend(&salt);
                    r.push(hash.len() as u8);
                    r.extend(&hash);
                    r.extend(&b);
                    (Rtype::NSEC3, r)
                }
            ),
        ]
    }

    proptest! {
        #[test]
        fn common_writers_print_what_the_field_walk_prints((rtype, rdata) in well_formed()) {
            let mut out = String::from("x");
            prop_assert!(format_common(rtype, &rdata, &mut out), "{rtype} {rdata:?}");
            let walked = walked(rtype, &rdata);
            prop_assert_eq!(Some(&out[1..]), walked.as_deref());
        }

        #[test]
        fn common_writers_take_only_what_the_field_walk_prints(
            t in 0..TYPES.len(),
            rdata in prop::collection::vec(any::<u8>(), 0..80),
            cut in any::<prop::sample::Index>(),
            (_, good) in well_formed(),
        ) {
            let rtype = TYPES[t];
            // Arbitrary octets, and well-formed RDATA of another type or
            // cut short.
            let cut_short = &good[..cut.index(good.len() + 1)];
            for r in [&rdata[..], &good, cut_short] {
                let mut out = String::from("x");
                if format_common(rtype, r, &mut out) {
                    let walked = walked(rtype, r);
                    prop_assert_eq!(Some(&out[1..]), walked.as_deref());
                } else {
                    prop_assert_eq!(out, "x");
                }
            }
        }
    }

    #[test]
    fn escaped_names_take_the_field_walk_and_long_signatures_do_not() {
        let mut out = String::new();
        // A label with a dot in it: the field walk escapes it.
        assert!(!format_common(Rtype::NS, b"\x03a.b\x00", &mut out));
        assert!(out.is_empty());
        // An RRSIG with a 4096-bit RSA signature: no line is too long.
        let rrsig = [&[0u8; 18][..], b"\x00", &[7u8; 512]].concat();
        assert!(format_common(Rtype::RRSIG, &rrsig, &mut out));
        assert_eq!(Some(out), walked(Rtype::RRSIG, &rrsig));
        let mut out = String::new();
        // RFC 1035 §2.3.4: a name of 255 octets is printed, one of 256 is not.
        for (last, printed) in [(61, true), (62, false)] {
            let label = [&[63u8][..], &[b'a'; 63][..]].concat();
            let mut name = [&label[..], &label[..], &label[..]].concat();
            name.push(last);
            name.extend(std::iter::repeat_n(b'a', usize::from(last)));
            name.push(0);
            let mut fast = String::new();
            assert_eq!(format_common(Rtype::NS, &name, &mut fast), printed);
            assert_eq!(walked(Rtype::NS, &name).is_some(), printed);
        }
        // Other types are not these writers' to print.
        assert!(!format_common(Rtype::A, &[192, 0, 2, 1], &mut out));
    }
}
