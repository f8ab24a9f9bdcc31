//! [`OneOrMany`]: a JSON value that is either one string or an array of strings (DID Core's
//! `@context`, `controller` and service `type`), kept in the form it was given.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One string, or an array of strings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OneOrMany {
    /// `"a"`.
    One(String),
    /// `["a", "b"]`.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, in order.
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(s) => core::slice::from_ref(s),
            OneOrMany::Many(v) => v,
        }
    }
}

impl Serialize for OneOrMany {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::One(s) => serializer.serialize_str(s),
            OneOrMany::Many(v) => v.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;

        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(s.into()))
            }

            fn visit_string<E: de::Error>(self, s: String) -> Result<OneOrMany, E> {
                Ok(OneOrMany::One(s))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(OneOrMany::Many(items))
            }
        }

        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_form_it_was_given() {
        for text in [r#""a""#, r#"["a","b"]"#, "[]"] {
            let v: OneOrMany = serde_json::from_str(text).expect(text);
            assert_eq!(serde_json::to_string(&v).expect("serializes"), text);
        }
        let one: OneOrMany = serde_json::from_str(r#""x""#).expect("string");
        assert_eq!(one.as_slice(), ["x"]);
    }

    #[test]
    fn anything_else_is_refused_with_what_was_expected() {
        for text in ["1", "{}", "[1]", "null"] {
            let err = serde_json::from_str::<OneOrMany>(text).expect_err(text).to_string();
            assert!(err.contains("string"), "{text}: {err}");
        }
    }
}
