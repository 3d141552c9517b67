//! Canonical order and form (RFC 4034 §6).
//!
//! # Background
//! RFC 4034 §6.1 orders owner names; §6.3 orders the RRs of an RRset "by
//! treating the RDATA portion of the canonical form of each RR as a
//! left-justified unsigned octet sequence in which the absence of an octet
//! sorts before a zero octet". Between RRsets of one owner we order by type
//! number, so a zone has exactly one order.
//!
//! # Determinism
//! Sorting is a parallel *stable* merge sort (rayon) with a total order on
//! (owner, type, RDATA); records equal in all three are duplicates and are
//! dropped later. The result is the same for any thread count.

use rayon::prelude::*;

use crate::zone::record::Record;

/// Sorts records into canonical order: owner (RFC 4034 §6.1), then type,
/// then RDATA octets (§6.3). Records must already be in canonical form.
pub fn sort_records(records: &mut [Record]) {
    records.par_sort_by(|a, b| {
        a.owner
            .canonical_cmp(&b.owner)
            .then(a.rtype.cmp(&b.rtype))
            .then_with(|| a.rdata.cmp(&b.rdata))
    });
}
