//! Writing zones: the text writer and atomic replacement of the output.
//!
//! # Format
//! One record per line, absolute names, fields separated by tabs:
//! `owner TTL class type RDATA`, as `named-compilezone -s full` and Knot
//! print them, but where BIND, Knot or ldns could not read that text: types
//! Knot has no mnemonic for are written `TYPEnnn`, and RDATA that one of
//! them cannot read (or reads as other octets) in RFC 3597 form (see
//! `Rtype::written_by_name` and `rdata::written_generic`). Nodes in
//! canonical order; at each node the SOA first (so the file starts with
//! it), then the other RRsets by type number, each followed by the RRSIGs
//! that cover it when the zone is signed.

pub mod atomic;

use std::io::{self, Write};

use crate::zone::name::Name;
use crate::zone::rdata::format_rdata_or_generic;
use crate::zone::rtype::{Class, Rtype};
use crate::zone::{Node, Rrset, Zone};

/// Streams records as text. Each record is formatted straight into one
/// text buffer, handed to the output in large pieces: no per-line copy.
#[derive(Debug)]
pub struct TextWriter<W: Write> {
    out: W,
    /// Formatted records not yet handed to `out`: octets, not a `String`,
    /// so that the RDATA writers append without a UTF-8 check.
    text: Vec<u8>,
    /// The text each record of the RRset being written starts with: the
    /// owner and a tab (its first `owner_len` octets, kept from one RRset
    /// to the next), then TTL, class and type.
    prefix: String,
    owner_len: usize,
    /// `text` goes to `out` once it is this long.
    flush_at: usize,
    /// For RDATA of the types the RDATA writers print through a `String`.
    scratch: String,
}

/// The prefix before [`TextWriter::set_owner`]: an empty owner, then its
/// tab.
fn no_owner() -> String {
    let mut prefix = String::with_capacity(320);
    prefix.push('\t');
    prefix
}

/// How much text [`TextWriter::new`] gathers before writing it out (small
/// in tests, so that they cross it).
const FLUSH_AT: usize = if cfg!(test) { 64 } else { 1 << 20 };

impl<W: Write> TextWriter<W> {
    pub fn new(out: W) -> TextWriter<W> {
        TextWriter {
            out,
            text: Vec::with_capacity(FLUSH_AT + 4096),
            prefix: no_owner(),
            owner_len: 1,
            flush_at: FLUSH_AT,
            scratch: String::new(),
        }
    }

    /// Sets the owner name for the following records.
    pub fn set_owner(&mut self, owner: &Name) {
        self.prefix.clear();
        owner.write_presentation(&mut self.prefix);
        self.prefix.push('\t');
        self.owner_len = self.prefix.len();
    }

    /// Writes one record of the current owner.
    pub fn write_record(
        &mut self,
        ttl: u32,
        class: Class,
        rtype: Rtype,
        rdata: &[u8],
    ) -> io::Result<()> {
        self.start_rrset(Some(ttl), class, rtype);
        self.write_rdata(rtype, rdata)
    }

    /// Writes one record with no TTL field, for a file whose reader gives
    /// its own (a DS set for the parent, which sets the DS TTL by its own
    /// policy, as BIND's `dsset-` files and Knot's `keymgr ds` leave it).
    pub fn write_record_without_ttl(
        &mut self,
        class: Class,
        rtype: Rtype,
        rdata: &[u8],
    ) -> io::Result<()> {
        self.start_rrset(None, class, rtype);
        self.write_rdata(rtype, rdata)
    }

    /// Writes every record of an RRset.
    pub fn write_rrset(&mut self, class: Class, rrset: &Rrset) -> io::Result<()> {
        self.start_rrset(Some(rrset.ttl), class, rrset.rtype);
        for rdata in &rrset.rdatas {
            self.write_rdata(rrset.rtype, rdata)?;
        }
        Ok(())
    }

    /// Makes the text that starts each record of an RRset of the current
    /// owner: `owner TTL class type`, each followed by a tab. Made once an
    /// RRset, it is one copy a record.
    fn start_rrset(&mut self, ttl: Option<u32>, class: Class, rtype: Rtype) {
        let prefix = &mut self.prefix;
        prefix.truncate(self.owner_len);
        if let Some(ttl) = ttl {
            prefix.push_str(itoa::Buffer::new().format(ttl));
            prefix.push('\t');
        }
        class.write_to(prefix);
        prefix.push('\t');
        rtype.write_to(prefix);
        prefix.push('\t');
    }

    /// Writes one record: the text [`TextWriter::start_rrset`] made, then
    /// the RDATA.
    fn write_rdata(&mut self, rtype: Rtype, rdata: &[u8]) -> io::Result<()> {
        let text = &mut self.text;
        text.extend_from_slice(self.prefix.as_bytes());
        // Malformed wire data can only come from a bug upstream; it is
        // written in RFC 3597 form rather than lost. The verifier rejects it.
        format_rdata_or_generic(rtype, rdata, text, &mut self.scratch);
        text.push(b'\n');
        if self.text.len() >= self.flush_at {
            self.drain()?;
        }
        Ok(())
    }

    /// Hands the buffered text to the output.
    fn drain(&mut self) -> io::Result<()> {
        self.out.write_all(&self.text)?;
        self.text.clear();
        Ok(())
    }

    /// The output, after every record written so far.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.drain()?;
        Ok(self.out)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.drain()?;
        self.out.flush()
    }
}

impl TextWriter<io::Sink> {
    /// A writer that keeps all its text, for [`TextWriter::into_bytes`]: the
    /// streaming signer formats each chunk in memory and hands the text to
    /// the file writer as it is.
    pub fn in_memory(capacity: usize) -> TextWriter<io::Sink> {
        TextWriter {
            out: io::sink(),
            text: Vec::with_capacity(capacity),
            prefix: no_owner(),
            owner_len: 1,
            flush_at: usize::MAX,
            scratch: String::new(),
        }
    }

    /// Everything written: ASCII text.
    pub fn into_bytes(self) -> Vec<u8> {
        self.text
    }
}

/// Writes a zone: at each node the SOA first, then the other RRsets by type
/// number, each followed by the RRSIGs that cover it; RRSIGs whose RRset is
/// absent (only in broken input) come last, so nothing is lost.
pub fn write_zone<W: Write>(zone: &Zone, out: W) -> io::Result<W> {
    let mut w = TextWriter::new(out);
    write_nodes(&zone.nodes, zone.class, &mut w)?;
    w.flush()?;
    w.into_inner()
}

/// Writes consecutive nodes of a zone as [`write_zone`] does; returns the
/// number of records written. Writing a zone chunk by chunk gives the same
/// text as writing it whole.
pub fn write_nodes<W: Write>(
    nodes: &[Node],
    class: Class,
    w: &mut TextWriter<W>,
) -> io::Result<usize> {
    write_nodes_with(nodes, &[], class, w)
}

/// [`write_nodes`], with `rrsigs[i]` (when present) holding RRSIG RRsets of
/// `nodes[i]` kept beside the node rather than in it (the streaming signer
/// hands them over so, in the order of the types they cover), each written
/// after the RRset it covers, as if it were in the node.
pub fn write_nodes_with<W: Write>(
    nodes: &[Node],
    rrsigs: &[Vec<Rrset>],
    class: Class,
    w: &mut TextWriter<W>,
) -> io::Result<usize> {
    let mut records = 0;
    for (i, node) in nodes.iter().enumerate() {
        if i % WARM_NODES == 0 {
            warm(&nodes[i..nodes.len().min(i + WARM_NODES)]);
        }
        if node.rrsets.is_empty() {
            continue;
        }
        let beside: &[Rrset] = rrsigs.get(i).map_or(&[], |v| v.as_slice());
        debug_assert!(beside.is_sorted_by_key(Rrset::covered_octets), "by covered type");
        w.set_owner(&node.name);
        let soa = node.rrset(Rtype::SOA);
        let rest = node.rrsets.iter().filter(|r| r.rtype != Rtype::SOA && r.rtype != Rtype::RRSIG);
        for rrset in soa.into_iter().chain(rest) {
            w.write_rrset(class, rrset)?;
            records += rrset.rdatas.len();
            // In the order of the RRsets they cover, as the signer makes
            // them: found by halves, as in the node (see `Node::rrsigs`).
            let sigs = node.rrsigs(rrset.rtype);
            let at =
                beside.partition_point(|s| s.covered_octets() < &rrset.rtype.0.to_be_bytes()[..]);
            let sigs = sigs
                .into_iter()
                .chain(beside[at..].iter().take_while(|s| s.covered() == Some(rrset.rtype)));
            for sigs in sigs {
                w.write_rrset(class, sigs)?;
                records += sigs.rdatas.len();
            }
        }
        for sigs in node.rrsets.iter().filter(|r| r.rtype == Rtype::RRSIG) {
            if sigs.covered().is_none_or(|t| node.rrset(t).is_none()) {
                w.write_rrset(class, sigs)?;
                records += sigs.rdatas.len();
            }
        }
    }
    Ok(records)
}

/// Nodes whose names and RDATA [`warm`] reads ahead of writing them.
const WARM_NODES: usize = 64;

/// Reads the first octet of every owner name and RRset RDATA of `nodes`, in
/// one tight loop of independent loads, so that their cache misses overlap.
/// The writer reaches names and RDATA that nothing else read since the zone
/// was built (a TLD's delegation NS records are never signed), scattered
/// over the heap: met one by one while formatting, each miss stalled the
/// writer for its whole latency (measured with `perf annotate` on the 1M
/// zone: about 0.4 s of one CPU on the load of a name's first length octet).
fn warm(nodes: &[Node]) {
    let mut x = 0u8;
    for node in nodes {
        x ^= node.name.as_wire().first().copied().unwrap_or(0);
        for rrset in &node.rrsets {
            x ^= rrset.rdatas.first_octet();
        }
    }
    std::hint::black_box(x);
}

#[cfg(test)]
mod tests;
