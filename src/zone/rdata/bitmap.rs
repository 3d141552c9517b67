//! Type bit maps of NSEC, NSEC3 and CSYNC (RFC 4034 §4.1.2).
//!
//! # Background
//! RFC 4034 §4.1.2: "The RR type space is split into 256 window blocks,
//! each representing the low-order 8 bits of the 16-bit RR type space.
//! Each block that has at least one active RR type is encoded using a
//! single octet window number (from 0 to 255), a single octet bitmap length
//! (from 1 to 32) indicating the number of octets used for the window
//! block's bitmap, and up to 32 octets (256 bits) of bitmap."
//!
//! # Usage
//! [`encode_type_bitmap`] takes types in any order, with duplicates;
//! [`decode_type_bitmap`] returns them in increasing order and rejects every
//! encoding that is not the single canonical one.
//!
//! # Limitations
//! Decoding is strict: RFC 4034 §4.1.2 says "Blocks with no types present
//! MUST NOT be included. Trailing zero octets in the bitmap MUST be
//! omitted." Its next sentence, "Trailing zero octets not specified MUST be
//! interpreted as zero octets", is about octets *left out*, not octets
//! present, so a block whose last octet is zero is rejected (as is an
//! all-zero block). Windows must be in strictly increasing order ("Blocks
//! are present in the NSEC RR RDATA in increasing numerical order").

use crate::zone::rtype::Rtype;
use std::fmt;

/// Why a type bit map in wire form was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitmapError {
    /// The data ends inside a window header or bitmap.
    Truncated { offset: usize },
    /// A window number is not greater than the one before it.
    WindowOrder { offset: usize, window: u8 },
    /// A bitmap length of 0 or more than 32.
    BadLength { offset: usize, len: u8 },
    /// The last octet of a block's bitmap is zero (this includes an
    /// all-zero block).
    TrailingZero { offset: usize, window: u8 },
}

impl fmt::Display for BitmapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BitmapError::Truncated { offset } => {
                write!(f, "type bit map truncated at offset {offset}")
            }
            BitmapError::WindowOrder { offset, window } => write!(
                f,
                "type bit map window {window} at offset {offset} is not in increasing order \
                 (RFC 4034 §4.1.2)"
            ),
            BitmapError::BadLength { offset, len } => write!(
                f,
                "type bit map length {len} at offset {offset} is not from 1 to 32 (RFC 4034 §4.1.2)"
            ),
            BitmapError::TrailingZero { offset, window } => write!(
                f,
                "type bit map window {window} at offset {offset} ends in a zero octet \
                 (RFC 4034 §4.1.2: trailing zero octets MUST be omitted)"
            ),
        }
    }
}

impl std::error::Error for BitmapError {}

/// Encodes a set of types as RFC 4034 §4.1.2 window blocks. Input order and
/// duplicates do not matter; an empty set encodes as no octets.
pub fn encode_type_bitmap(types: &[Rtype]) -> Vec<u8> {
    let mut numbers: Vec<u16> = types.iter().map(|t| t.0).collect();
    let mut out = Vec::new();
    encode_type_bitmap_into(&mut numbers, &mut out);
    out
}

/// [`encode_type_bitmap`] of type numbers, appended to `out`; sorts
/// `types` in place. No allocation of its own: the loader and the verifier
/// encode a bitmap per NSEC3 record.
pub fn encode_type_bitmap_into(types: &mut [u16], out: &mut Vec<u8>) {
    types.sort_unstable();
    let mut i = 0;
    while i < types.len() {
        let window = (types[i] >> 8) as u8;
        let mut bits = [0u8; 32];
        let mut len = 0usize;
        while i < types.len() && (types[i] >> 8) as u8 == window {
            let low = (types[i] & 0xff) as usize;
            // RFC 4034 §4.1.2: "Bits representing pseudo-types MUST be clear"
            // is the caller's business; here every type is a plain bit.
            // A duplicate sets its bit again.
            bits[low / 8] |= 0x80 >> (low % 8);
            len = low / 8 + 1;
            i += 1;
        }
        out.push(window);
        out.push(len as u8);
        out.extend_from_slice(&bits[..len]);
    }
}

/// Decodes RFC 4034 §4.1.2 window blocks into types in increasing order.
pub fn decode_type_bitmap(wire: &[u8]) -> Result<Vec<Rtype>, BitmapError> {
    let mut types = Vec::new();
    walk_type_bitmap(wire, |t| types.push(t))?;
    Ok(types)
}

/// Hands each type of RFC 4034 §4.1.2 window blocks to `each`, in
/// increasing order, checking the blocks as [`decode_type_bitmap`] does
/// (without collecting them: the text writer and the RDATA checks).
pub fn walk_type_bitmap(wire: &[u8], mut each: impl FnMut(Rtype)) -> Result<(), BitmapError> {
    let mut pos = 0usize;
    let mut previous: Option<u8> = None;
    while pos < wire.len() {
        let window = wire[pos];
        let len = *wire.get(pos + 1).ok_or(BitmapError::Truncated { offset: pos })?;
        if previous.is_some_and(|p| window <= p) {
            return Err(BitmapError::WindowOrder { offset: pos, window });
        }
        if len == 0 || len > 32 {
            return Err(BitmapError::BadLength { offset: pos + 1, len });
        }
        let bits = wire
            .get(pos + 2..pos + 2 + len as usize)
            .ok_or(BitmapError::Truncated { offset: pos + 2 })?;
        // The length is non-zero, so `bits` has a last octet.
        if bits[bits.len() - 1] == 0 {
            return Err(BitmapError::TrailingZero { offset: pos, window });
        }
        for (octet_index, &octet) in bits.iter().enumerate() {
            for bit in 0..8 {
                if octet & (0x80 >> bit) != 0 {
                    let low = (octet_index * 8 + bit) as u16;
                    each(Rtype(u16::from(window) << 8 | low));
                }
            }
        }
        previous = Some(window);
        pos += 2 + len as usize;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 4034 §4.3: "alfa.example.com. 86400 IN NSEC host.example.com. (
    /// A MX RRSIG NSEC TYPE1234 )" with the bit map octets the RFC lists
    /// after the next domain name.
    #[test]
    fn rfc4034_section_4_3_example_bitmap() {
        let mut want = vec![0x00, 0x06, 0x40, 0x01, 0x00, 0x00, 0x00, 0x03, 0x04, 0x1b];
        want.extend_from_slice(&[0u8; 26]);
        want.push(0x20);
        let types = [Rtype(1234), Rtype::NSEC, Rtype::A, Rtype::RRSIG, Rtype::MX, Rtype::A];
        assert_eq!(encode_type_bitmap(&types), want);
        assert_eq!(
            decode_type_bitmap(&want).unwrap(),
            vec![Rtype::A, Rtype::MX, Rtype::RRSIG, Rtype::NSEC, Rtype(1234)]
        );
    }

    #[test]
    fn empty_set_is_empty() {
        assert!(encode_type_bitmap(&[]).is_empty());
        assert_eq!(decode_type_bitmap(&[]).unwrap(), vec![]);
    }

    /// RFC 4034 §4.1.2: "Blocks are present in the NSEC RR RDATA in
    /// increasing numerical order."
    #[test]
    fn rfc4034_section_4_1_2_window_order() {
        let wire = [0x01, 0x01, 0x80, 0x00, 0x01, 0x40];
        assert_eq!(
            decode_type_bitmap(&wire),
            Err(BitmapError::WindowOrder { offset: 3, window: 0 })
        );
        let dup = [0x00, 0x01, 0x40, 0x00, 0x01, 0x40];
        assert!(matches!(decode_type_bitmap(&dup), Err(BitmapError::WindowOrder { .. })));
    }

    /// RFC 4034 §4.1.2: "a single octet bitmap length (from 1 to 32)".
    #[test]
    fn rfc4034_section_4_1_2_length_range() {
        assert_eq!(decode_type_bitmap(&[0, 0]), Err(BitmapError::BadLength { offset: 1, len: 0 }));
        let mut long = vec![0, 33];
        long.extend_from_slice(&[0xff; 33]);
        assert_eq!(decode_type_bitmap(&long), Err(BitmapError::BadLength { offset: 1, len: 33 }));
        assert_eq!(decode_type_bitmap(&[0]), Err(BitmapError::Truncated { offset: 0 }));
        assert_eq!(decode_type_bitmap(&[0, 2, 0x40]), Err(BitmapError::Truncated { offset: 2 }));
    }

    /// RFC 4034 §4.1.2: "Blocks with no types present MUST NOT be included.
    /// Trailing zero octets in the bitmap MUST be omitted."
    #[test]
    fn rfc4034_section_4_1_2_no_empty_blocks_or_trailing_zeros() {
        assert_eq!(
            decode_type_bitmap(&[0, 1, 0]),
            Err(BitmapError::TrailingZero { offset: 0, window: 0 })
        );
        assert_eq!(
            decode_type_bitmap(&[0, 2, 0x40, 0]),
            Err(BitmapError::TrailingZero { offset: 0, window: 0 })
        );
        // Zero octets *inside* a block are fine.
        assert_eq!(decode_type_bitmap(&[0, 2, 0, 0x40]).unwrap(), vec![Rtype(9)]);
    }

    proptest! {
        #[test]
        fn encode_then_decode_is_the_sorted_set(types in proptest::collection::vec(any::<u16>(), 0..40)) {
            let rtypes: Vec<Rtype> = types.iter().map(|&t| Rtype(t)).collect();
            let mut want = types.clone();
            want.sort_unstable();
            want.dedup();
            let got = decode_type_bitmap(&encode_type_bitmap(&rtypes)).unwrap();
            prop_assert_eq!(got.iter().map(|t| t.0).collect::<Vec<_>>(), want);
        }

        #[test]
        fn decode_never_panics_and_accepts_only_canonical(wire in proptest::collection::vec(any::<u8>(), 0..80)) {
            if let Ok(types) = decode_type_bitmap(&wire) {
                prop_assert_eq!(encode_type_bitmap(&types), wire);
            }
        }
    }
}
