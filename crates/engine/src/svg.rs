//! Charts as inline SVG text: offline, printable, and readable without scripts. Every chart
//! is `role="img"` with a `<title>` and a `<desc>` that say in words what it shows, and every
//! mark carries its number as text or as a tooltip, so colour is never the only signal.

use std::fmt::Write as _;

use crate::date::Date;
use crate::finding::Severity;
use crate::score::Score;

/// Escapes text for XML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => {}
            // Shown, not obeyed: a name must not turn the text around it backwards.
            c if crate::safe_text::hidden(c) => crate::safe_text::push_shown(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

pub const PASSED: &str = "#2e7d32";
pub const FAILED: &str = "#c62828";
pub const NEUTRAL: &str = "#d6d6d6";

pub fn severity_colour(s: Severity) -> &'static str {
    match s {
        Severity::High => "#b71c1c",
        Severity::Medium => "#e65100",
        Severity::Low => "#f9a825",
        Severity::Info => "#1565c0",
    }
}

fn open(out: &mut String, id: &str, w: u32, h: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

// Geometry is in whole pixels: formatting floats would pull float-printing code into the Wasm.
fn text(out: &mut String, x: i64, y: i64, attrs: &str, body: &str) {
    let _ = write!(out, r#"<text x="{x}" y="{y}" {attrs}>{}</text>"#, esc(body));
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX / 4)
}

/// A ring whose green arc is the share of items passed. A blocked workspace says so in the
/// middle, under the percentage, and gets a red outline.
pub fn donut(id: &str, caption: &str, score: Score, blocked: bool) -> String {
    let mut s = String::new();
    let pct = score.percent();
    let desc = match pct {
        Some(p) => format!(
            "{p} percent of {} items passed ({} passed){}.",
            score.total,
            score.passed,
            if blocked {
                "; blocked: a prerequisite failed"
            } else {
                ""
            }
        ),
        None => "No items were examined.".to_string(),
    };
    open(&mut s, id, 160, 160, &format!("Readiness of {caption}"), &desc);
    // r = 60, so the circumference is 2π·60 ≈ 377.
    let (r, c) = (60, 377);
    let _ = write!(
        s,
        r#"<circle cx="80" cy="80" r="{r}" fill="none" stroke="{}" stroke-width="18"/>"#,
        if pct.is_some() { FAILED } else { NEUTRAL }
    );
    if let Some(p) = pct {
        let arc = c * i64::from(p) / 100;
        let _ = write!(
            s,
            r#"<circle cx="80" cy="80" r="{r}" fill="none" stroke="{PASSED}" stroke-width="18" stroke-dasharray="{arc} {c}" transform="rotate(-90 80 80)"/>"#
        );
    }
    if blocked {
        let _ = write!(
            s,
            r#"<circle cx="80" cy="80" r="74" fill="none" stroke="{FAILED}" stroke-width="3" stroke-dasharray="6 4"/>"#
        );
    }
    let big = pct.map(|p| format!("{p}%")).unwrap_or_else(|| "n/a".into());
    text(
        &mut s,
        80,
        84,
        r#"text-anchor="middle" font-size="28" font-weight="700""#,
        &big,
    );
    let small = if blocked {
        "blocked".to_string()
    } else {
        format!("{} of {}", score.passed, score.total)
    };
    text(
        &mut s,
        80,
        106,
        &format!(
            r#"text-anchor="middle" font-size="13" fill="{}""#,
            if blocked { FAILED } else { "#444" }
        ),
        &small,
    );
    s.push_str("</svg>");
    s
}

/// One horizontal bar per row, filled to its percentage, with the figure written beside it.
pub fn score_bars(id: &str, title: &str, rows: &[(&str, Score)]) -> String {
    let mut s = String::new();
    let h = 28 * u32::try_from(rows.len()).unwrap_or(0) + 10;
    let desc: Vec<String> = rows.iter().map(|(l, sc)| format!("{l}: {}", sc.label())).collect();
    open(&mut s, id, 600, h, title, &(desc.join("; ") + "."));
    for (i, (label, sc)) in rows.iter().enumerate() {
        let y = 8 + 28 * count(i);
        text(&mut s, 0, y + 15, r#"font-size="13""#, label);
        let _ = write!(s, r#"<rect x="170" y="{y}" width="250" height="18" fill="{NEUTRAL}"/>"#);
        if let Some(p) = sc.percent() {
            let _ = write!(
                s,
                r#"<rect x="170" y="{y}" width="{}" height="18" fill="{}"/>"#,
                5 * i64::from(p) / 2,
                if p == 100 {
                    PASSED
                } else if p >= 50 {
                    "#f9a825"
                } else {
                    FAILED
                }
            );
        }
        text(&mut s, 428, y + 14, r#"font-size="12""#, &sc.label());
    }
    s.push_str("</svg>");
    s
}

/// Findings per area, stacked by severity, with the count of each stack written out.
pub fn severity_bars(id: &str, rows: &[(String, [usize; 4])]) -> String {
    const SEVERITIES: [Severity; 4] = [Severity::High, Severity::Medium, Severity::Low, Severity::Info];
    let mut s = String::new();
    let max = rows
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let h = 26 * u32::try_from(rows.len()).unwrap_or(0) + 40;
    let desc: Vec<String> = rows
        .iter()
        .map(|(a, c)| {
            let parts: Vec<String> = SEVERITIES
                .iter()
                .zip(c.iter())
                .filter(|(_, n)| **n > 0)
                .map(|(sev, n)| format!("{n} {}", sev.as_str()))
                .collect();
            format!("{a}: {}", parts.join(", "))
        })
        .collect();
    open(
        &mut s,
        id,
        520,
        h,
        "Findings by area and severity",
        &if desc.is_empty() {
            "No findings.".to_string()
        } else {
            desc.join("; ") + "."
        },
    );
    for (i, (area, counts)) in rows.iter().enumerate() {
        let y = 6 + 26 * count(i);
        text(&mut s, 0, y + 14, r#"font-size="13""#, area);
        let mut x = 170;
        for (sev, n) in SEVERITIES.iter().zip(counts.iter()) {
            if *n == 0 {
                continue;
            }
            let w = (280 * count(*n) / count(max)).max(2);
            let _ = write!(
                s,
                r#"<rect x="{x}" y="{y}" width="{w}" height="18" fill="{}"><title>{n} {}</title></rect>"#,
                severity_colour(*sev),
                sev.as_str()
            );
            x += w;
        }
        text(
            &mut s,
            x + 6,
            y + 14,
            r#"font-size="12""#,
            &counts.iter().sum::<usize>().to_string(),
        );
    }
    let ly = 26 * count(rows.len()) + 22;
    for (i, sev) in SEVERITIES.iter().enumerate() {
        let x = 170 + 80 * count(i);
        let _ = write!(
            s,
            r#"<rect x="{x}" y="{}" width="12" height="12" fill="{}"/>"#,
            ly - 10,
            severity_colour(*sev)
        );
        text(&mut s, x + 16, ly, r#"font-size="12""#, sev.as_str());
    }
    s.push_str("</svg>");
    s
}

/// One cell of the access heat map.
pub struct Cell {
    pub label: &'static str,
    pub colour: &'static str,
    /// A short mark drawn in the cell, so the map also reads in black and white.
    pub mark: &'static str,
}

/// Principals (rows) by tasks (columns), each cell coloured and marked by its verdict.
pub fn heat_map(id: &str, caption: &str, columns: &[&str], rows: &[(String, Vec<Cell>)]) -> String {
    let mut s = String::new();
    let (col_w, left, top) = (96, 230, 58);
    let w = left + col_w * count(columns.len()) + 10;
    let h = top + 22 * count(rows.len()) + 10;
    open(
        &mut s,
        id,
        u32::try_from(w).unwrap_or(u32::MAX),
        u32::try_from(h).unwrap_or(u32::MAX),
        &format!("Who can do what: {caption}"),
        &format!(
            "{} principals by {} tasks; each cell gives the verdict as a mark and a colour, and as a tooltip.",
            rows.len(),
            columns.len()
        ),
    );
    for (j, c) in columns.iter().enumerate() {
        let x = left + col_w * count(j) + col_w / 2;
        // Two lines of at most ~14 characters keep long task names inside their column.
        let (a, b) = split_label(c);
        text(&mut s, x, 20, r#"text-anchor="middle" font-size="11""#, &a);
        text(&mut s, x, 34, r#"text-anchor="middle" font-size="11""#, &b);
    }
    for (i, (name, cells)) in rows.iter().enumerate() {
        let y = top + 22 * count(i);
        let short: String = if name.chars().count() > 32 {
            name.chars().take(31).collect::<String>() + "…"
        } else {
            name.clone()
        };
        text(&mut s, 0, y + 14, r#"font-size="12""#, &short);
        for (j, cell) in cells.iter().enumerate() {
            let x = left + col_w * count(j);
            let _ = write!(
                s,
                r#"<rect x="{}" y="{y}" width="{}" height="19" fill="{}"><title>{} — {}: {}</title></rect>"#,
                x + 2,
                col_w - 4,
                cell.colour,
                esc(name),
                esc(columns.get(j).copied().unwrap_or("")),
                cell.label
            );
            text(
                &mut s,
                x + col_w / 2,
                y + 14,
                r##"text-anchor="middle" font-size="11" fill="#fff" font-weight="700""##,
                cell.mark,
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn split_label(label: &str) -> (String, String) {
    let mut a = String::new();
    let mut b = String::new();
    for word in label.split_whitespace() {
        if b.is_empty() && a.chars().count() + word.chars().count() < 15 {
            if !a.is_empty() {
                a.push(' ');
            }
            a.push_str(word);
        } else {
            if !b.is_empty() {
                b.push(' ');
            }
            b.push_str(word);
        }
    }
    if b.chars().count() > 16 {
        b = b.chars().take(15).collect::<String>() + "…";
    }
    (a, b)
}

/// A dated mark on the timeline.
pub struct Event {
    pub date: Date,
    pub label: String,
    /// Doc dates are drawn small and unlabelled (their date is the tooltip); milestones big.
    pub milestone: bool,
}

/// Today, the dates of the documentation the rules rest on, and the retirement date.
pub fn timeline(id: &str, events: &[Event]) -> String {
    let mut s = String::new();
    let days: Vec<i64> = events.iter().map(|e| e.date.days_since_epoch()).collect();
    let (Some(min), Some(max)) = (days.iter().min(), days.iter().max()) else {
        return s;
    };
    let first_year = Date::from_days_since_epoch(*min).year;
    let last_year = Date::from_days_since_epoch(*max).year + 1;
    let start = Date::new(first_year, 1, 1).days_since_epoch();
    let end = Date::new(last_year, 1, 1).days_since_epoch();
    let (left, width) = (20, 760);
    let x_of = |d: i64| left + width * (d - start) / (end - start).max(1);
    let docs = events.iter().filter(|e| !e.milestone).count();
    let milestones: Vec<String> = events
        .iter()
        .filter(|e| e.milestone)
        .map(|e| format!("{} {}", e.label, e.date))
        .collect();
    open(
        &mut s,
        id,
        800,
        130,
        "Timeline of the rules and the retirement date",
        &format!(
            "{docs} documentation dates from {first_year} to {}; {}.",
            last_year - 1,
            milestones.join("; ")
        ),
    );
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="70" x2="{}" y2="70" stroke="#555" stroke-width="2"/>"##,
        left + width
    );
    for y in first_year..=last_year {
        let x = x_of(Date::new(y, 1, 1).days_since_epoch());
        let _ = write!(s, r##"<line x1="{x}" y1="64" x2="{x}" y2="76" stroke="#555"/>"##);
        text(&mut s, x, 92, r#"text-anchor="middle" font-size="11""#, &y.to_string());
    }
    let milestones: Vec<&Event> = events.iter().filter(|e| e.milestone).collect();
    if let (Some(a), Some(b)) = (milestones.first(), milestones.last()) {
        let (xa, xb) = (x_of(a.date.days_since_epoch()), x_of(b.date.days_since_epoch()));
        let _ = write!(
            s,
            r##"<rect x="{}" y="62" width="{}" height="16" fill="#ffcdd2"/>"##,
            xa.min(xb),
            (xb - xa).abs()
        );
    }
    for e in events.iter().filter(|e| !e.milestone) {
        let x = x_of(e.date.days_since_epoch());
        let _ = write!(
            s,
            r##"<circle cx="{x}" cy="70" r="4" fill="#1565c0" fill-opacity="0.6"><title>{}</title></circle>"##,
            esc(&format!("{}: {}", e.date, e.label))
        );
    }
    // Later milestones sit on higher rows, so no label is crossed by an earlier one's line.
    let rows = milestones.len();
    for (i, e) in milestones.iter().enumerate() {
        let x = x_of(e.date.days_since_epoch());
        let y = 22 + 18 * count(rows - 1 - i);
        let _ = write!(
            s,
            r##"<line x1="{x}" y1="{}" x2="{x}" y2="70" stroke="#b71c1c" stroke-width="2"/><circle cx="{x}" cy="70" r="6" fill="#b71c1c"/>"##,
            y + 4
        );
        let (anchor, dx) = if x > 400 { ("end", -6) } else { ("start", 6) };
        text(
            &mut s,
            x + dx,
            y + 4,
            &format!(r#"text-anchor="{anchor}" font-size="12" font-weight="700""#),
            &format!("{} {}", e.label, e.date),
        );
    }
    text(
        &mut s,
        left,
        118,
        r##"font-size="11" fill="#555""##,
        "Blue dots: dates of the documentation the applied rules cite (hover for the page).",
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(esc(r#"<a & "b" 'c'>"#), "&lt;a &amp; &quot;b&quot; &#39;c&#39;&gt;");
        assert_eq!(esc("bell\u{7}"), "bell");
        assert_eq!(esc("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
    }

    #[test]
    fn donut_says_its_figures_in_words_and_marks_blockers() {
        let d = donut("d1", "law-a", Score { passed: 3, total: 4 }, true);
        assert!(d.contains(r#"aria-labelledby="d1-t d1-d""#));
        assert!(d.contains("75 percent of 4 items passed"));
        assert!(d.contains(">75%</text>"));
        assert!(d.contains(">blocked</text>"));
        let empty = donut("d2", "x", Score::default(), false);
        assert!(empty.contains(">n/a</text>"));
        assert!(!empty.contains(PASSED));
    }

    #[test]
    fn long_task_names_split_into_two_short_lines() {
        let (a, b) = split_label("Connect (onboard) a workspace to the Defender portal");
        assert!(a.chars().count() <= 15 && b.chars().count() <= 16, "{a} / {b}");
        assert!(!a.is_empty() && !b.is_empty());
    }

    #[test]
    fn timeline_places_milestones_in_order() {
        let t = timeline(
            "t",
            &[
                Event {
                    date: Date::new(2024, 11, 26),
                    label: "fusion.md".into(),
                    milestone: false,
                },
                Event {
                    date: Date::new(2026, 11, 23),
                    label: "Today".into(),
                    milestone: true,
                },
                Event {
                    date: Date::new(2027, 3, 31),
                    label: "Azure portal retires".into(),
                    milestone: true,
                },
            ],
        );
        let today = t.find("Today 2026-11-23").unwrap_or(usize::MAX);
        let retire = t.find("Azure portal retires 2027-03-31").unwrap_or(usize::MAX);
        assert!(today < retire && retire != usize::MAX, "{t}");
        assert!(t.contains("1 documentation dates from 2024 to 2027"));
        assert!(timeline("e", &[]).is_empty());
    }
}
