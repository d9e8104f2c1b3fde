//! Text that many records share and a report writes many times over: workspace ids, route
//! names, principal ids and names, notes. And [`compact_json`], under which the records a
//! report holds by the million are written from that text as ready-made JSON.

use std::borrow::Borrow;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// One shared copy of a text. When JSON writes it without escapes, as it writes nearly every
/// id and name, it is held as that JSON string, so writing it copies its bytes instead of
/// checking each of them for escapes once more: in a dense report the same few workspaces,
/// routes and names are most of the text. One thin pointer, half an `Arc<str>`.
///
/// Only serde_json writes the held JSON as it stands (and its `Value` conversion reads it
/// back as a string); the engine writes reports with nothing else.
#[derive(Clone)]
pub struct SharedText(Arc<Held>);

enum Held {
    /// The text between quotes, as a JSON string that holds no escapes.
    Quoted(Box<RawValue>),
    /// Text that JSON writes with escapes.
    Plain(Box<str>),
}

impl SharedText {
    pub fn new(text: &str) -> Self {
        // Exactly the bytes serde_json escapes.
        let clean = text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\');
        // Sized once: `format!` reserves for its literal pieces only and grows for the text.
        let quoted = || {
            let mut q = String::with_capacity(text.len() + 2);
            q.push('"');
            q.push_str(text);
            q.push('"');
            RawValue::from_string(q)
        };
        Self(Arc::new(match clean.then(quoted) {
            Some(Ok(quoted)) => Held::Quoted(quoted),
            _ => Held::Plain(text.into()),
        }))
    }

    pub fn as_str(&self) -> &str {
        match &*self.0 {
            Held::Quoted(json) => {
                let json = json.get();
                json.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(json)
            }
            Held::Plain(text) => text,
        }
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for SharedText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for SharedText {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.as_str() == other.as_str()
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for SharedText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SharedText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// As `str` hashes, so a set of shared texts is looked up by `&str`.
impl Hash for SharedText {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for SharedText {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &*self.0 {
            Held::Quoted(json) => json.serialize(s),
            Held::Plain(text) => s.serialize_str(text),
        }
    }
}

impl SharedText {
    /// Appends the text as a JSON string.
    pub(crate) fn push_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        match &*self.0 {
            Held::Quoted(json) => {
                out.extend_from_slice(json.get().as_bytes());
                Ok(())
            }
            Held::Plain(text) => serde_json::to_writer(out, &**text),
        }
    }
}

/// The struct name under which serde_json writes a field's text as it stands (how its
/// `RawValue` is written). A test below fails if a serde_json release renames it.
const RAW_JSON: &str = "$serde_json::private::RawValue";

/// Text that is already JSON, written as it stands by serde_json.
struct RawJson<'a>(&'a str);

impl Serialize for RawJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut raw = s.serialize_struct(RAW_JSON, 1)?;
        raw.serialize_field(RAW_JSON, self.0)?;
        raw.end()
    }
}

thread_local! {
    static COMPACT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `write` with the records a report holds by the million (verdicts) written as
/// ready-made compact JSON: serde_json escapes every field name of every record anew, which
/// was a sixth of a dense report's instructions. Only for serde_json without indentation.
pub fn compact_json<R>(write: impl FnOnce() -> R) -> R {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            COMPACT.with(|c| c.set(self.0));
        }
    }
    let _reset = Reset(COMPACT.with(|c| c.replace(true)));
    write()
}

thread_local! {
    /// Where each record's JSON is put together: one buffer, reused a million times.
    static RECORD: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Writes a record as the JSON `fill` puts together when inside [`compact_json`], and as
/// `fields` (its derived form, which `fill` must match) anywhere else.
pub(crate) fn serialize_compact<S: serde::Serializer>(
    s: S,
    fields: impl Serialize,
    fill: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
) -> Result<S::Ok, S::Error> {
    if !COMPACT.with(|c| c.get()) {
        return fields.serialize(s);
    }
    RECORD.with(|buf| {
        // A record inside a record (none today) is written the derived way.
        let Ok(mut buf) = buf.try_borrow_mut() else {
            return fields.serialize(s);
        };
        buf.clear();
        fill(&mut buf).map_err(serde::ser::Error::custom)?;
        let json = std::str::from_utf8(&buf).map_err(serde::ser::Error::custom)?;
        RawJson(json).serialize(s)
    })
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|t| Self::new(&t))
    }
}

/// Asserts that `value` reads and writes as `text`: for display, in JSON (indented or not),
/// in a `Value`, and back through `Deserialize`. Shared by the types held as JSON text.
#[cfg(test)]
pub(crate) fn assert_reads_and_writes_as<T>(value: &T, text: &str, as_str: fn(&T) -> &str)
where
    T: Serialize + serde::de::DeserializeOwned + fmt::Display + Clone,
{
    assert_eq!(as_str(value), text);
    assert_eq!(value.to_string(), text);
    let json = serde_json::to_string(value).unwrap_or_default();
    assert_eq!(json, serde_json::to_string(text).unwrap_or_default());
    assert_eq!(serde_json::to_value(value).ok(), Some(serde_json::Value::from(text)));
    let back: Option<T> = serde_json::from_str(&json).ok();
    assert_eq!(back.as_ref().map(as_str), Some(text));
    let pretty = serde_json::to_string_pretty(&vec![value.clone()]).unwrap_or_default();
    assert_eq!(
        serde_json::from_str::<Vec<String>>(&pretty).unwrap_or_default(),
        vec![text.to_string()]
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether held as JSON or not, a text reads and writes as it was given: in JSON,
    /// indented or not, in a `Value`, for display, and back through `Deserialize`.
    #[test]
    fn reads_and_writes_as_given_however_held() {
        for text in [
            "",
            "/",
            "/subscriptions/s/resourceGroups/rg-é (1)",
            "Microsoft Sentinel Reader",
            "a\"b",
            "a\\b\tc\u{1}",
            "\u{7f}\u{2028}",
        ] {
            let shared = SharedText::new(text);
            assert_reads_and_writes_as(&shared, text, SharedText::as_str);
            let json = serde_json::to_string(&shared).unwrap_or_default();
            assert_eq!(serde_json::from_str::<SharedText>(&json).ok(), Some(shared));
        }
    }

    #[test]
    fn compares_and_hashes_as_its_text() {
        let mut set = rustc_hash::FxHashSet::default();
        set.insert(SharedText::new("Reader"));
        assert!(set.contains("Reader"));
        assert!(!set.contains("reader"));
        assert_eq!(SharedText::new("a\"b"), SharedText::new("a\"b"));
        assert!(SharedText::new("a") < SharedText::new("b"));
    }

    /// serde_json writes `RawJson` as it stands only while it keeps the name it gives its
    /// own raw values; `compact_json` is switched off again afterwards, even when nested.
    #[test]
    fn raw_json_is_written_as_it_stands_and_compact_mode_ends() {
        assert_eq!(
            serde_json::to_string(&[RawJson("{\"a\":[1,2]}")]).ok().as_deref(),
            Some("[{\"a\":[1,2]}]")
        );
        assert!(!COMPACT.with(|c| c.get()));
        let inner = compact_json(|| compact_json(|| COMPACT.with(|c| c.get())));
        assert!(inner);
        assert!(!COMPACT.with(|c| c.get()));
    }

    proptest::proptest! {
        /// Any text writes as serde_json writes the same string.
        #[test]
        fn any_text_writes_as_its_string(text in "[ -~\\u{0}-\\u{1f}é\"\\\\]{0,24}") {
            let shared = SharedText::new(&text);
            proptest::prop_assert_eq!(shared.as_str(), text.as_str());
            proptest::prop_assert_eq!(serde_json::to_string(&shared).ok(), serde_json::to_string(&text).ok());
        }
    }
}
