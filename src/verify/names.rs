//! BIND's `check-names`: host names where a host is meant. `named` loads a
//! primary zone with `check-names primary fail` by default, so one record
//! naming a host with an underscore (a registrant's `ns_1.example.net.`)
//! keeps it from loading the whole zone ("bad name (check-names)"), though
//! the zone validates and `dnssec-signzone`, `ldns-signzone` and `kzonesign`
//! sign it without a word (the twenty-fifth audit, 2026-12-06). So these are
//! warnings.
//!
//! The rule is RFC 952's as RFC 1123 §2.1 relaxed it: "The syntax of a
//! legal Internet host name was specified in RFC-952 [DNS:4]. One aspect of
//! host name syntax is hereby changed: the restriction on the first
//! character is relaxed to allow either a letter or a digit." Each label is
//! letters, digits and hyphens, neither starting nor ending with a hyphen;
//! an owner may be a wildcard (`*` as its first label). A mailbox may have
//! any printable octets in its first label.
//!
//! Which names BIND checks, as `named-checkzone -k fail` 9.18 shows (the
//! twenty-fifth to twenty-seventh audits, 2026-12-06, on some 470 zones):
//! - owners, as host names: A, AAAA, A6, MX, WKS;
//! - owners, as mailboxes: MB, MG;
//! - targets: NS, MX, SRV, AFSDB, RT, SVCB and HTTPS in ServiceMode
//!   (priority not 0), the SOA MNAME, and PTR in the reverse trees
//!   (`in-addr.arpa.`, `ip6.arpa.`, `ip6.int.`) but for DNS-SD's browsing
//!   domain enumeration (RFC 6763 §11);
//! - mailboxes: the SOA RNAME, the RP mailbox, both MINFO mailboxes.

use super::Finding;
use crate::zone::name::Name;
use crate::zone::rtype::Rtype;
use crate::zone::{Node, NodeFlags};

/// What a name must be.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Host,
    /// A host name, or `*` followed by one (an owner).
    HostOrWildcard,
    /// Any printable first label, then a host name.
    Mailbox,
}

/// Whether the labels of `wire` (an uncompressed wire-form name, possibly
/// followed by more RDATA) have `shape`. `None` when `wire` is no name.
fn has_shape(wire: &[u8], shape: Shape) -> Option<bool> {
    let mut at = 0usize;
    let mut first = true;
    let mut ok = true;
    loop {
        let len = *wire.get(at)? as usize;
        if len == 0 {
            return Some(ok);
        }
        let label = wire.get(at + 1..at + 1 + len)?;
        ok &= match shape {
            Shape::HostOrWildcard if first && label == b"*" => true,
            Shape::Mailbox if first => label.iter().all(|&c| c > 0x20 && c < 0x7f),
            _ => is_host_label(label),
        };
        first = false;
        at += 1 + len;
    }
}

/// RFC 952 and RFC 1123 §2.1: letters, digits and hyphens, with a letter
/// or digit first and last.
fn is_host_label(label: &[u8]) -> bool {
    let inner = |c: &u8| c.is_ascii_alphanumeric() || *c == b'-';
    match label {
        [] => false,
        [one] => one.is_ascii_alphanumeric(),
        [first, middle @ .., last] => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && middle.iter().all(inner)
        }
    }
}

/// Where the names BIND checks are in RDATA `rd` of `rtype`: each name's
/// offset, its shape, and what to call it (at most two; no allocation, as
/// this runs for every NS record of a TLD).
type Target = (usize, Shape, &'static str);

fn targets(rtype: Rtype, rd: &[u8]) -> [Option<Target>; 2] {
    let one = |t: Target| [Some(t), None];
    match rtype {
        Rtype::NS | Rtype::PTR => one((0, Shape::Host, "target")),
        Rtype::MX | Rtype::AFSDB | Rtype::RT => one((2, Shape::Host, "target")),
        // RFC 9460 §2.4.2: AliasMode (SvcPriority 0) names an alias, which
        // BIND does not hold to host names (the twenty-sixth audit).
        Rtype::SVCB | Rtype::HTTPS if rd.get(..2) == Some(&[0, 0]) => [None, None],
        Rtype::SVCB | Rtype::HTTPS => one((2, Shape::Host, "target")),
        Rtype::SRV => one((6, Shape::Host, "target")),
        Rtype::RP => one((0, Shape::Mailbox, "mailbox")),
        Rtype::MINFO => {
            let second = Name::from_wire(rd, 0).map_or(usize::MAX, |(_, end)| end);
            [Some((0, Shape::Mailbox, "RMAILBX")), Some((second, Shape::Mailbox, "EMAILBX"))]
        }
        _ => [None, None],
    }
}

/// The shape BIND holds the owner of `rtype` to, if any.
fn owner_shape(rtype: Rtype) -> Option<Shape> {
    match rtype {
        Rtype::A | Rtype::AAAA | Rtype::A6 | Rtype::MX | Rtype::WKS => Some(Shape::HostOrWildcard),
        Rtype::MB | Rtype::MG => Some(Shape::Mailbox),
        _ => None,
    }
}

/// The warning for one name that BIND's check-names refuses.
fn warning(node: &Node, rtype: Rtype, what: &str, shape: Shape) -> Finding {
    let rule = match shape {
        Shape::Mailbox => "not a mailbox name (a first label of printable octets, then a host name",
        Shape::Host | Shape::HostOrWildcard => "not a host name (letters, digits and inner hyphens",
    };
    Finding::warning(
        "check-names",
        format!(
            "{what} is {rule}: RFC 952, RFC 1123 §2.1): named refuses to load the zone with its \
             default `check-names primary fail` (\"bad name (check-names)\"); the zone validates"
        ),
    )
    .at(&node.name, Some(rtype))
}

/// RFC 6763 §11: "b._dns-sd._udp", "db._dns-sd._udp", "r._dns-sd._udp",
/// "dr._dns-sd._udp" and "lb._dns-sd._udp" below a reverse name enumerate
/// browsing domains; their PTR targets are domains, not hosts, and BIND
/// does not check them (a false warning: the twenty-seventh audit,
/// 2026-12-06).
fn is_dns_sd_enumeration(owner: &Name) -> bool {
    let wire = owner.as_wire();
    let Some(&len) = wire.first() else { return false };
    let first = wire.get(1..1 + len as usize).unwrap_or_default().to_ascii_lowercase();
    matches!(&first[..], b"b" | b"db" | b"r" | b"dr" | b"lb")
        && wire
            .get(1 + len as usize..)
            .is_some_and(|rest| rest.to_ascii_lowercase().starts_with(b"\x07_dns-sd\x04_udp"))
}

/// The check-names warnings of `node`'s records.
pub(super) fn check_names(node: &Node, findings: &mut Vec<Finding>) {
    if node.flags.contains(NodeFlags::APEX) {
        if let Some(soa) = node.rrset(Rtype::SOA).and_then(|s| s.rdatas.first()) {
            if has_shape(soa, Shape::Host) == Some(false) {
                findings.push(warning(node, Rtype::SOA, "the SOA MNAME", Shape::Host));
            }
            let rname = Name::from_wire(soa, 0).ok().map_or(usize::MAX, |(_, end)| end);
            if soa.get(rname..).and_then(|w| has_shape(w, Shape::Mailbox)) == Some(false) {
                findings.push(warning(node, Rtype::SOA, "the SOA RNAME", Shape::Mailbox));
            }
        }
    }
    let reverse = || {
        [&b"\x07in-addr\x04arpa\x00"[..], b"\x03ip6\x04arpa\x00", b"\x03ip6\x03int\x00"]
            .iter()
            .any(|tree| Name::from_wire_exact(tree).is_ok_and(|t| node.name.is_subdomain_of(&t)))
    };
    for rrset in &node.rrsets {
        if let Some(shape) = owner_shape(rrset.rtype) {
            if has_shape(node.name.as_wire(), shape) == Some(false) {
                let what = format!("the owner of {}", rrset.rtype);
                findings.push(warning(node, rrset.rtype, &what, shape));
            }
        }
        if rrset.rtype == Rtype::PTR && (!reverse() || is_dns_sd_enumeration(&node.name)) {
            continue;
        }
        for rd in rrset.rdatas.iter() {
            for (offset, shape, what) in targets(rrset.rtype, rd).into_iter().flatten() {
                let Some(false) = rd.get(offset..).and_then(|w| has_shape(w, shape)) else {
                    continue;
                };
                let name = Name::from_wire(rd, offset).map(|(n, _)| n.to_string());
                let what = format!("the {} {what} {}", rrset.rtype, name.unwrap_or_default());
                findings.push(warning(node, rrset.rtype, &what, shape));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire(text: &str) -> Vec<u8> {
        Name::parse(text.as_bytes(), &Name::root()).unwrap().as_wire().to_vec()
    }

    /// RFC 1123 §2.1: a digit may start a label; RFC 952: no hyphen at
    /// either end, no underscore; a wildcard owner; a mailbox's first label.
    #[test]
    fn rfc1123_section_2_1_host_names() {
        for good in ["1a.example.", "a--b.example.", "xn--bcher-kva.example.", "a.", "."] {
            assert_eq!(has_shape(&wire(good), Shape::Host), Some(true), "{good}");
        }
        for bad in ["a_b.example.", "-a.example.", "a-.example.", "*.example.", "a\\.b.example."] {
            assert_eq!(has_shape(&wire(bad), Shape::Host), Some(false), "{bad}");
        }
        assert_eq!(has_shape(&wire("*.w.example."), Shape::HostOrWildcard), Some(true));
        assert_eq!(has_shape(&wire("a.*.w.example."), Shape::HostOrWildcard), Some(false));
        assert_eq!(has_shape(&wire("h_m.example."), Shape::Mailbox), Some(true));
        assert_eq!(has_shape(&wire("h.x_y.example."), Shape::Mailbox), Some(false));
    }

    /// RFC 6763 §11: the browsing-domain enumeration names, in any case.
    #[test]
    fn rfc6763_section_11_enumeration_names_are_exempt() {
        let name = |t: &str| Name::parse(t.as_bytes(), &Name::root()).unwrap();
        assert!(is_dns_sd_enumeration(&name("b._dns-sd._udp.2.0.192.in-addr.arpa.")));
        assert!(is_dns_sd_enumeration(&name("LB._DNS-SD._udp.2.0.192.in-addr.arpa.")));
        assert!(!is_dns_sd_enumeration(&name("x._dns-sd._udp.2.0.192.in-addr.arpa.")));
        assert!(!is_dns_sd_enumeration(&name("b._dns-sd._tcp.2.0.192.in-addr.arpa.")));
    }
}
