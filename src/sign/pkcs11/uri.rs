//! RFC 7512 PKCS#11 URIs for naming a key object, as Knot and BIND accept
//! them: `pkcs11:object=zsk-2026;id=%01;type=private`.
//!
//! # Background
//! RFC 7512 §2.3: "pk11-path-attr = pk11-token / pk11-manuf / pk11-serial /
//! pk11-model / pk11-lib-manuf / pk11-lib-ver / pk11-lib-desc / pk11-object
//! / pk11-type / pk11-id / pk11-slot-desc / pk11-slot-manuf / pk11-slot-id
//! / pk11-x-pattr"; attributes are separated by `;`, query attributes follow
//! a `?` and are separated by `&`. Values are percent-encoded (§2.3: "The
//! '%' character ... MUST be percent-encoded").
//!
//! # Limitations
//! A pool key lives in *every* configured token, so attributes that select
//! one token or slot (`token`, `serial`, `slot-id` ...) are refused in a
//! key URI: the tokens are named in the `[[hsm]]` sections. `pin-value` is
//! refused too: a PIN never belongs in a key name that is printed.

use std::fmt;

/// What a key URI selects: the object's CKA_ID and/or CKA_LABEL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUri {
    pub id: Option<Vec<u8>>,
    pub label: Option<String>,
}

/// Why a URI was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UriError {
    /// The text does not start with `pkcs11:`.
    Scheme,
    /// A `%` is not followed by two hex digits.
    PercentEncoding { attribute: String },
    /// An attribute that names one token, a PIN, or that RFC 7512 does not
    /// define for objects.
    Refused { attribute: String, reason: &'static str },
    /// `type=` other than `private`, `public` or absent.
    ObjectType { value: String },
    /// The same attribute twice (RFC 7512 §2.3: "An attribute name MUST NOT
    /// appear more than once").
    Repeated { attribute: String },
    /// Neither `id` nor `object`.
    NoObject,
    /// `object=` is not UTF-8.
    Label,
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UriError::Scheme => {
                f.write_str("not a PKCS#11 URI (RFC 7512): must start with pkcs11:")
            }
            UriError::PercentEncoding { attribute } => {
                write!(f, "bad percent-encoding in the {attribute} attribute")
            }
            UriError::Refused { attribute, reason } => {
                write!(f, "the {attribute} attribute is not accepted in a key URI: {reason}")
            }
            UriError::ObjectType { value } => {
                write!(f, "type={value}: a key URI names a private or public key")
            }
            UriError::Repeated { attribute } => {
                write!(f, "the {attribute} attribute appears twice (RFC 7512 §2.3)")
            }
            UriError::NoObject => f.write_str("the URI names no object: give id= and/or object="),
            UriError::Label => f.write_str("the object attribute is not UTF-8"),
        }
    }
}

impl std::error::Error for UriError {}

fn percent_decode(value: &str, attribute: &str) -> Result<Vec<u8>, UriError> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .ok_or_else(|| UriError::PercentEncoding { attribute: attribute.to_owned() })?;
            let decoded = std::str::from_utf8(hex)
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| UriError::PercentEncoding { attribute: attribute.to_owned() })?;
            out.push(decoded);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(out)
}

/// Parses a key URI.
pub fn parse(text: &str) -> Result<KeyUri, UriError> {
    let rest = text.strip_prefix("pkcs11:").ok_or(UriError::Scheme)?;
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let mut uri = KeyUri { id: None, label: None };
    let mut seen: Vec<String> = Vec::new();
    for attr in path.split(';').filter(|a| !a.is_empty()) {
        let (name, value) = attr.split_once('=').unwrap_or((attr, ""));
        let name = name.to_ascii_lowercase();
        if seen.contains(&name) {
            return Err(UriError::Repeated { attribute: name });
        }
        seen.push(name.clone());
        match name.as_str() {
            "id" => uri.id = Some(percent_decode(value, "id")?),
            "object" => {
                let bytes = percent_decode(value, "object")?;
                uri.label = Some(String::from_utf8(bytes).map_err(|_| UriError::Label)?);
            }
            "type" => {
                let v = percent_decode(value, "type")?;
                if v != b"private" && v != b"public" {
                    return Err(UriError::ObjectType {
                        value: String::from_utf8_lossy(&v).into_owned(),
                    });
                }
            }
            "token"
            | "serial"
            | "manufacturer"
            | "model"
            | "slot-id"
            | "slot-description"
            | "slot-manufacturer"
            | "library-manufacturer"
            | "library-description"
            | "library-version" => {
                return Err(UriError::Refused {
                    attribute: name,
                    reason: "a pool key must be in every token; name the tokens in [[hsm]]",
                })
            }
            _ => {
                return Err(UriError::Refused {
                    attribute: name,
                    reason: "not an RFC 7512 object attribute",
                })
            }
        }
    }
    if let Some(attr) = query.into_iter().flat_map(|q| q.split('&')).find(|a| !a.is_empty()) {
        let name = attr.split_once('=').map(|(n, _)| n).unwrap_or(attr).to_ascii_lowercase();
        return Err(UriError::Refused {
            attribute: name,
            reason: "query attributes (pin-value, pin-source, module-path) belong in [[hsm]]",
        });
    }
    if uri.id.is_none() && uri.label.is_none() {
        return Err(UriError::NoObject);
    }
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7512 §3 example: "pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;
    /// manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;
    /// type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=" names a token; key
    /// URIs here carry only the object attributes.
    #[test]
    fn rfc7512_object_attributes() {
        let uri = parse("pkcs11:object=my-key;type=private;id=%69%95%3E%5C%F4%BD%EC%91").unwrap();
        assert_eq!(uri.label.as_deref(), Some("my-key"));
        assert_eq!(uri.id, Some(vec![0x69, 0x95, 0x3e, 0x5c, 0xf4, 0xbd, 0xec, 0x91]));
        assert_eq!(parse("pkcs11:id=%01").unwrap().id, Some(vec![1]));
        assert_eq!(parse("pkcs11:object=a%20b").unwrap().label.as_deref(), Some("a b"));
    }

    #[test]
    fn refuses_tokens_pins_and_garbage() {
        assert!(matches!(parse("pkcs11:token=fra-1;id=%01"), Err(UriError::Refused { .. })));
        assert!(matches!(parse("pkcs11:id=%01?pin-value=1234"), Err(UriError::Refused { .. })));
        assert_eq!(parse("pkcs12:id=%01"), Err(UriError::Scheme));
        assert_eq!(parse("pkcs11:type=private"), Err(UriError::NoObject));
        assert!(matches!(parse("pkcs11:id=%0"), Err(UriError::PercentEncoding { .. })));
        assert!(matches!(parse("pkcs11:id=%01;id=%02"), Err(UriError::Repeated { .. })));
        assert!(matches!(parse("pkcs11:id=%01;type=cert"), Err(UriError::ObjectType { .. })));
    }
}
