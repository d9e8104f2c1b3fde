//! Unit enums written and read as their names, from one list per enum.
//!
//! Why not serde's derive: its `Deserialize` gives every enum a visitor that matches the names
//! three ways (as text, as bytes, as an index), about 1 KB of Wasm apiece, and the web page
//! reads a dozen enums back from its worker's answer. Here one list gives each enum `ALL`,
//! `as_str`, `from_name`, `Serialize` and `Deserialize`, and one shared reader matches the
//! names. A variant left out of the list fails to compile: `as_str`'s match must cover every
//! variant.

/// `named_variants!(Kind { A => "a", B => "b" })`: `Kind::ALL`, `Kind::as_str`,
/// `Kind::from_name`, and serde writing and reading each variant as its name.
macro_rules! named_variants {
    ($t:ident { $($v:ident => $name:literal),+ $(,)? }) => {
        impl $t {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$t] = &[$($t::$v),+];

            /// The name the variant is written and read as.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($t::$v => $name),+
                }
            }

            /// The variant written as `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == name)
            }
        }

        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::variant::read(d, Self::from_name)
            }
        }
    };
}
pub(crate) use named_variants;

/// The variant `from_name` finds for the text `d` holds.
pub(crate) fn read<'de, D: serde::Deserializer<'de>, T>(d: D, from_name: fn(&str) -> Option<T>) -> Result<T, D::Error> {
    let text = <String as serde::Deserialize>::deserialize(d)?;
    from_name(&text).ok_or_else(|| serde::de::Error::custom(format_args!("unknown variant `{text}`")))
}

#[cfg(test)]
mod tests {
    use crate::check::{Basis, Section};
    use crate::difference::{Persona, Phase};
    use crate::evaluate::{RouteKind, VerdictKind};
    use crate::finding::Severity;
    use crate::prerequisite::Status;
    use crate::report::Overall;

    fn round_trips<T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(
        all: &[T],
        name: fn(T) -> &'static str,
    ) {
        for v in all {
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{}\"", name(*v)));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *v);
        }
        let names: Vec<&str> = all.iter().map(|v| name(*v)).collect();
        assert!(
            names.iter().all(|n| names.iter().filter(|m| *m == n).count() == 1),
            "{names:?}"
        );
        let err = serde_json::from_str::<T>("\"no-such-variant\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `no-such-variant`"), "{err}");
        assert!(serde_json::from_str::<T>("3").is_err());
    }

    #[test]
    fn every_variant_is_written_and_read_as_its_name() {
        round_trips(VerdictKind::ALL, VerdictKind::as_str);
        round_trips(RouteKind::ALL, RouteKind::as_str);
        round_trips(Status::ALL, Status::as_str);
        round_trips(Severity::ALL, Severity::as_str);
        round_trips(Overall::ALL, Overall::as_str);
        round_trips(Section::ALL, Section::as_str);
        round_trips(Basis::ALL, Basis::as_str);
        round_trips(Phase::ALL, Phase::as_str);
        round_trips(Persona::ALL, Persona::as_str);
        assert_eq!(VerdictKind::ALL.len(), 7);
        assert_eq!(VerdictKind::NotAllowed.as_str(), "not-allowed");
        assert_eq!(RouteKind::CoveringRole.as_str(), "covering-role");
    }
}
