//! Bytes to text: UTF-8 with or without BOM, and UTF-16 (Windows PowerShell's default
//! for `>` redirection) with or without BOM.

use std::borrow::Cow;

/// Decodes a file's bytes, or says why it cannot. UTF-8 is borrowed, not copied: a large
/// export is read in place. Byte order marks repeated at the start (a file re-saved by a
/// tool that adds one) are all dropped, so text decoded twice reads as the bytes do.
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    let mut text = decode_once(bytes)?;
    match &mut text {
        Cow::Borrowed(t) => {
            while let Some(rest) = t.strip_prefix('\u{feff}') {
                *t = rest;
            }
        }
        Cow::Owned(t) => {
            // Counted, then removed at once: one at a time shifts the text for each mark
            // (a UTF-16 file of a million marks took 19 s).
            let mut marks = 0;
            while t.get(marks..).is_some_and(|rest| rest.starts_with('\u{feff}')) {
                marks += '\u{feff}'.len_utf8();
            }
            t.drain(..marks);
        }
    }
    Ok(text)
}

fn decode_once(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, true).map(Cow::Owned);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, false).map(Cow::Owned);
    }
    // UTF-16 without BOM: ASCII text leaves every other byte zero.
    if bytes.len() >= 4 {
        let sample = bytes.get(..bytes.len().min(512)).unwrap_or(bytes);
        let zeros_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
        let zeros_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
        let half = sample.len() / 2;
        if zeros_odd * 10 >= half * 9 && zeros_even == 0 {
            return utf16(bytes, true).map(Cow::Owned);
        }
        if zeros_even * 10 >= half * 9 && zeros_odd == 0 {
            return utf16(bytes, false).map(Cow::Owned);
        }
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, String> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let at = e.valid_up_to();
        let prefix = bytes.get(..at).unwrap_or_default();
        let line = prefix.iter().filter(|b| **b == b'\n').count() + 1;
        let column = prefix.iter().rev().take_while(|b| **b != b'\n').count() + 1;
        format!("the file is not valid UTF-8 or UTF-16 text (invalid byte at line {line}, column {column}); save it as UTF-8")
    })
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<String, String> {
    if bytes.len() % 2 != 0 {
        return Err("the file looks like UTF-16 but has an odd number of bytes (truncated?)".into());
    }
    let units = bytes.chunks_exact(2).map(|c| match c {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        _ => 0,
    });
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|_| "the file looks like UTF-16 but holds an unpaired surrogate".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend(u.to_le_bytes());
        }
        out
    }

    #[test]
    fn decodes_every_encoding_windows_produces() {
        let text = "[{\"Scope\":\"/subscriptions/x\",\"DisplayName\":\"Zoë\"}]";
        assert_eq!(decode(text.as_bytes()).as_deref(), Ok(text));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(text.as_bytes());
        assert_eq!(decode(&bom).as_deref(), Ok(text));
        assert_eq!(decode(&utf16le(text, true)).as_deref(), Ok(text));
        assert_eq!(decode(&utf16le(text, false)).as_deref(), Ok(text));
        let mut be = vec![0xFE, 0xFF];
        for u in text.encode_utf16() {
            be.extend(u.to_be_bytes());
        }
        assert_eq!(decode(&be).as_deref(), Ok(text));
    }

    /// Round 35: the web page decodes a file, then hands the text to `decode` again; one
    /// byte order mark too many made the command line refuse what the page read.
    #[test]
    fn repeated_byte_order_marks_are_all_dropped() {
        let text = "[{\"Scope\":\"/subscriptions/x\"}]";
        let mut twice = [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF].to_vec();
        twice.extend(text.as_bytes());
        assert_eq!(decode(&twice).as_deref(), Ok(text));
        assert_eq!(decode(&utf16le(&format!("\u{feff}{text}"), true)).as_deref(), Ok(text));
        assert_eq!(
            decode(&utf16le(&format!("\u{feff}\u{feff}\u{feff}{text}"), false)).as_deref(),
            Ok(text)
        );
        assert_eq!(decode(&utf16le("\u{feff}\u{feff}", true)).as_deref(), Ok(""));
        // Only at the start.
        let inside = format!("{text}\u{feff}");
        assert_eq!(decode(inside.as_bytes()).as_deref(), Ok(inside.as_str()));
    }

    #[test]
    fn invalid_bytes_are_located() {
        let err = decode(b"[\n  \"ok\",\n  \"\xff\"]").err().unwrap_or_default();
        assert!(err.contains("line 3, column 4"), "{err}");
        assert!(decode(&[0xFF, 0xFE, 0x41]).is_err());
    }
}
