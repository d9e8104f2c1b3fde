//! Writing CSV (RFC 4180): what the `csv` crate's writer does with its defaults, without it.
//! Its writer decides per field whether a value looks numeric, which links the standard
//! library's float parser and its 10 KB table of powers into every Wasm build for a quoting
//! style the reports never use (docs/performance-history.md, round 17). Reading CSV still uses `csv`.

/// Appends one record: fields separated by commas, ended by `\n`. A field is quoted when it
/// holds a comma, a quote, a carriage return or a line feed, and its quotes are doubled.
pub fn row<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if field.contains([',', '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(field);
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The `csv` crate's writer with its defaults, which the reports used before.
    fn by_csv_crate(records: &[Vec<String>]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        for r in records {
            w.write_record(r).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        let mut s = String::new();
        row(
            &mut s,
            ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\r", "", " spaced "],
        );
        assert_eq!(
            s,
            "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",, spaced \n"
        );
    }

    proptest! {
        // Records of two or more fields, all of one length as the csv crate requires: the
        // reports' rows always have seven or ten (a lone empty field is the one case the csv
        // crate writes differently, as `""`).
        #[test]
        fn writes_what_the_csv_crate_writes(
            records in (2usize..6).prop_flat_map(|fields| prop::collection::vec(
                prop::collection::vec("[a-z,\"\r\n \t'=é]{0,6}", fields),
                0..5,
            ))
        ) {
            let mut s = String::new();
            for r in &records {
                row(&mut s, r.iter().map(String::as_str));
            }
            prop_assert_eq!(s, by_csv_crate(&records));
        }
    }
}
