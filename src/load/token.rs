//! Tokens of the presentation format, as the lexer hands them to the parser
//! and to the RDATA codecs.

use crate::zone::name::unescape_one;
use std::borrow::Cow;

/// One token of a logical line: the raw bytes between delimiters (quotes
/// stripped; escapes *not* decoded, because a name must see `\.` to know it
/// is not a label separator), and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a [u8],
    /// The token was a `"quoted string"`.
    pub quoted: bool,
    /// 1-based line of the token's first byte.
    pub line: u32,
    /// 1-based column (in bytes) of the token's first byte.
    pub col: u32,
}

impl<'a> Token<'a> {
    /// The token with `\X` and `\DDD` escapes decoded (RFC 1035 §5.1).
    /// `None` for a malformed escape.
    pub fn unescaped(&self) -> Option<Cow<'a, [u8]>> {
        unescape(self.text)
    }

    /// The token as text for messages (lossy UTF-8).
    pub fn display(&self) -> String {
        String::from_utf8_lossy(self.text).into_owned()
    }
}

/// Decodes `\X` and `\DDD` escapes. Borrows when there is nothing to decode.
pub fn unescape(text: &[u8]) -> Option<Cow<'_, [u8]>> {
    if !text.contains(&b'\\') {
        return Some(Cow::Borrowed(text));
    }
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\\' {
            let (b, used) = unescape_one(&text[i..])?;
            out.push(b);
            i += used;
        } else {
            out.push(text[i]);
            i += 1;
        }
    }
    Some(Cow::Owned(out))
}
