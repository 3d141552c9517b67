//! Golden tests for the loader: each directive and construct, and each
//! error class with its message, line and column.

use super::*;
use crate::zone::rtype::{Class, Rtype};

fn origin() -> Name {
    Name::parse(b"example.", &Name::root()).unwrap()
}

fn load(src: &str) -> Result<Loaded, LoadFailure> {
    load_bytes(src.as_bytes(), Path::new("z.zone"), &LoadOptions::new(origin()))
}

/// Loads and returns `owner ttl class type` per record.
fn summary(src: &str) -> Vec<String> {
    let l = load(src).unwrap_or_else(|e| panic!("{e}"));
    l.iter().map(|r| format!("{} {} {} {}", r.owner, r.ttl, r.class, r.rtype)).collect()
}

/// The line and column of each error a source produces.
fn errors_at(src: &str) -> Vec<(u32, u32)> {
    match load(src) {
        Err(LoadFailure::Syntax(e)) => e.iter().map(|e| (e.line, e.col)).collect(),
        other => panic!("expected syntax errors, got {other:?}"),
    }
}

/// The single error a source produces, as printed.
fn error(src: &str) -> String {
    match load(src) {
        Err(LoadFailure::Syntax(e)) => {
            assert_eq!(e.len(), 1, "expected one error, got {e:?}");
            e[0].to_string()
        }
        other => panic!("expected a syntax error, got {other:?}"),
    }
}

#[test]
fn rfc1035_section_5_1_origin_owner_inheritance_and_at() {
    let got = summary(
        "$TTL 300\n@ SOA ns h 1 2 3 4 5\n  NS ns\nwww A 192.0.2.1\n\tAAAA 2001:db8::1\n$ORIGIN sub\nx TXT \"a\"\n$ORIGIN other.\n@ A 192.0.2.2\n",
    );
    assert_eq!(
        got,
        [
            "example. 300 IN SOA",
            "example. 300 IN NS",
            "www.example. 300 IN A",
            "www.example. 300 IN AAAA",
            "x.sub.example. 300 IN TXT",
            "other. 300 IN A",
        ]
    );
}

#[test]
fn rfc2308_section_4_ttl_directive_and_last_explicit_ttl() {
    // Without $TTL the last explicit TTL is inherited; $TTL then wins.
    let got = summary("@ 100 SOA ns h 1 2 3 4 5\na A 192.0.2.1\nb 200 A 192.0.2.2\nc A 192.0.2.3\n$TTL 1h30m\nd A 192.0.2.4\ne 2w A 192.0.2.5\n");
    assert_eq!(
        got,
        [
            "example. 100 IN SOA",
            "a.example. 100 IN A",
            "b.example. 200 IN A",
            "c.example. 200 IN A",
            "d.example. 5400 IN A",
            "e.example. 1209600 IN A",
        ]
    );
}

#[test]
fn ttl_and_class_in_either_order_or_omitted() {
    let got = summary("$TTL 60\n@ IN 10 SOA ns h 1 2 3 4 5\na 20 IN A 192.0.2.1\nb IN A 192.0.2.2\nc 30 A 192.0.2.3\nd A 192.0.2.4\n");
    assert_eq!(
        got,
        [
            "example. 10 IN SOA",
            "a.example. 20 IN A",
            "b.example. 60 IN A",
            "c.example. 30 IN A",
            "d.example. 60 IN A"
        ]
    );
}

#[test]
fn soa_without_any_ttl_uses_its_minimum_with_a_warning() {
    let l = load("@ SOA ns h 1 2 3 4 77\nwww A 192.0.2.1\n").unwrap();
    assert_eq!(l.records[0].ttl, 77);
    assert_eq!(l.records[1].ttl, 77);
    assert_eq!(
        l.warnings[0].to_string(),
        "z.zone:1: warning: no TTL given and no $TTL: the SOA uses its MINIMUM, 77"
    );
}

#[test]
fn parentheses_comments_quotes_escapes_crlf_and_no_final_newline() {
    let l = load(
        "$TTL 1\r\n@ SOA ns h ( 1 ; serial\r\n 2 3 4 5 ) ; end\r\nt TXT \"a;b(c\" \"q\\\"x\" \\#x\r\nw\\.x\\065 A 192.0.2.1",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(l.records.len(), 3);
    assert_eq!(l.blocks.owner(&l.records[2]).to_string(), "w\\.xA.example.");
    let mut s = String::new();
    crate::zone::rdata::format_rdata(Rtype::TXT, l.blocks.rdata(&l.records[1]), &mut s).unwrap();
    assert_eq!(s, "\"a;b(c\" \"q\\\"x\" \"#x\"");
}

#[test]
fn rfc3597_generic_class_type_and_rdata() {
    let l = load("$TTL 1\n@ CLASS1 SOA ns h 1 2 3 4 5\na CLASS1 TYPE65534 \\# 4 0a0b0c0d\nb TYPE1 \\# 4 c0000201\n").unwrap();
    assert_eq!(l.records[1].rtype, Rtype(65534));
    assert_eq!(l.blocks.rdata(&l.records[1]), &[10, 11, 12, 13]);
    assert_eq!(l.records[2].rtype, Rtype::A);
    assert_eq!(l.records[2].class, Class::IN);
}

#[test]
fn include_is_relative_to_the_including_file_and_its_origin_does_not_leak() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inc")).unwrap();
    std::fs::write(
        dir.path().join("inc/part.zone"),
        "www A 192.0.2.9\n$ORIGIN deeper\nx A 192.0.2.8\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.zone"),
        "$TTL 5\n@ SOA ns h 1 2 3 4 5\n$INCLUDE inc/part.zone sub.example.\nafter A 192.0.2.7\n",
    )
    .unwrap();
    let l = load_file(&dir.path().join("main.zone"), &LoadOptions::new(origin()))
        .unwrap_or_else(|e| panic!("{e}"));
    let owners: Vec<String> = l.iter().map(|r| r.owner.to_string()).collect();
    assert_eq!(owners, ["example.", "www.sub.example.", "x.deeper.sub.example.", "after.example."]);
    assert_eq!(l.files.len(), 2);
}

#[test]
fn include_cycle_and_missing_file_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.zone");
    std::fs::write(&a, "$TTL 5\n@ SOA ns h 1 2 3 4 5\n$INCLUDE b.zone\n").unwrap();
    std::fs::write(dir.path().join("b.zone"), "x A 192.0.2.1\n$INCLUDE a.zone\n").unwrap();
    let e = load_file(&a, &LoadOptions::new(origin())).unwrap_err().to_string();
    assert!(e.ends_with("b.zone:2:10: expected a file that is not already being read ($INCLUDE cycle), found `a.zone`"), "{e}");
    std::fs::write(&a, "$TTL 5\n$INCLUDE nope.zone\n").unwrap();
    let e = load_file(&a, &LoadOptions::new(origin())).unwrap_err().to_string();
    assert!(e.contains("a.zone:2:10: expected a readable file ("), "{e}");
    // A directory is the directive's error too (it was an I/O failure with
    // no position, 2026-12-06).
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(&a, "$TTL 5\n$INCLUDE sub\n").unwrap();
    let e = load_file(&a, &LoadOptions::new(origin())).unwrap_err().to_string();
    assert!(
        e.contains("a.zone:2:10: expected a readable file (") && e.contains("is a directory"),
        "{e}"
    );
}

/// The forty-seventh audit: a chain of 17 `$INCLUDE`s was refused, where
/// BIND and Knot load one of 200. 64 levels load now; the 65th is refused
/// with its position.
#[test]
fn regression_include_nests_sixty_four_levels() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("z.zone");
    let chain = |depth: usize| {
        std::fs::write(&top, "$TTL 5\n@ SOA ns h 1 2 3 4 5\n$INCLUDE c1.inc\n").unwrap();
        for i in 1..=depth {
            let next = if i < depth { format!("$INCLUDE c{}.inc\n", i + 1) } else { String::new() };
            std::fs::write(
                dir.path().join(format!("c{i}.inc")),
                format!("n{i} A 192.0.2.1\n{next}"),
            )
            .unwrap();
        }
        load_file(&top, &LoadOptions::new(origin()))
    };
    assert_eq!(chain(MAX_INCLUDE_DEPTH).unwrap().records.len(), MAX_INCLUDE_DEPTH + 1);
    let e = chain(MAX_INCLUDE_DEPTH + 1).unwrap_err().to_string();
    assert!(
        e.contains("c64.inc:2:10: expected at most 64 nested $INCLUDE levels, found `c65.inc`"),
        "{e}"
    );
}

/// A tree of files, each including the one below twice, is read 2^depth
/// times under the depth limit: 41 files of 4 KB would have taken days
/// (the fifty-ninth audit, 2026-12-07). The files read in all are bounded.
#[test]
fn regression_include_tree_that_doubles_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("z.zone");
    std::fs::write(&top, "$TTL 5\n@ SOA ns h 1 2 3 4 5\n$INCLUDE l6.inc\n").unwrap();
    for k in 1..=6 {
        let body = if k == 1 {
            "n A 192.0.2.1\n".to_string()
        } else {
            format!("$INCLUDE l{0}.inc\n$INCLUDE l{0}.inc\n", k - 1)
        };
        std::fs::write(dir.path().join(format!("l{k}.inc")), body).unwrap();
    }
    // The top file and 2^6 - 1 includes below it: 64 files.
    let mut opts = LoadOptions::new(origin());
    opts.max_files = 64;
    assert_eq!(load_file(&top, &opts).unwrap().records.len(), 33);
    opts.max_files = 63;
    let e = load_file(&top, &opts).unwrap_err().to_string();
    assert!(e.contains("expected at most 63 files read in all, through $INCLUDE"), "{e}");
    // The octets read again are bounded too: a count of files let a leaf
    // of many records be read 65,536 times (the sixtieth audit). The leaf
    // of 14 octets is read 32 times, 31 of them again; l2 to l5, of 32
    // octets, 15, 7, 3 and 1 times again.
    let mut opts = LoadOptions::new(origin());
    let again = |opts: &LoadOptions| load_file(&top, opts).map(|l| l.records.len());
    opts.max_repeated_octets = 31 * 14 + (15 + 7 + 3 + 1) * 32;
    assert_eq!(again(&opts).unwrap(), 33);
    opts.max_repeated_octets -= 1;
    let e = again(&opts).unwrap_err().to_string();
    assert!(e.contains("octets read again through $INCLUDE in all"), "{e}");
    // A hard link is the file it links (the sixty-first audit): the leaf
    // read through a link of its own at each level is still read again.
    #[cfg(unix)]
    {
        // A leaf of 30 records, 420 octets: more read again than all the
        // included files hold.
        std::fs::write(dir.path().join("l1.inc"), "n A 192.0.2.1\n".repeat(30)).unwrap();
        for k in 2..=6 {
            let link = dir.path().join(format!("leaf{k}.inc"));
            std::fs::hard_link(dir.path().join("l1.inc"), &link).unwrap();
            let body = format!("$INCLUDE l{0}.inc\n$INCLUDE leaf{k}.inc\n", k - 1);
            std::fs::write(dir.path().join(format!("l{k}.inc")), body).unwrap();
        }
        // l6 to l2 once each, the leaf (by its six names) six times.
        let mut opts = LoadOptions::new(origin());
        opts.max_repeated_octets = 5 * 420 - 1;
        let e = load_file(&top, &opts).unwrap_err().to_string();
        assert!(e.contains("octets read again through $INCLUDE in all"), "{e}");
        opts.max_repeated_octets = 5 * 420;
        assert_eq!(load_file(&top, &opts).unwrap().records.len(), 181);
    }
}

/// Each included file is checked once before a signed zone replaces
/// anything, whatever the number of its `$INCLUDE`s: one file included
/// under 65 origins took every file held open (the sixty-ninth audit,
/// 2026-12-07).
#[test]
fn regression_a_file_included_many_times_is_stamped_once() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("z.zone");
    let mut text = "$TTL 5\n@ SOA ns h 1 2 3 4 5\n".to_string();
    for k in 0..70 {
        text.push_str(&format!("$INCLUDE common.inc o{k}\n"));
    }
    text.push_str("$INCLUDE other.inc\n");
    std::fs::write(&top, text).unwrap();
    std::fs::write(dir.path().join("common.inc"), "n A 192.0.2.1\n").unwrap();
    std::fs::write(dir.path().join("other.inc"), "m A 192.0.2.2\n").unwrap();
    let loaded = load_file(&top, &LoadOptions::new(origin())).unwrap();
    let paths: Vec<_> = loaded.included.iter().map(|s| s.path.file_name().unwrap()).collect();
    assert_eq!(paths, ["common.inc", "other.inc"]);
}

/// A bound of `$INCLUDE` met is reported once, where it is met, and
/// reading stops there; the syntax errors before it are kept. Taken as one
/// more syntax error, it was reported again at every `$INCLUDE` after it,
/// up to the error cap (the forty-ninth session's list, 2026-12-07).
#[test]
fn regression_include_bound_is_reported_once_and_stops_the_load() {
    let dir = tempfile::tempdir().unwrap();
    let top = dir.path().join("z.zone");
    let mut text = "$TTL 5\n@ SOA ns h 1 2 3 4 5\nbad A 192.0.2.256\n".to_string();
    for _ in 0..10 {
        text.push_str("$INCLUDE leaf.inc\n");
    }
    text.push_str("late A 192.0.2.256\n");
    std::fs::write(&top, text).unwrap();
    std::fs::write(dir.path().join("leaf.inc"), "n A 192.0.2.1\n").unwrap();
    let mut opts = LoadOptions::new(origin());
    opts.max_files = 4;
    let Err(LoadFailure::Limit { at, errors }) = load_file(&top, &opts) else {
        panic!("expected the bound")
    };
    // The top file and three includes are read; the fourth $INCLUDE, on
    // line 7, meets the bound.
    assert_eq!((at.line, at.col), (7, 10), "{at}");
    assert!(at.expected.contains("at most 4 files read in all"), "{at}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 3);
    let text = LoadFailure::Limit { at, errors }.to_string();
    assert_eq!(text.matches("files read in all").count(), 1, "{text}");
    assert!(text.ends_with("; reading stopped there"), "{text}");
}

#[test]
fn error_classes_name_file_line_column_token_and_expectation() {
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n";
    let cases: &[(&str, &str)] = &[
        ("www A 192.0.2.256\n", "z.zone:3:7: expected A RDATA: an IPv4 address, found `192.0.2.256`"),
        ("www BOGUS 1\n", "z.zone:3:5: expected a record type, found `BOGUS`"),
        ("www A\n", "z.zone:3:6: expected A RDATA: an IPv4 address, found `end of line`"),
        ("www 1x A 192.0.2.1\n", "z.zone:3:5: expected a TTL: seconds or units such as 1h30m, found `1x`"),
        ("www CH TXT x\n", "z.zone:3:5: expected class IN, the zone's class (`--class`, IN unless given, as dnssec-signzone -c), found `CH`"),
        (&format!("{} A 192.0.2.1\n", "a".repeat(64)), "z.zone:3:1: expected an owner name (label of 64 octets is longer than 63 (RFC 1035 §2.3.4)), found `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`"),
        ("a..b A 192.0.2.1\n", "z.zone:3:1: expected an owner name (empty label), found `a..b`"),
        ("www A 192.0.2.1 )\n", "z.zone:3:17: expected no closing parenthesis without an opening one, found `)`"),
        ("www TXT \"open\n", "z.zone:3:9: expected a closing quote on the same line, found `\"open`"),
        ("www MX ( 10\n", "z.zone:3:8: expected a closing parenthesis before the end of the file, found `(`"),
        ("$ORIGIN\n", "z.zone:3:8: expected a domain name after $ORIGIN, found `end of line`"),
        ("$TTL 1 2\n", "z.zone:3:8: expected the end of the directive, found `2`"),
        ("$FOO\n", "z.zone:3:1: expected a directive: $ORIGIN, $TTL or $INCLUDE, found `$FOO`"),
        ("www ANY \\# 0\n", "z.zone:3:5: expected a data record type, not a meta-type, found `ANY`"),
        ("www TYPE0 \\# 0\n", "z.zone:3:5: expected a data record type, not a meta-type, found `TYPE0`"),
        ("www MD mail\n", "z.zone:3:5: expected a record type in use, not the obsolete MD or MF (RFC 1035 §3.3.4 and §3.3.5: reject them, or write MX 0 for MD and MX 10 for MF), found `MD`"),
        ("www TYPE4 \\# 1 00\n", "z.zone:3:5: expected a record type in use, not the obsolete MD or MF (RFC 1035 §3.3.4 and §3.3.5: reject them, or write MX 0 for MD and MX 10 for MF), found `TYPE4`"),
        ("www A 192.0.2.1 extra\n", "z.zone:3:17: expected A RDATA: the end of the RDATA, found `extra`"),
    ];
    for (line, want) in cases {
        assert_eq!(error(&format!("{soa}{line}")), *want, "for input line {line:?}");
    }
    assert_eq!(
        error("  A 192.0.2.1\n"),
        "z.zone:1:3: expected an owner name: the first record cannot inherit one, found `A`"
    );
    assert_eq!(error("www A 192.0.2.1\n"), "z.zone:1:5: expected a TTL before the type, or a $TTL directive earlier in the file (RFC 2308 §4), found `A`");
}

/// A newline escaped with `\` is part of its token, but what follows it is
/// on the next line of the file (errors there were reported one line early,
/// 2026-12-06).
#[test]
fn regression_errors_after_an_escaped_newline_name_the_next_line() {
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n";
    let cases: &[(&str, &str)] = &[
        (
            "www TXT \"a\\\nb\" c\nx A 1\n",
            "z.zone:5:5: expected A RDATA: an IPv4 address, found `1`",
        ),
        (
            "www TXT \"a\\\nb\\\nc\"\n\nx A 1\n",
            "z.zone:7:5: expected A RDATA: an IPv4 address, found `1`",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(error(&format!("{soa}{line}")), *want, "for input {line:?}");
    }
}

/// RFC 1035 §5.1 lines end with LF; a CRLF end is read as one, a lone CR
/// is an error (it was a blank, and `TXT "x"<CR>mail A 192.0.2.25` one TXT
/// record: the fifth audit, 2026-12-06; BIND ends the line there, Knot
/// refuses the file). A backslash before a CRLF end is the error of a
/// backslash before a LF end (the value kept a CR byte).
#[test]
fn regression_carriage_returns_end_lines_only_before_a_line_feed() {
    let soa = "$TTL 1\r\n@ SOA ns h 1 2 3 4 5\r\n";
    assert_eq!(summary(&format!("{soa}a TXT \"x\"\r\nb A 192.0.2.1\r\n")).len(), 3);
    assert_eq!(
        error(&format!("{soa}spf TXT \"v=spf1 -all\"\rmail A 192.0.2.25\r\n")),
        "z.zone:3:22: expected a line feed after the carriage return (lines end with LF or \
         CRLF, not CR alone), found `\\r`"
    );
    let e = error(&format!("{soa}path TXT C:\\Users\\\r\nwww A 192.0.2.9\r\n"));
    assert!(e.starts_with("z.zone:3:18: expected a character after the backslash"), "{e}");
    // A backslash does not make a lone CR data: `TXT a\<CR>b` published
    // "a\013b" (the thirty-second audit, 2026-12-07; BIND ends the line at
    // the CR, Knot refuses it). The error is the CR's, after a blank too.
    for (bad, col) in [("a\\\rb", 9), ("a \\\rb", 10)] {
        assert_eq!(
            error(&format!("{soa}c TXT {bad}\r\nd A 192.0.2.1\r\n")),
            format!(
                "z.zone:3:{col}: expected a line feed after the carriage return (lines end with \
                 LF or CRLF, not CR alone), found `\\r`"
            )
        );
    }
}

/// The forty-first audit (2026-12-07): a NUL octet outside quotes was
/// published as `\000` (BIND and Knot refuse it, ldns drops it); inside
/// quotes it is data, as for BIND. Quoted directive arguments were
/// applied; BIND and Knot refuse them (RFC 1035 §5.1 quotes only
/// character-strings).
#[test]
fn regression_nul_outside_quotes_and_quoted_directive_arguments() {
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n";
    assert_eq!(
        errors_at(&format!("{soa}w\0w A 192.0.2.1\nt TXT v=spf1\0-all\nok A 192.0.2.2\n")),
        [(3, 2), (4, 13)]
    );
    assert_eq!(summary(&format!("{soa}t TXT \"a\0b\"\n")).len(), 2);
    // The forty-second audit: a backslash before it, in quotes, is refused
    // as BIND and Knot do; an escaped backslash before it is not.
    assert_eq!(errors_at(&format!("{soa}t TXT \"a\\\0b\"\nok A 192.0.2.2\n")), [(3, 7)]);
    assert_eq!(summary(&format!("{soa}t TXT \"a\\\\\0b\"\n")).len(), 2);
    for (directive, col) in [("$TTL \"60\"", 6), ("$ORIGIN \"sub\"", 9)] {
        let e = error(&format!("{soa}{directive}\nx A 192.0.2.1\n"));
        assert!(e.starts_with(&format!("z.zone:3:{col}: expected a")), "{e}");
        assert!(e.contains("without quotes"), "{e}");
    }
}

/// Outside quotes a backslash at a line's end is an error, as BIND, Knot
/// and dnspython have it: read as an escaped newline it made the next
/// record part of this one (`TXT C:\dir\` swallowed `www A ...`, and the
/// zone was signed without it; the fifth audit, 2026-12-06). The error
/// names the backslash, and the next line is read on its own.
#[test]
fn regression_a_backslash_ending_an_unquoted_token_does_not_swallow_the_next_line() {
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n";
    let expected = "expected a character after the backslash on the same line (outside quotes \
                    a backslash does not continue a line; write \\\\ for a backslash)";
    let cases: &[(&str, &str)] = &[
        ("t TXT C:\\dir\\\nwww A 192.0.2.9\n", "z.zone:3:13: {e}, found `C:\\dir\\`"),
        ("w\\\nz A 192.0.2.1\n", "z.zone:3:2: {e}, found `w\\`"),
    ];
    for (line, want) in cases {
        let src = format!("{soa}{line}");
        assert_eq!(error(&src), want.replace("{e}", expected), "for input {line:?}");
    }
    // Both errors of a file are reported; the line after each is its own.
    let src = format!("{soa}a TXT x\\\nb A 192.0.2.1\nc TXT y\\\nd A 1\n");
    assert_eq!(errors_at(&src), [(3, 8), (5, 8), (6, 5)]);
}

/// A field of several tokens (base64, hex, RFC 3597 `\#`): the error
/// names the token that holds the bad octet, not the first one, which is
/// valid and often on another line (the twenty-ninth audit, 2026-12-06;
/// BIND, Knot and ldns give the bad octet's line).
#[test]
fn regression_a_bad_octet_in_a_field_of_several_tokens_names_its_token() {
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n";
    let cases: &[(&str, &str)] = &[
        (
            "a DNSKEY 256 3 13 ( AAAA\n    AA!A )\n",
            "z.zone:4:5: expected DNSKEY RDATA: base64 data, found `AA!A`",
        ),
        (
            "a DNSKEY 256 3 13 AAAA AA!A\n",
            "z.zone:3:24: expected DNSKEY RDATA: base64 data, found `AA!A`",
        ),
        (
            "a TLSA 3 1 1 ( 00\n 0g )\n",
            "z.zone:4:2: expected TLSA RDATA: hexadecimal data, found `0g`",
        ),
        // A wrong length: the last token.
        ("a TLSA 3 1 1 00 0\n", "z.zone:3:17: expected TLSA RDATA: hexadecimal data, found `0`"),
        // A bad character and a wrong length: the bad character (the
        // thirtieth audit).
        (
            "a DNSKEY 256 3 13 ( AA!A\n AAAA\n AA )\n",
            "z.zone:3:21: expected DNSKEY RDATA: base64 data, found `AA!A`",
        ),
        (
            "a TYPE65280 \\# 4 ( 0000\n 0z00 )\n",
            "z.zone:4:2: expected TYPE65280 RDATA: hexadecimal RDATA, found `0z00`",
        ),
    ];
    for (line, want) in cases {
        assert_eq!(error(&format!("{soa}{line}")), *want, "for input {line:?}");
    }
}

/// RFC 1035 §5.1: parentheses continue an entry over lines. An error
/// inside them skips the rest of the entry: every later line of the
/// record was read as an entry of its own, one missing quote gave 19
/// errors that were none, and the cap of 20 hid a real one further on
/// (the twenty-ninth audit, 2026-12-06; Knot reports only the real ones).
#[test]
fn regression_an_error_inside_parentheses_skips_the_rest_of_the_entry() {
    let body: String = (0..25).map(|i| format!("    \"chunk {i}\"\n")).collect();
    let src = format!(
        "$TTL 1\n@ SOA ns h 1 2 3 4 5\nt TXT ( \"v=spf1 ~all\n{body} )\nok A 192.0.2.1\nwww A 192.0.2.300\n"
    );
    assert_eq!(errors_at(&src), [(3, 9), (31, 7)]);
    // Parentheses that never close (the quote took the `)`): the next line
    // that begins with an owner ends the broken entry, and its error is
    // reported (the rest of the file was skipped: the thirtieth audit).
    let src =
        "$TTL 1\n@ SOA ns h 1 2 3 4 5\nt TXT ( \"v=spf1 -all )\n  \"more\"\nwww A 192.0.2.300\n";
    assert_eq!(errors_at(src).iter().map(|e| e.0).collect::<Vec<_>>(), [3, 5]);
    // A lone CR, and a backslash ending a line: the same.
    for bad in ["a\rb", "x\\", "a\\\rb"] {
        let src = format!("$TTL 1\n@ SOA ns h 1 2 3 4 5\nt TXT ( {bad}\n BOGUS )\nok A 1\n");
        assert_eq!(errors_at(&src).iter().map(|e| e.0).collect::<Vec<_>>(), [3, 5], "{bad:?}");
    }
}

/// Something missing after a quoted string that goes on over escaped
/// newlines is reported where the string ends, not past the end of its
/// first line (the twenty-ninth audit, 2026-12-06).
#[test]
fn regression_an_error_after_an_escaped_newline_in_quotes_is_where_the_string_ends() {
    let src = "$TTL 1\n@ SOA ns h 1 2 3 4 5\na HINFO \"cpu\\\nxyzxyz\"\n";
    assert_eq!(
        error(src),
        "z.zone:4:8: expected HINFO RDATA: a character-string, found `end of line`"
    );
}

/// A UTF-8 byte order mark at the top of a file is named as such.
#[test]
fn a_byte_order_mark_is_named() {
    let e = error("\u{feff}$TTL 1\n");
    assert!(
        e.starts_with("z.zone:1:1: expected zone file text, not a UTF-8 byte order mark"),
        "{e}"
    );
}

#[test]
fn up_to_20_errors_are_collected_then_loading_stops() {
    let src: String = (0..30).map(|i| format!("h{i} A 999.0.0.1\n")).collect();
    let src = format!("$TTL 1\n@ SOA ns h 1 2 3 4 5\n{src}");
    match load(&src) {
        Err(LoadFailure::Syntax(e)) => {
            assert_eq!(e.len(), 20);
            assert_eq!(e[0].line, 3);
            assert_eq!(e[19].line, 22);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn fuzz_entry_point_survives_junk() {
    for junk in [
        &b"\xff\xfe(\"\\"[..],
        b"$INCLUDE /etc/passwd\n",
        b"@ SOA ( ( ( \n",
        b"\\",
        b"a \\# 65536 00\n",
    ] {
        fuzz_load(junk);
    }
}

/// A device is no zone file: `$INCLUDE /dev/zero` (or the zone itself)
/// was read into memory until memory ran out (the sixth audit,
/// 2026-12-06). Refused with the path; a FIFO still reads to its end.
#[test]
fn regression_a_device_is_refused_not_read_without_end() {
    let Err(e) = super::source::Source::open(Path::new("/dev/zero")) else {
        panic!("read a device")
    };
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
    // The `$INCLUDE` names it, as a missing file (the file is opened once,
    // where the directive is read: the fourteenth audit).
    let soa = "$TTL 1\n@ SOA ns h 1 2 3 4 5\n$INCLUDE /dev/zero\n";
    let Err(LoadFailure::Syntax(errors)) = load(soa) else { panic!("{:?}", load(soa).err()) };
    assert_eq!((errors[0].line, errors[0].col), (3, 10));
    assert!(errors[0].expected.contains("a device, not a zone file"), "{errors:?}");
}

/// RFC 1035 §3.4 gives A for the Internet class, and RFC 3596 §2.1 makes
/// AAAA "a record specific to the Internet class". A zone of class IN (the
/// default, as `dnssec-signzone` and `named-checkzone` take it) whose SOA
/// line said CH was read whole as CH and signed, its `A` records written as
/// IPv4 addresses in class CH, which no server reads (the seventy-fifth
/// audit, 2026-12-07); in any form, and SRV and the rest of BIND's
/// `rdata/in_1` too (the seventy-sixth).
#[test]
fn rfc1035_section_3_4_zone_class_is_in_unless_told_and_a_is_internet_only() {
    let ch = "$TTL 1\n@ CH SOA ns h 1 2 3 4 5\n@ NS ns\n";
    assert_eq!(
        error(ch),
        "z.zone:2:3: expected class IN, the zone's class (`--class`, IN unless given, as \
         dnssec-signzone -c), found `CH`"
    );
    let in_ch = |src: &str| {
        let opts = LoadOptions { class: Some(Class::CH), ..LoadOptions::new(origin()) };
        load_bytes(src.as_bytes(), Path::new("z.zone"), &opts)
    };
    let loaded = in_ch(&format!("{ch}www TXT x\n")).unwrap();
    assert!(loaded.iter().all(|r| r.class == Class::CH));
    let refused = [
        ("www A 10.0.0.1", 5),
        ("www CH AAAA ::1", 8),
        ("www A \\# 4 0a000001", 5),
        ("_s._tcp SRV \\# 7 00000000000000", 9),
        ("www KX 10 kx", 5),
        ("www HTTPS 1 .", 5),
    ];
    for (rr, col) in refused {
        match in_ch(&format!("{ch}{rr}\n")) {
            Err(LoadFailure::Syntax(e)) => {
                assert_eq!((e.len(), e[0].line, e[0].col), (1, 4, col), "{e:?}");
                assert!(e[0].to_string().contains("is defined for class IN only"), "{e:?}");
            }
            other => panic!("{rr}: expected a syntax error, got {other:?}"),
        }
    }
}

/// RFC 2308 §4 asks a TTL of every record of the zone; a record outside the
/// zone is left out of it with a warning (BIND: "ignoring out-of-zone
/// data"). One with no TTL before any `$TTL` refused the whole zone, exit 4,
/// where BIND, Knot and ldns load it (the seventy-fifth audit, 2026-12-07);
/// it sets no last TTL for the records after it.
#[test]
fn rfc2308_section_4_a_record_outside_the_zone_needs_no_ttl() {
    let zone = "$TTL 300\n@ SOA ns h 1 2 3 4 5\n";
    let loaded = load(&format!("stray.other. A 192.0.2.1\n{zone}")).unwrap();
    assert_eq!(loaded.records.len(), 2);
    assert_eq!(
        error(&format!("stray.other. A 192.0.2.1\nwww A 192.0.2.2\n{zone}")),
        "z.zone:2:5: expected a TTL before the type, or a $TTL directive earlier in the file \
         (RFC 2308 §4), found `A`"
    );
}
