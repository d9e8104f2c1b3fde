//! One-pass reading of flat role-assignment records (`az role assignment list`,
//! `Get-AzRoleAssignment | ConvertTo-Json`, the portal's JSON download).
//!
//! These are the records a large tenant has a million of. Parsing each into a map of
//! `Value`s, then looking its fields up, allocated every key and value of every record; here
//! each record is read once, the fields the engine uses are kept (borrowed from the export's
//! text where they hold no escapes) and the rest skipped. A record this reader cannot take
//! exactly as the map would (a nested `properties` or `expandedProperties`, a PIM record's
//! fields, one field spelled
//! in two casings, a key with escapes, not an object) is handed back, and the caller reads it
//! the general way.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// Every field the role-assignment reader asks for, in the spelling it asks with.
const NAMES: [&str; 16] = [
    "RoleAssignmentId",
    "id",
    "roleEligibilityScheduleId",
    "roleDefinitionId",
    "scope",
    "principalId",
    "ObjectId",
    "principalType",
    "ObjectType",
    "principalName",
    "roleDefinitionName",
    "DisplayName",
    "PrincipalDisplayName",
    "SignInName",
    "condition",
    "conditionVersion",
];

/// Fields that send a record to the general reader: objects to merge or descend into, and
/// PIM's own fields (a PIM record among plain assignments is read with its dates).
const GENERAL: [&str; 6] = [
    "properties",
    "expandedProperties",
    "roleEligibilityScheduleId",
    "roleAssignmentScheduleId",
    "assignmentType",
    "requestType",
];

/// A field's value, as far as the reader looks at it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Scalar<'a> {
    Str(&'a str),
    Bool(bool),
    /// A number, list or object: present, but not text.
    Other,
}

/// Field lookup shared by the general map and the flat record: the first of `names`
/// present and not null, each name matched exactly first and then in any casing.
pub(super) trait Fields {
    fn scalar(&self, name: &str) -> Option<Scalar<'_>>;
    /// Is the field there at all, null included (in any casing)?
    fn has(&self, name: &str) -> bool;
    /// An object-valued field; the flat record never has one.
    fn object(&self, name: &str) -> Option<&Map<String, Value>>;
}

impl Fields for Map<String, Value> {
    fn scalar(&self, name: &str) -> Option<Scalar<'_>> {
        super::field(self, &[name]).map(|v| match v {
            Value::String(s) => Scalar::Str(s),
            Value::Bool(b) => Scalar::Bool(*b),
            _ => Scalar::Other,
        })
    }

    fn has(&self, name: &str) -> bool {
        // Asked of every record: the exact spelling first, as `field` does.
        self.contains_key(name) || self.keys().any(|k| k.eq_ignore_ascii_case(name))
    }

    fn object(&self, name: &str) -> Option<&Map<String, Value>> {
        super::field(self, &[name]).and_then(Value::as_object)
    }
}

/// A value read from the record: text borrowed when it holds no escapes.
#[derive(Debug)]
enum Held<'a> {
    Null,
    Str(Cow<'a, str>),
    Bool(bool),
    Other,
}

/// One flat record: the fields of [`NAMES`] it carries, with the key each came under.
#[derive(Debug)]
pub(super) struct FlatRecord<'a> {
    slots: [Option<(&'a str, Held<'a>)>; NAMES.len()],
}

impl Fields for FlatRecord<'_> {
    fn scalar(&self, name: &str) -> Option<Scalar<'_>> {
        let slot = NAMES.iter().position(|n| *n == name)?;
        match self.slots.get(slot)?.as_ref()? {
            (_, Held::Null) => None,
            (_, Held::Str(s)) => Some(Scalar::Str(s)),
            (_, Held::Bool(b)) => Some(Scalar::Bool(*b)),
            (_, Held::Other) => Some(Scalar::Other),
        }
    }

    fn has(&self, name: &str) -> bool {
        NAMES
            .iter()
            .position(|n| *n == name)
            .and_then(|slot| self.slots.get(slot))
            .is_some_and(Option::is_some)
    }

    fn object(&self, _: &str) -> Option<&Map<String, Value>> {
        None
    }
}

/// Reads one record, or `None` when it must be read the general way.
pub(super) fn read(text: &str) -> Option<FlatRecord<'_>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let record = de.deserialize_map(RecordVisitor).ok()??;
    de.end().ok()?;
    Some(record)
}

impl<'a> Held<'a> {
    /// A value from its raw JSON text: strings without escapes are borrowed as they stand.
    /// (Values are taken raw, not through a visitor of their own, so the Wasm builds reuse
    /// the raw-value parser the document check already needs.)
    fn of(raw: &'a RawValue) -> Option<Self> {
        let text = raw.get();
        Some(match text.as_bytes().first()? {
            b'"' if !text.contains('\\') => Held::Str(Cow::Borrowed(text.get(1..text.len() - 1)?)),
            b'"' => Held::Str(Cow::Owned(serde_json::from_str(text).ok()?)),
            b'n' => Held::Null,
            b't' => Held::Bool(true),
            b'f' => Held::Bool(false),
            _ => Held::Other,
        })
    }
}

struct RecordVisitor;

impl<'de> Visitor<'de> for RecordVisitor {
    /// `None`: the record needs the general reader.
    type Value = Option<FlatRecord<'de>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut record = FlatRecord {
            slots: Default::default(),
        };
        // A key with escapes cannot be borrowed: an error here, and the general reader's turn.
        while let Some(key) = map.next_key::<&'de str>()? {
            if GENERAL.iter().any(|n| key.eq_ignore_ascii_case(n)) {
                return Ok(None);
            }
            let raw = map.next_value::<&'de RawValue>()?;
            let Some(slot) = NAMES.iter().position(|n| key.eq_ignore_ascii_case(n)) else {
                continue;
            };
            let (Some(held), Some(value)) = (record.slots.get_mut(slot), Held::of(raw)) else {
                return Ok(None);
            };
            match held {
                // A repeated key: the last one counts, as in the map.
                Some((seen, _)) if *seen != key => return Ok(None),
                _ => *held = Some((key, value)),
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> Map<String, Value> {
        match serde_json::from_str(text) {
            Ok(Value::Object(o)) => o,
            _ => Map::new(),
        }
    }

    /// Every field the reader knows answers as the map does.
    fn same_as_map(text: &str) {
        let flat = read(text);
        assert!(flat.is_some(), "not read flat: {text}");
        let general = map(text);
        for name in NAMES {
            assert_eq!(
                flat.as_ref().and_then(|f| f.scalar(name)),
                general.scalar(name),
                "{name} in {text}"
            );
        }
    }

    #[test]
    fn reads_fields_as_the_map_does() {
        same_as_map(r#"{"id":"/x","principalId":"ABC","principalName":"","condition":null,"canDelegate":false}"#);
        same_as_map(r#"{"ObjectId":"a","objecttype":"User","DisplayName":"D\u00e9","RoleDefinitionId":7}"#);
        same_as_map(r#"{"scope":"/s","scope":null,"principalType":["x"],"other":{"a":[1,{"b":2}]}}"#);
        same_as_map(r#"{"scope":null,"scope":"/s","SignInName":true}"#);
        same_as_map("{}");
    }

    /// A key from a few of the reader's names (or another), as spelled or in another
    /// casing: few enough that records repeat keys.
    fn key() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let names = vec![
            "scope",
            "principalId",
            "principalName",
            "ObjectType",
            "other",
            "Properties",
        ];
        (proptest::sample::select(names), any::<bool>(), 0..4usize).prop_map(|(n, recase, at)| {
            n.char_indices()
                .map(|(i, c)| if recase && i == at { c.to_ascii_uppercase() } else { c })
                .collect()
        })
    }

    fn value() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("12.5".to_string()),
            Just("[1,{\"a\":null}]".to_string()),
            Just("{\"scope\":\"/in\"}".to_string()),
            "[ a-zA-Z/é\"\\\\]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap_or_default()),
        ]
    }

    proptest::proptest! {
        /// Whatever the keys' casing, repeats and values, a record read flat answers every
        /// field as the map does; and it is read flat unless it must not be.
        #[test]
        fn flat_answers_as_the_map(fields in proptest::collection::vec((key(), value()), 0..10)) {
            let body: Vec<String> = fields
                .iter()
                .map(|(k, v)| format!("{}:{v}", serde_json::to_string(k).unwrap_or_default()))
                .collect();
            let text = format!("{{{}}}", body.join(","));
            let general = map(&text);
            let general_way = fields.iter().any(|(k, _)| GENERAL.iter().any(|n| k.eq_ignore_ascii_case(n)));
            let known = |k: &str| NAMES.iter().any(|n| k.eq_ignore_ascii_case(n));
            let two_spellings = fields.iter().any(|(a, _)| {
                known(a) && fields.iter().any(|(b, _)| a != b && a.eq_ignore_ascii_case(b))
            });
            let flat = read(&text);
            proptest::prop_assert_eq!(flat.is_some(), !general_way && !two_spellings, "{}", text);
            if let Some(flat) = flat {
                for name in NAMES {
                    proptest::prop_assert_eq!(flat.scalar(name), general.scalar(name), "{} in {}", name, text);
                }
            }
        }
    }

    #[test]
    fn hands_back_what_only_the_map_reads_exactly() {
        for text in [
            r#"{"properties":{"scope":"/"},"id":"x"}"#,
            r#"{"id":"x","ExpandedProperties":null}"#,
            r#"{"principalId":"a","PrincipalId":"b"}"#,
            r#"{"princ\u0069palId":"a"}"#,
            r#"["not an object"]"#,
            r#""text""#,
            r#"{"id":"x""#,
        ] {
            assert!(read(text).is_none(), "{text}");
        }
    }
}
