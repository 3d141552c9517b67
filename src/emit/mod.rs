//! Writing zones: the text writer and atomic replacement of the output.
//!
//! # Format
//! One record per line, absolute names, fields separated by tabs:
//! `owner TTL class type RDATA`, as `named-compilezone -s full` and Knot
//! print them. Nodes in canonical order; at each node the SOA first (so the
//! file starts with it), then the other RRsets by type number, each followed
//! by the RRSIGs that cover it when the zone is signed.

pub mod atomic;

use std::io::{self, Write};

use crate::zone::name::Name;
use crate::zone::rdata::{format_generic, format_rdata};
use crate::zone::rtype::{Class, Rtype};
use crate::zone::{Node, Rrset, Zone};

/// Streams records as text through a reusable line buffer.
#[derive(Debug)]
pub struct TextWriter<W: Write> {
    out: W,
    line: String,
    owner: String,
}

impl<W: Write> TextWriter<W> {
    pub fn new(out: W) -> TextWriter<W> {
        TextWriter { out, line: String::with_capacity(1024), owner: String::with_capacity(256) }
    }

    /// Sets the owner name for the following records.
    pub fn set_owner(&mut self, owner: &Name) {
        self.owner.clear();
        owner.write_presentation(&mut self.owner);
    }

    /// Writes one record of the current owner.
    pub fn write_record(
        &mut self,
        ttl: u32,
        class: Class,
        rtype: Rtype,
        rdata: &[u8],
    ) -> io::Result<()> {
        self.line.clear();
        self.line.push_str(&self.owner);
        self.line.push('\t');
        self.line.push_str(itoa::Buffer::new().format(ttl));
        self.line.push('\t');
        class.write_to(&mut self.line);
        self.line.push('\t');
        rtype.write_to(&mut self.line);
        self.line.push('\t');
        let mark = self.line.len();
        if format_rdata(rtype, rdata, &mut self.line).is_err() {
            // Malformed wire data can only come from a bug upstream; write it
            // in RFC 3597 form rather than lose it. The verifier rejects it.
            self.line.truncate(mark);
            format_generic(rdata, &mut self.line);
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())
    }

    /// Writes every record of an RRset.
    pub fn write_rrset(&mut self, class: Class, rrset: &Rrset) -> io::Result<()> {
        for rdata in &rrset.rdatas {
            self.write_record(rrset.ttl, class, rrset.rtype, rdata)?;
        }
        Ok(())
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes a zone: at each node the SOA first, then the other RRsets by type
/// number, each followed by the RRSIGs that cover it; RRSIGs whose RRset is
/// absent (only in broken input) come last, so nothing is lost.
pub fn write_zone<W: Write>(zone: &Zone, out: W) -> io::Result<W> {
    let mut w = TextWriter::new(io::BufWriter::with_capacity(1 << 20, out));
    write_nodes(&zone.nodes, zone.class, &mut w)?;
    w.flush()?;
    w.into_inner().into_inner().map_err(|e| e.into_error())
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
/// hands them over so), each written after the RRset it covers, as if it
/// were in the node.
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
        w.set_owner(&node.name);
        let soa = node.rrset(Rtype::SOA);
        let rest = node.rrsets.iter().filter(|r| r.rtype != Rtype::SOA && r.rtype != Rtype::RRSIG);
        for rrset in soa.into_iter().chain(rest) {
            w.write_rrset(class, rrset)?;
            records += rrset.rdatas.len();
            let sigs = node.rrsigs(rrset.rtype);
            let sigs =
                sigs.into_iter().chain(beside.iter().filter(|s| s.covered() == Some(rrset.rtype)));
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
