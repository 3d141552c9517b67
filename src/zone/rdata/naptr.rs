//! The REGEXP field of NAPTR (RFC 3403 §4.1): empty, or a substitution
//! expression of RFC 3402 §3.2,
//!
//! ```text
//! subst-expr = delim-char ere delim-char repl delim-char *flags
//! backref    = "\" POS-DIGIT
//! flags      = "i"
//! ```
//!
//! with `ere` a POSIX extended regular expression, and a delimiter that is
//! neither a digit, nor a flag, nor a backslash.
//!
//! # Why
//! BIND checks the field when it reads a NAPTR, from text and from the wire
//! alike, and refuses the record otherwise. zonesign signed a REGEXP that
//! lost its last delimiter (`"!^.*$!sip:info@example.com"`): `dnssec-verify`
//! could not load the signed zone, and a BIND secondary would refuse its
//! transfer (the forty-first audit, 2026-12-07). ENUM registries publish
//! zones of NAPTR records.
//!
//! # What is checked
//! The three delimiters and the flags; the ERE against the POSIX grammar
//! (IEEE Std 1003.1, XBD 9.4): balanced groups, closed bracket expressions
//! with known character classes and ordered ranges, bounds `{m}`, `{m,}`,
//! `{m,n}` with `m <= n <= 255` (RE_DUP_MAX), a repetition only after
//! something to repeat and not after another, no empty alternative; and
//! that every back-reference, in the ERE and in the replacement, names a
//! group the ERE opened. No NUL octet. These are the faults BIND refuses;
//! where POSIX leaves a form undefined and BIND takes it (a `)` with no
//! group open, an empty group), it is taken here too.

/// Checks the REGEXP character-string's content (without its length
/// octet). The error says what is wrong.
pub(super) fn check_regexp(field: &[u8]) -> Result<(), String> {
    let Some((&delim, rest)) = field.split_first() else { return Ok(()) };
    if field.contains(&0) {
        return Err("a NUL octet".to_owned());
    }
    if delim.is_ascii_digit() || delim == b'\\' || delim == b'i' {
        return Err(format!(
            "`{}` as the delimiter: a digit, a backslash or the flag `i` cannot be one",
            char::from(delim)
        ));
    }
    // The ERE, the replacement and the flags, split at unescaped delimiters.
    let mut parts: Vec<Vec<u8>> = vec![Vec::new()];
    let mut octets = rest.iter().copied();
    while let Some(c) = octets.next() {
        if c == delim {
            parts.push(Vec::new());
            continue;
        }
        let escapes = parts.len() < 3;
        let part = parts.last_mut().expect("one part at least");
        part.push(c);
        if c == b'\\' && escapes {
            // An escaped octet, the delimiter included, stays in its part.
            match octets.next() {
                Some(n) => part.push(n),
                None => return Err("a backslash at its end".to_owned()),
            }
        }
    }
    let [ere, repl, flags] = parts.as_slice() else {
        return Err(if parts.len() < 3 {
            format!(
                "three delimiters `{}` (before the ERE, the replacement and the flags), not {}",
                char::from(delim),
                parts.len()
            )
        } else {
            format!("`{}` after the flags", char::from(delim))
        });
    };
    if let Some(&f) = flags.iter().find(|&&f| f != b'i') {
        return Err(format!("the flag `{}`: the only flag is `i`", char::from(f)));
    }
    let groups = check_ere(ere)?;
    let mut r = repl.iter().copied();
    while let Some(c) = r.next() {
        if c != b'\\' {
            continue;
        }
        let n = r.next();
        // RFC 3402 §3.2: backref = "\" POS-DIGIT, and "0 is not an allowed
        // backref" (BIND refuses `\0`; the forty-second audit).
        if n == Some(b'0') {
            return Err("`\\0` in the replacement: back-references are \\1 to \\9".to_owned());
        }
        if let Some(n) = n.filter(|n| (b'1'..=b'9').contains(n)) {
            if usize::from(n - b'0') > groups {
                return Err(format!(
                    "the back-reference \\{} in the replacement: the ERE has {groups} group(s)",
                    char::from(n)
                ));
            }
        }
    }
    Ok(())
}

/// The character classes of POSIX (XBD 9.3.5) in the POSIX locale.
const CLASSES: [&[u8]; 12] = [
    b"alnum", b"alpha", b"blank", b"cntrl", b"digit", b"graph", b"lower", b"print", b"punct",
    b"space", b"upper", b"xdigit",
];

/// RE_DUP_MAX as POSIX sets its least value, and as BIND takes it.
const DUP_MAX: u32 = 255;

/// Checks a POSIX extended regular expression; returns its number of
/// groups (subexpressions).
fn check_ere(ere: &[u8]) -> Result<usize, String> {
    if ere.is_empty() {
        return Err("an empty ERE".to_owned());
    }
    // `atom`: the last item can be repeated; `repeated`: it was just
    // repeated (or is an anchor), and cannot be again; `empty_ok`: right
    // after `(`, where `)` may close an empty group.
    let (mut atom, mut repeated, mut empty_ok) = (false, false, false);
    let (mut open, mut groups) = (0usize, 0usize);
    let mut i = 0;
    while i < ere.len() {
        let c = ere[i];
        i += 1;
        match c {
            b'\\' => {
                let Some(&n) = ere.get(i) else {
                    return Err("a backslash at the ERE's end".into());
                };
                i += 1;
                if (b'1'..=b'9').contains(&n) && usize::from(n - b'0') > groups {
                    return Err(format!(
                        "the back-reference \\{} before group {} opened",
                        char::from(n),
                        char::from(n)
                    ));
                }
                (atom, repeated, empty_ok) = (true, false, false);
            }
            b'[' => {
                i = bracket_end(ere, i)?;
                (atom, repeated, empty_ok) = (true, false, false);
            }
            b'(' => {
                open += 1;
                groups += 1;
                (atom, repeated, empty_ok) = (false, false, true);
            }
            b')' => {
                if open > 0 && !atom && !empty_ok {
                    return Err("an empty alternative before `)`".to_owned());
                }
                open = open.saturating_sub(1);
                (atom, repeated, empty_ok) = (true, false, false);
            }
            b'|' => {
                if !atom {
                    return Err("an empty alternative before `|`".to_owned());
                }
                (atom, repeated, empty_ok) = (false, false, false);
            }
            b'^' | b'$' => (atom, repeated, empty_ok) = (true, true, false),
            b'*' | b'+' | b'?' => {
                repetition(atom, repeated, c)?;
                (repeated, empty_ok) = (true, false);
            }
            b'{' if ere.get(i).is_some_and(u8::is_ascii_digit) => {
                repetition(atom, repeated, c)?;
                i = bound_end(ere, i)?;
                (repeated, empty_ok) = (true, false);
            }
            _ => (atom, repeated, empty_ok) = (true, false, false),
        }
    }
    if open > 0 {
        return Err(format!("{open} group(s) not closed with `)`"));
    }
    if !atom {
        return Err("an empty alternative at the ERE's end".to_owned());
    }
    Ok(groups)
}

fn repetition(atom: bool, repeated: bool, c: u8) -> Result<(), String> {
    if !atom {
        return Err(format!("`{}` with nothing before it to repeat", char::from(c)));
    }
    if repeated {
        return Err(format!("`{}` repeating a repetition or an anchor", char::from(c)));
    }
    Ok(())
}

/// A bound `{m}`, `{m,}` or `{m,n}` from just after its `{`; returns the
/// index after its `}`.
fn bound_end(ere: &[u8], mut i: usize) -> Result<usize, String> {
    let number = |i: &mut usize| -> Result<Option<u32>, String> {
        let start = *i;
        let mut v = 0u32;
        while let Some(d) = ere.get(*i).filter(|d| d.is_ascii_digit()) {
            v = v * 10 + u32::from(d - b'0');
            if v > DUP_MAX {
                return Err(format!("a bound above {DUP_MAX} (RE_DUP_MAX)"));
            }
            *i += 1;
        }
        Ok((*i > start).then_some(v))
    };
    let low = number(&mut i)?.unwrap_or(0);
    let high = if ere.get(i) == Some(&b',') {
        i += 1;
        number(&mut i)?
    } else {
        Some(low)
    };
    if ere.get(i) != Some(&b'}') {
        return Err("a bound `{m,n}` not closed with `}`".to_owned());
    }
    if high.is_some_and(|h| h < low) {
        return Err("a bound `{m,n}` with m above n".to_owned());
    }
    Ok(i + 1)
}

/// A bracket expression from just after its `[`; returns the index after
/// its `]`. Where POSIX leaves a form undefined, BIND's reading is taken
/// (the forty-second audit, 2026-12-07, compared thousands): a `-` right
/// after a range's end (`[a-z0-9-]`, `a-c-e`) is refused; a literal `[`
/// neither starts nor ends a range (`[a-[]`, `[[-A]` are taken); a class
/// keeps the octet before it as a range's start; a collating element of
/// more than one octet starts no range that any octet can end; and a
/// collating element's octet compares as a signed char.
fn bracket_end(ere: &[u8], mut i: usize) -> Result<usize, String> {
    if ere.get(i) == Some(&b'^') {
        i += 1;
    }
    // XBD 9.3.5: "The <right-square-bracket> ( ']' ) shall lose its special
    // meaning and represent itself in a bracket expression if it occurs
    // first in the list (after an initial <circumflex> ( '^' ), if any)".
    let mut seen = false;
    // 2: after a range's `-`; 1: a range just ended; 0: otherwise.
    let mut range = 0u8;
    // What a range begun now would start from.
    let mut start: i32 = 0;
    loop {
        let Some(&c) = ere.get(i) else {
            return Err("a bracket expression not closed with `]`".to_owned());
        };
        match c {
            b']' if seen => return Ok(i + 1),
            b'-' if seen && range == 1 => {
                return Err("a `-` right after a range (`a-c-e`, `[a-z-]`)".to_owned());
            }
            b'-' if seen && range == 0 => {
                range = 2;
                i += 1;
            }
            b'[' => {
                i += 1;
                let kind = ere.get(i).copied();
                if let Some(kind @ (b'.' | b'=' | b':')) = kind {
                    let from = i + 1;
                    let end = (from..ere.len().saturating_sub(1))
                        .find(|&j| ere[j] == kind && ere[j + 1] == b']')
                        .ok_or_else(|| format!("`[{}` not closed", char::from(kind)))?;
                    let name = &ere[from..end];
                    if name.is_empty() {
                        return Err(format!("an empty `[{0}{0}]`", char::from(kind)));
                    }
                    match kind {
                        b'.' => {
                            range = range.saturating_sub(1);
                            start = match name {
                                [one] => i32::from(*one as i8),
                                _ => 256,
                            };
                        }
                        _ if range == 2 => {
                            return Err(format!(
                                "a class `[{0}{1}{0}]` in a range",
                                char::from(kind),
                                String::from_utf8_lossy(name)
                            ));
                        }
                        b':' if !CLASSES.contains(&name) => {
                            return Err(format!(
                                "the character class `[:{}:]`, which POSIX does not define",
                                String::from_utf8_lossy(name)
                            ));
                        }
                        _ => {}
                    }
                    i = end + 2;
                }
                // A `[` that opens nothing is itself, outside any range.
                seen = true;
            }
            _ => {
                if range == 2 && i32::from(c) < start {
                    return Err(format!(
                        "a range whose end `{}` comes before its start",
                        char::from(c)
                    ));
                }
                range = range.saturating_sub(1);
                start = i32::from(c);
                seen = true;
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 3402 §3.2 and RFC 3403 §4.1: forms BIND 9.18 loads.
    #[test]
    fn rfc3402_section_3_2_substitution_expressions_taken() {
        for ok in [
            "",
            "!^.*$!sip:info@example.com!",
            "!^.*$!sip:info@example.com!i",
            "/^\\+([0-9]+)$/tel:\\1/",
            "!^(.*)@(.*)$!\\2\\1!",
            "#^([a-z]{2,5})[[:digit:]]?(x|y)*$#\\1#",
            "!^[]a-z]+$!x!",
            "!^[^]]$!x!",
            "!a[-b]c!x!",
            "!a[b-]c!x!",
            "!^\\!x$!y!",
            "!()!x!",
            "!a{3}b{1,}c{0,255}!x!",
            "!{x!y!",
            "!a)b!x!",
            "!x[[.-.]]!y!",
            "![[-A]!x!",
            "![a-[]!x!",
            "/[]-[[.ab.]]//",
            "![ab-]!x!",
            "!^(.*)$!\\1@x!",
        ] {
            assert_eq!(check_regexp(ok.as_bytes()), Ok(()), "{ok}");
        }
    }

    /// The forty-first audit (2026-12-07): forms BIND refuses ("syntax
    /// error"), which zonesign signed.
    #[test]
    fn regression_naptr_regexps_bind_refuses() {
        for bad in [
            "!^.*$!sip:info@example.com",
            "a",
            "!^(.*$!x!",
            "!^.*$!x!g",
            "1x1y1",
            "\\x\\y\\",
            "ixiyi",
            "!x!y!z!",
            "!^.*$!\\1!",
            "!(a)\\2!x!",
            "!a**!x!",
            "!*a!x!",
            "!a||b!x!",
            "!a|!x!",
            "!(|a)!x!",
            "![a-z!x!",
            "![z-a]!x!",
            "![[:word:]]!x!",
            "!a{2,1}!x!",
            "!a{256}!x!",
            "!a{1!x!",
            "!^*!x!",
            "!x\\!",
            "!x\0!y!",
            "!!!",
            // The forty-second audit: BIND's verdicts.
            "!^(.*)$!sip:\\0@example.com!",
            "![a-z0-9-]!x!",
            "![a-z-]!x!",
            "![a-c-e]!x!",
            "![[.ab.]-z]!x!",
            "![z[:alpha:]-a]!x!",
            "![b[=a=]-a]!x!",
            "![[:alpha:]-[:digit:]]!x!",
        ] {
            assert!(check_regexp(bad.as_bytes()).is_err(), "{bad} was taken");
        }
    }
}
