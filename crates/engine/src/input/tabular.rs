//! CSV (PowerShell `Export-Csv`, portal download) and PowerShell's default console view
//! (`Name : Value` blocks), turned into JSON objects so one set of record readers serves
//! every format.

use serde_json::{Map, Value};

use crate::error::Location;

/// One record with the line it starts on.
pub struct Row {
    pub object: Map<String, Value>,
    pub location: Location,
}

/// Parses CSV with a header line. Windows PowerShell 5.1 writes a `#TYPE …` line first.
pub fn csv_rows(text: &str) -> Result<Vec<Row>, (String, Location)> {
    let (body, skipped_lines) = match text.strip_prefix("#TYPE") {
        Some(rest) => (rest.split_once('\n').map(|(_, b)| b).unwrap_or(""), 1),
        None => (text, 0),
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(body.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| {
            (
                format!("CSV header: {e}"),
                Location {
                    line: 1 + skipped_lines,
                    column: 1,
                },
            )
        })?
        .clone();
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0) + skipped_lines;
            // The location is reported on its own; the csv crate's message repeats it.
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                    "CSV: this line has {len} field(s) where the header has {expected_len}: a value with an unquoted comma or line break, or a file cut short"
                ),
                _ => format!("CSV: {e}"),
            };
            (message, Location { line, column: 1 })
        })?;
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0) + skipped_lines;
        let object = headers
            .iter()
            .zip(record.iter())
            .map(|(h, v)| (h.trim().to_string(), Value::String(v.to_string())))
            .collect();
        rows.push(Row {
            object,
            location: Location { line, column: 1 },
        });
    }
    Ok(rows)
}

/// Is this PowerShell's list view: lines `Name : Value`?
pub fn looks_like_console_list(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .and_then(|l| {
            l.split_once(" : ")
                .or_else(|| l.trim_end().strip_suffix(" :").map(|k| (k, "")))
        })
        .is_some_and(|(k, _)| {
            let k = k.trim();
            !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Parses blank-line separated `Name : Value` blocks. Values that PowerShell wrapped onto
/// indented continuation lines are joined back.
pub fn console_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut current: Option<Row> = None;
    let mut last_key: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            if let Some(r) = current.take() {
                rows.push(r);
            }
            last_key = None;
            continue;
        }
        let pair = line
            .split_once(" : ")
            .or_else(|| line.trim_end().strip_suffix(" :").map(|k| (k, "")))
            .filter(|(k, _)| !k.starts_with(' ') && !k.trim().is_empty() && !k.trim().contains(' '));
        match pair {
            Some((k, v)) => {
                let row = current.get_or_insert_with(|| Row {
                    object: Map::new(),
                    location: Location {
                        line: line_no,
                        column: 1,
                    },
                });
                row.object
                    .insert(k.trim().to_string(), Value::String(v.trim().to_string()));
                last_key = Some(k.trim().to_string());
            }
            None => {
                // Continuation of a wrapped value.
                if let (Some(r), Some(k)) = (current.as_mut(), last_key.as_ref()) {
                    if let Some(Value::String(s)) = r.object.get_mut(k) {
                        s.push_str(line.trim());
                    }
                }
            }
        }
    }
    if let Some(r) = current {
        rows.push(r);
    }
    rows
}

/// Line and column of positions in a text, asked in increasing order: records are located
/// only when one needs reporting, without a pass over the whole export up front.
pub struct Lines<'t> {
    text: &'t str,
    /// Byte offset reached, its line, and where that line starts.
    at: usize,
    line: usize,
    line_start: usize,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            at: 0,
            line: 1,
            line_start: 0,
        }
    }

    /// The location of a slice of the text (its first character).
    pub fn of(&mut self, part: &str) -> Location {
        let offset = (part.as_ptr() as usize).wrapping_sub(self.text.as_ptr() as usize);
        if offset > self.text.len() {
            return Location { line: 1, column: 1 };
        }
        if offset < self.at {
            (self.at, self.line, self.line_start) = (0, 1, 0);
        }
        let skipped = self.text.get(self.at..offset).unwrap_or_default();
        for (i, b) in skipped.bytes().enumerate() {
            if b == b'\n' {
                self.line += 1;
                self.line_start = self.at + i + 1;
            }
        }
        self.at = offset;
        let column = self.text.get(self.line_start..offset).map_or(0, |l| l.chars().count()) + 1;
        Location {
            line: self.line,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_type_line_quotes_and_newlines() {
        let text = "#TYPE Microsoft.Azure.Commands.Resources.Models.Authorization.PSRoleAssignment\n\"Scope\",\"Description\"\n\"/subscriptions/x\",\"two\nlines, \"\"quoted\"\"\"\n\"/subscriptions/y\",\"\"\n";
        let rows = csv_rows(text).unwrap_or_default();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.first()
                .and_then(|r| r.object.get("Description"))
                .and_then(Value::as_str),
            Some("two\nlines, \"quoted\"")
        );
        assert_eq!(rows.get(1).map(|r| r.location.line), Some(5));
    }

    #[test]
    fn console_blocks_join_wrapped_values() {
        let text = "Scope       : /subscriptions/x\nCondition   : ((!(ActionMatches\n              {'a'})))\n\nScope : /subscriptions/y\nDescription :\n";
        assert!(looks_like_console_list(text));
        let rows = console_rows(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows.first()
                .and_then(|r| r.object.get("Condition"))
                .and_then(Value::as_str),
            Some("((!(ActionMatches{'a'})))")
        );
        assert_eq!(rows.get(1).map(|r| r.location.line), Some(5));
    }

    #[test]
    fn locates_slices_in_order_and_out_of_order() {
        let text = "{\"value\": [\n  {\"a\": {\"b\": 1}},\n  {\"c\": 2}\n]}";
        let mut lines = Lines::new(text);
        let second = text.get(text.find("{\"c").unwrap_or(0)..).unwrap_or_default();
        let first = text.get(text.find("{\"a").unwrap_or(0)..).unwrap_or_default();
        assert_eq!(lines.of(first), Location { line: 2, column: 3 });
        assert_eq!(lines.of(second), Location { line: 3, column: 3 });
        assert_eq!(lines.of(first), Location { line: 2, column: 3 });
        assert_eq!(lines.of("elsewhere"), Location { line: 1, column: 1 });
    }
}
