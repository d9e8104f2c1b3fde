//! Indenting compact JSON as serde_json's pretty printer would. Reports are written compact
//! once and indented from those bytes, so each Wasm build carries one instance of the
//! report's serializer instead of a second, indenting copy of every record's code
//! (docs/performance-history.md, round 17).

/// Appends `compact` (JSON with no whitespace outside strings, as serde_json writes it) to
/// `out`, indented by two spaces per level, with `": "` after keys and empty objects and
/// arrays kept as `{}` and `[]`: byte for byte what `serde_json::to_writer_pretty` writes.
pub fn indent(compact: &[u8], out: &mut Vec<u8>) {
    out.reserve(compact.len() + compact.len() / 2);
    let mut depth = 0usize;
    // After an opening bracket: a newline is owed unless the bracket closes at once.
    let mut opened = false;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    };
    for &b in compact {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        if opened {
            opened = false;
            if b == b'}' || b == b']' {
                depth = depth.saturating_sub(1);
                out.push(b);
                continue;
            }
            newline(out, depth);
        }
        match b {
            b'{' | b'[' => {
                out.push(b);
                depth += 1;
                opened = true;
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                newline(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            b'"' => {
                out.push(b);
                in_string = true;
            }
            _ => out.push(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn indented(value: &Value) -> String {
        let compact = serde_json::to_vec(value).unwrap_or_default();
        let mut out = Vec::new();
        indent(&compact, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn indents_as_serde_json_does() {
        let v = json!({
            "a": [], "b": {}, "c": [1, {"d": "x,y:{z}[\"]\\"}], "e": null,
            "f": [[], [{}], -1.5e300], "g": "\u{1}é\u{2028}"
        });
        assert_eq!(indented(&v), serde_json::to_string_pretty(&v).unwrap_or_default());
        assert_eq!(indented(&json!([])), "[]");
        assert_eq!(indented(&json!("{[,:]}")), "\"{[,:]}\"");
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            "[ -~\\u{0}-\\u{1f}é\"\\\\{}\\[\\],:]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\",:{}\\\\]{0,4}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_value_indents_as_serde_json_pretty(v in any_json()) {
            prop_assert_eq!(indented(&v), serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
}
