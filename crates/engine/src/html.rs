//! The standalone HTML report: one file with its styles and SVG charts inline and no scripts,
//! well-formed as XML (so it can be checked by a parser), and laid out to print to a clean PDF.
//! The web app shows the same body and offers the same file as a download.

use std::fmt::Write as _;

use crate::check::{self, doc_url, Section};
use crate::date::Date;
use crate::difference;
use crate::evaluate::VerdictKind;
use crate::finding::{Finding, Severity};
use crate::guidance;
use crate::prerequisite::AZURE_PORTAL_RETIREMENT;
use crate::report::{Overall, Report};
use crate::score::{ItemStatus, WorkspaceScore};
use crate::svg::{self, esc, Cell, Event};

/// Rows of a workspace's access heat map; the rest are counted, and listed in the other views.
pub const HEAT_MAP_ROWS: usize = 40;
/// Objects listed under one finding.
const OBJECTS_SHOWN: usize = 50;

/// The class of the `div` the report's body sits in ([`Report::html_body`]; the web app
/// puts [`Report::html_body_parts`] in one too): every rule of the styles is scoped by it.
pub const BODY_CLASS: &str = "sr-report";

const STYLE: &str = r#"
.sr-report{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;max-width:1100px;margin:0 auto;padding:0 16px}
.sr-report h1{font-size:26px;margin:18px 0 4px}
.sr-report h2{font-size:20px;margin:28px 0 8px;border-bottom:2px solid #e0e0e0;padding-bottom:4px}
.sr-report h3{font-size:16px;margin:18px 0 6px}
.sr-report .meta{color:#555;margin:0 0 8px}
.sr-report nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}
.sr-report a{color:#0b57d0}
.sr-report .row{display:flex;flex-wrap:wrap;gap:18px;align-items:center}
.sr-report .chart{max-width:100%;height:auto}
.sr-report table{border-collapse:collapse;width:100%;margin:6px 0 12px;font-size:13px}
.sr-report th,.sr-report td{border:1px solid #d0d0d0;padding:4px 6px;text-align:left;vertical-align:top}
.sr-report th{background:#f3f3f3}
.sr-report .blockers{border:2px solid #c62828;background:#fdecea;padding:8px 12px;margin:10px 0}
.sr-report .blockers h3{margin:0 0 4px;color:#b71c1c}
.sr-report .badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;font-weight:700;color:#fff;background:#616161}
.sr-report .overall-ready{background:#2e7d32}.sr-report .overall-ready-with-warnings{background:#e65100}.sr-report .overall-blocked{background:#b71c1c}
.sr-report .sev-high{background:#b71c1c}.sr-report .sev-medium{background:#e65100}.sr-report .sev-low{background:#f9a825;color:#1b1b1b}.sr-report .sev-info{background:#1565c0}
.sr-report .st-passed{color:#2e7d32;font-weight:700}.sr-report .st-info{color:#1565c0;font-weight:700}.sr-report .st-needs-work{color:#b71c1c;font-weight:700}.sr-report .st-to-confirm{color:#8d6e00;font-weight:700}
.sr-report .helper{background:#6a1b9a}
.sr-report article{border-left:4px solid #d0d0d0;padding:2px 0 2px 12px;margin:12px 0}
.sr-report .small{font-size:12px;color:#555}
.sr-report details summary{cursor:pointer}
@media print{
 @page{margin:14mm}
 .sr-report{max-width:none;padding:0;font-size:10.5pt}
 .sr-report table{font-size:9pt}
 .sr-report nav{display:none}
 .sr-report .workspace,.sr-report #mssp{break-before:page}
 .sr-report svg,.sr-report article,.sr-report tr,.sr-report .blockers{break-inside:avoid}
 .sr-report details>*{display:block}
 .sr-report a{color:inherit}
}
"#;

/// Sorts digit runs by value, so `law-2` comes before `law-10`.
fn natural_key(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut digits = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            if !digits.is_empty() {
                key.push((std::mem::take(&mut text), digits.parse().unwrap_or(u64::MAX)));
                digits.clear();
            }
            text.push(c);
        }
    }
    key.push((text, digits.parse().unwrap_or(0)));
    key
}

fn status_class(s: ItemStatus) -> &'static str {
    match s {
        ItemStatus::Passed => "st-passed",
        ItemStatus::Info => "st-info",
        ItemStatus::NeedsWork => "st-needs-work",
        ItemStatus::ToConfirm => "st-to-confirm",
    }
}

fn verdict_cell(v: Option<VerdictKind>) -> Cell {
    match v {
        Some(VerdictKind::Allowed) => Cell {
            label: "allowed",
            colour: "#2e7d32",
            mark: "yes",
        },
        Some(VerdictKind::Equivalent) => Cell {
            label: "equivalent",
            colour: "#558b2f",
            mark: "eq",
        },
        Some(VerdictKind::Conditional) => Cell {
            label: "conditional",
            colour: "#8d6e00",
            mark: "cond",
        },
        Some(VerdictKind::Eligible) => Cell {
            label: "eligible (PIM)",
            colour: "#e65100",
            mark: "PIM",
        },
        Some(VerdictKind::Unknown) => Cell {
            label: "unknown",
            colour: "#616161",
            mark: "?",
        },
        Some(VerdictKind::Denied) => Cell {
            label: "denied",
            colour: "#b71c1c",
            mark: "deny",
        },
        Some(VerdictKind::NotAllowed) | None => Cell {
            label: "not allowed",
            colour: "#e0e0e0",
            mark: "",
        },
    }
}

/// Column heads for the heat map: the task titles are too long for a column.
fn short_task(id: &str) -> Option<&'static str> {
    Some(match id {
        "connect-workspace" => "Connect workspace",
        "view-sentinel" => "See Sentinel",
        "query-and-view-incidents" => "Query data, view incidents",
        "investigate-incidents" => "Investigate incidents",
        "create-support-request" => "Open support request",
        _ => return None,
    })
}

fn area_of(f: &Finding) -> &'static str {
    difference::get(&f.id)
        .map(|d| d.area)
        .unwrap_or_else(|| f.section.as_str())
}

fn anchor(ws: Option<usize>) -> String {
    ws.map(|i| format!("ws-{i}")).unwrap_or_else(|| "ws-unstated".into())
}

fn role_label(ws: &WorkspaceScore) -> &'static str {
    ws.role().unwrap_or("—")
}

/// Links each source to its public page, with the doc date where the rule records one.
fn doc_links(s: &mut String, sources: &[(&str, Option<Date>)]) {
    let mut seen: Vec<String> = Vec::new();
    s.push_str("<p class=\"small\">Documentation: ");
    for (i, (src, date)) in sources.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        let label = match date {
            Some(d) => format!("{src} ({d})"),
            None => src.to_string(),
        };
        match doc_url(src) {
            Some(u) if !seen.contains(&u) => {
                let _ = write!(s, "<a href=\"{}\">{}</a>", esc(&u), esc(&label));
                seen.push(u);
            }
            _ => s.push_str(&esc(&label)),
        }
    }
    s.push_str("</p>");
}

fn blockers_box(s: &mut String, blockers: &[String]) {
    if blockers.is_empty() {
        return;
    }
    let _ = write!(
        s,
        "<div class=\"blockers\" role=\"alert\"><h3>Blocked: {} prerequisite(s) failed</h3><ul>",
        blockers.len()
    );
    for b in blockers {
        let _ = write!(s, "<li>{}</li>", esc(b));
    }
    s.push_str("</ul></div>");
}

impl Report {
    /// A complete, standalone HTML document.
    pub fn to_html(&self) -> String {
        let mut s = String::with_capacity(64 * 1024);
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>Sentinel readiness report — {}</title><style>{STYLE}</style></head><body>",
            self.rules.evaluated_on
        );
        s.push_str(&self.html_body());
        s.push_str("</body></html>\n");
        s
    }

    /// The report as one `<div class="sr-report">`, styles included: the standalone file's
    /// body, and what the web app shows ([`Report::html_body_parts`] inside that `div`).
    pub fn html_body(&self) -> String {
        let parts = self.html_body_parts();
        let mut s = String::with_capacity(parts.iter().map(String::len).sum::<usize>() + 32);
        let _ = write!(s, "<div class=\"{BODY_CLASS}\">");
        for part in &parts {
            s.push_str(part);
        }
        s.push_str("</div>");
        s
    }

    /// The report's body in the order it is read: the styles, header, overview and workspace
    /// table first, then each workspace's section, then the timeline, the guidance and the
    /// method. The web app adds them to the page a few at a time: a 50-workspace report's
    /// body is about a megabyte, and parsing it in one go held the page's thread past 50 ms.
    pub fn html_body_parts(&self) -> Vec<String> {
        let ordered = self.ordered();
        let mut parts = Vec::with_capacity(ordered.len() + 2);
        let mut s = String::with_capacity(64 * 1024);
        let _ = write!(s, "<style>{STYLE}</style>");
        self.html_header(&mut s);
        self.html_overview(&mut s);
        self.html_workspace_table(&mut s);
        parts.push(s);
        for (i, ws) in ordered {
            let mut s = String::with_capacity(16 * 1024);
            self.html_workspace(&mut s, i, ws);
            parts.push(s);
        }
        let mut s = String::with_capacity(16 * 1024);
        self.html_timeline(&mut s);
        // `latest` is no date: the rules in force today.
        html_guidance(&mut s, Date::parse(&self.rules.as_of).ok());
        self.html_method(&mut s);
        parts.push(s);
        parts
    }

    /// Workspaces in natural name order (law-2 before law-10); unplaced objects last.
    fn ordered(&self) -> Vec<(usize, &WorkspaceScore)> {
        let mut list: Vec<(usize, &WorkspaceScore)> = self.scores.workspaces.iter().enumerate().collect();
        crate::order::sort_by_key(&mut list, |(_, w)| (w.workspace.is_none(), natural_key(&w.name)));
        list
    }

    fn ws_index(&self, ws: &WorkspaceScore) -> Option<usize> {
        ws.workspace
            .as_ref()
            .and_then(|w| self.workspaces.iter().position(|x| &x.id == w))
    }

    fn html_header(&self, s: &mut String) {
        let _ = write!(
            s,
            "<header><h1>Microsoft Sentinel → Defender portal readiness</h1><p class=\"meta\">Rules: {} · evaluated on {} · {} input file(s) · report schema {}</p><nav aria-label=\"Report sections\"><ul><li><a href=\"#overview\">Overview</a></li><li><a href=\"#workspaces\">Workspaces</a></li>",
            if self.rules.as_of == "latest" {
                "latest documented".to_string()
            } else {
                format!("as documented on {}", esc(&self.rules.as_of))
            },
            self.rules.evaluated_on,
            self.inputs.len(),
            self.schema_version
        );
        for (_, ws) in self.ordered() {
            let _ = write!(
                s,
                "<li><a href=\"#{}\">{}</a></li>",
                anchor(self.ws_index(ws)),
                esc(&ws.name)
            );
        }
        s.push_str("<li><a href=\"#timeline\">Timeline</a></li><li><a href=\"#mssp\">Multi-tenant and MSSP</a></li><li><a href=\"#method\">How to read this</a></li></ul></nav></header>");
    }

    /// A report trimmed for the page: no per-principal verdicts, though the tasks' lists name
    /// who can. Its counts of principals would read as "nobody".
    fn detail_omitted(&self) -> bool {
        self.principals.is_empty() && self.tasks.iter().any(|t| !t.qualified.is_empty())
    }

    fn html_overview(&self, s: &mut String) {
        let overall = self.summary.overall;
        // With every verdict listed, `not-allowed` ones are there too: they are no access.
        let with_access = self
            .principals
            .iter()
            .filter(|p| p.tasks.iter().any(|v| v.verdict != VerdictKind::NotAllowed))
            .count();
        let who = match self.detail_omitted() {
            true => "per-principal verdicts left out (see the caveats)".to_string(),
            false => format!("{with_access} principal(s) with access to at least one task"),
        };
        let _ = write!(
            s,
            "<section id=\"overview\"><h2>Overview</h2><p>Overall: <span class=\"badge overall-{}\">{}</span> · {} workspace(s) · {} finding(s) · {who}</p>",
            overall.as_str(),
            match overall {
                Overall::Ready => "ready",
                Overall::ReadyWithWarnings => "ready with warnings",
                Overall::Blocked => "blocked",
            },
            self.workspaces.len(),
            self.findings.len(),
        );
        blockers_box(s, &self.summary.blockers);
        s.push_str("<div class=\"row\">");
        s.push_str(&svg::donut(
            "chart-overall",
            "all workspaces",
            self.scores.overall,
            overall == Overall::Blocked,
        ));
        let rows: Vec<(&str, crate::score::Score)> = Section::ALL
            .iter()
            .map(|sec| (sec.title(), self.scores.sections.get(sec).copied().unwrap_or_default()))
            .collect();
        s.push_str(&svg::score_bars(
            "chart-sections",
            "Score per section, all workspaces",
            &rows,
        ));
        s.push_str("</div><h3>Findings by area and severity</h3>");
        // Areas in order with their counts per severity: a short list, no B-tree code.
        let mut rows: Vec<(String, [usize; 4])> = Vec::new();
        for f in &self.findings {
            let slot = match f.severity {
                Severity::High => 0,
                Severity::Medium => 1,
                Severity::Low => 2,
                Severity::Info => 3,
            };
            let area = area_of(f);
            let at = match rows.iter().position(|(a, _)| a == area) {
                Some(at) => at,
                None => {
                    rows.push((area.to_string(), [0; 4]));
                    rows.len() - 1
                }
            };
            if let Some(c) = rows.get_mut(at).and_then(|(_, counts)| counts.get_mut(slot)) {
                *c += 1;
            }
        }
        crate::order::sort_by(&mut rows, |a, b| a.0.cmp(&b.0));
        s.push_str(&svg::severity_bars("chart-findings", &rows));
        s.push_str("</section>");
    }

    fn html_workspace_table(&self, s: &mut String) {
        s.push_str("<section id=\"workspaces\"><h2>Workspaces</h2><table><thead><tr><th>Workspace</th><th>Role</th><th>Score</th><th>Blockers</th><th>High findings</th>");
        for &sec in Section::ALL {
            let _ = write!(s, "<th>{}</th>", sec.as_str());
        }
        s.push_str("</tr></thead><tbody>");
        for (_, ws) in self.ordered() {
            let _ = write!(
                s,
                "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                anchor(self.ws_index(ws)),
                esc(&ws.name),
                role_label(ws),
                ws.score.label(),
                if ws.blockers.is_empty() {
                    "0".to_string()
                } else {
                    format!("<strong class=\"st-needs-work\">{}</strong>", ws.blockers.len())
                },
                ws.findings_high
            );
            for &sec in Section::ALL {
                let sc = ws.sections.get(&sec).copied().unwrap_or_default();
                let _ = write!(
                    s,
                    "<td>{}</td>",
                    sc.percent().map(|p| format!("{p}%")).unwrap_or_else(|| "n/a".into())
                );
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody></table></section>");
    }

    fn html_workspace(&self, s: &mut String, n: usize, ws: &WorkspaceScore) {
        let idx = self.ws_index(ws);
        let _ = write!(
            s,
            "<section class=\"workspace\" id=\"{}\"><h2>Workspace {} <span class=\"small\">({})</span></h2>",
            anchor(idx),
            esc(&ws.name),
            role_label(ws)
        );
        if let Some(w) = &ws.workspace {
            let _ = write!(
                s,
                "<p class=\"small\"><code>{}</code> · <a href=\"https://portal.azure.com/#resource{}/overview\">Open in the Azure portal</a> · <a href=\"https://security.microsoft.com/\">Open the Defender portal</a></p>",
                esc(w.as_str()),
                esc(w.as_str())
            );
        } else {
            s.push_str("<p class=\"small\">Objects whose export did not say which workspace they belong to.</p>");
        }
        blockers_box(s, &ws.blockers);
        s.push_str("<div class=\"row\">");
        s.push_str(&svg::donut(
            &format!("chart-ws{n}"),
            &ws.name,
            ws.score,
            !ws.blockers.is_empty(),
        ));
        let rows: Vec<(&str, crate::score::Score)> = Section::ALL
            .iter()
            .map(|sec| (sec.title(), ws.sections.get(sec).copied().unwrap_or_default()))
            .collect();
        s.push_str(&svg::score_bars(
            &format!("chart-ws{n}-sections"),
            &format!("Score per section, {}", ws.name),
            &rows,
        ));
        s.push_str("</div>");
        let findings: Vec<&Finding> = self.findings.iter().filter(|f| f.workspace == ws.workspace).collect();
        for &sec in Section::ALL {
            let items: Vec<_> = ws.items.iter().filter(|i| i.section == sec).collect();
            let sec_findings: Vec<&&Finding> = findings.iter().filter(|f| f.section == sec).collect();
            if items.is_empty() && sec_findings.is_empty() {
                continue;
            }
            let sc = ws.sections.get(&sec).copied().unwrap_or_default();
            let fix = sec.fix();
            let _ = write!(
                s,
                "<h3>{} — {}</h3><p class=\"small\">Fixed in the <a href=\"{}\">{}</a>: {}</p>",
                sec.title(),
                sc.label(),
                fix.portal.url(),
                fix.portal.title(),
                esc(fix.path)
            );
            if !items.is_empty() {
                s.push_str("<table><thead><tr><th>Status</th><th>Item</th><th>Why</th></tr></thead><tbody>");
                for it in items {
                    let because: Vec<String> = it
                        .because
                        .iter()
                        .map(|b| {
                            if findings.iter().any(|f| f.id == *b) {
                                format!("<a href=\"#{}-{}\">{}</a>", anchor(idx), esc(b), esc(b))
                            } else {
                                esc(b)
                            }
                        })
                        .collect();
                    let _ =
                        write!(
                        s,
                        "<tr><td class=\"{}\">{}</td><td>{} <span class=\"small\">{}</span></td><td>{}{}{}</td></tr>",
                        status_class(it.status),
                        it.status.as_str(),
                        esc(&it.name),
                        esc(&it.kind),
                        because.join(", "),
                        if because.is_empty() || it.note.is_empty() { "" } else { " — " },
                        esc(&it.note)
                    );
                }
                s.push_str("</tbody></table>");
            }
            for f in sec_findings {
                html_finding(s, &anchor(idx), f);
            }
        }
        if let Some(w) = &ws.workspace {
            self.html_heat_map(s, n, w, &ws.name);
        }
        s.push_str("</section>");
    }

    fn html_heat_map(&self, s: &mut String, n: usize, ws: &crate::scope::Scope, name: &str) {
        let mut tasks: Vec<(&str, &str)> = Vec::new();
        for o in self.tasks.iter().filter(|o| &o.workspace == ws) {
            if !tasks.iter().any(|(id, _)| *id == o.task) {
                tasks.push((&o.task, &o.title));
            }
        }
        if tasks.is_empty() {
            return;
        }
        let with_access: Vec<_> = self
            .principals
            .iter()
            .filter(|p| {
                p.tasks
                    .iter()
                    .any(|v| &v.workspace == ws && v.verdict != VerdictKind::NotAllowed)
            })
            .collect();
        let rows: Vec<(String, Vec<Cell>)> = with_access
            .iter()
            .take(HEAT_MAP_ROWS)
            .map(|p| {
                let cells = tasks
                    .iter()
                    .map(|(id, _)| {
                        verdict_cell(
                            p.tasks
                                .iter()
                                .find(|v| &v.workspace == ws && v.task == *id)
                                .map(|v| v.verdict),
                        )
                    })
                    .collect();
                (p.display_name.clone(), cells)
            })
            .collect();
        let _ = write!(s, "<h3>Access — who can do what in {}</h3>", esc(name));
        if rows.is_empty() {
            // A report trimmed for the page has no per-principal verdicts, though the tasks'
            // lists name who can: "nobody" would be false.
            s.push_str(match self.detail_omitted() {
                true => "<p>Per-principal verdicts are not in this report (see the caveats); the Access score above counts who can do each task.</p>",
                false => "<p>Nobody in the exports can do any task here.</p>",
            });
            return;
        }
        let titles: Vec<&str> = tasks.iter().map(|(id, t)| short_task(id).unwrap_or(t)).collect();
        s.push_str(&svg::heat_map(&format!("chart-ws{n}-access"), name, &titles, &rows));
        s.push_str("<p class=\"small\">yes = allowed · eq = allowed through an equivalent role · PIM = eligible, needs activation · cond = depends on a condition · ? = could not be decided · deny = a deny assignment blocks it · blank = not allowed.");
        if with_access.len() > HEAT_MAP_ROWS {
            let _ = write!(
                s,
                " Showing the first {HEAT_MAP_ROWS} of {} principals with access; the JSON and CSV reports list them all.",
                with_access.len()
            );
        }
        s.push_str("</p>");
    }

    fn html_timeline(&self, s: &mut String) {
        // Each date with what changed on it, dates in order: a short list, no B-tree code.
        fn add<'s>(dates: &mut Vec<(Date, Vec<&'s str>)>, date: Date, what: &'s str) {
            match dates.iter_mut().find(|(d, _)| *d == date) {
                Some((_, list)) => list.push(what),
                None => dates.push((date, vec![what])),
            }
        }
        let mut dates: Vec<(Date, Vec<&str>)> = Vec::new();
        let finding_sources = self
            .findings
            .iter()
            .filter_map(|f| check::rule(&f.id, None))
            .flat_map(|r| r.sources);
        for src in finding_sources {
            if let Some(d) = src.date {
                add(&mut dates, d, src.path);
            }
        }
        let applied = crate::prerequisite::CHECKS
            .iter()
            .filter(|p| self.prerequisites.iter().any(|r| r.id == p.id));
        for r in applied.flat_map(|p| p.sources.iter()) {
            add(&mut dates, r.doc_date, r.path);
        }
        for o in &self.tasks {
            add(&mut dates, o.rules_since, &o.title);
        }
        crate::order::sort_by(&mut dates, |a, b| a.0.cmp(&b.0));
        let mut events: Vec<Event> = dates
            .into_iter()
            .map(|(date, mut paths)| {
                crate::order::sort(&mut paths);
                paths.dedup();
                Event {
                    date,
                    label: paths.join(", "),
                    milestone: false,
                }
            })
            .collect();
        events.push(Event {
            date: self.rules.evaluated_on,
            label: "Today".into(),
            milestone: true,
        });
        events.push(Event {
            date: AZURE_PORTAL_RETIREMENT,
            label: "Azure portal retires".into(),
            milestone: true,
        });
        s.push_str("<section id=\"timeline\"><h2>Timeline</h2>");
        s.push_str(&svg::timeline("chart-timeline", &events));
        s.push_str("</section>");
    }

    fn html_method(&self, s: &mut String) {
        s.push_str("<section id=\"method\"><h2>How to read this report</h2>");
        s.push_str("<p>Each workspace's score is the share of items that passed: <strong>score = floor(100 × passed ÷ total)</strong>. Items are the prerequisites, one per task (passed when at least one principal may do it), and every exported table, connector, workspace and rule that a check examined (passed when no finding above <em>info</em> names it). Informational items count as passed; items the exports cannot decide count as not passed. A section with nothing to examine shows n/a. Blockers are listed above every score and are never averaged away.</p>");
        s.push_str("<p>Checks marked <span class=\"badge helper\">helper-only</span> come from Microsoft's PowerShell Defender Adoption Helper without support in Microsoft documentation; they never rate above low.</p>");
        if !self.caveats.is_empty() {
            s.push_str("<h3>Caveats</h3><ul>");
            for c in &self.caveats {
                let _ = write!(s, "<li>{}</li>", esc(c));
            }
            s.push_str("</ul>");
        }
        s.push_str("<h3>Inputs</h3><ul>");
        for i in &self.inputs {
            let _ = write!(
                s,
                "<li>{} — {} ({} records)</li>",
                esc(&i.path),
                esc(&i.format_label),
                i.records
            );
        }
        for e in &self.errors {
            let _ = write!(s, "<li>{} — error: {}</li>", esc(&e.path), esc(&e.to_string()));
        }
        s.push_str("</ul></section>");
    }
}

fn html_finding(s: &mut String, ws_anchor: &str, f: &Finding) {
    let _ = write!(
        s,
        "<article id=\"{ws_anchor}-{}\"><h4>{} <span class=\"badge sev-{}\">{}</span>{} <span class=\"small\"><code>{}</code></span></h4><p>{}</p><ul>",
        esc(&f.id),
        esc(&f.title),
        f.severity.as_str(),
        f.severity.as_str(),
        if f.basis == check::Basis::HelperOnly {
            " <span class=\"badge helper\">helper-only</span>"
        } else {
            ""
        },
        esc(&f.id),
        esc(&f.detail)
    );
    for o in f.objects.iter().take(OBJECTS_SHOWN) {
        let _ = write!(
            s,
            "<li>{} <strong>{}</strong>{}{}</li>",
            esc(&o.kind),
            esc(&o.name),
            if o.detail.is_empty() { "" } else { " — " },
            esc(&o.detail)
        );
    }
    if f.objects.len() > OBJECTS_SHOWN {
        let _ = write!(s, "<li>… and {} more</li>", f.objects.len() - OBJECTS_SHOWN);
    }
    let fix = f.section.fix();
    let _ = write!(
        s,
        "</ul><p><strong>What to do:</strong> {} <span class=\"small\">Fix in the <a href=\"{}\">{}</a>: {}</span></p>",
        esc(&f.action),
        fix.portal.url(),
        fix.portal.title(),
        esc(fix.path)
    );
    // The rule's own list carries the doc dates; the finding's copy is only paths.
    let dated: Vec<(&str, Option<Date>)> = match check::rule(&f.id, None) {
        Some(r) => r.sources.iter().map(|x| (x.path, x.date)).collect(),
        None => f.sources.iter().map(|x| (x.as_str(), None)).collect(),
    };
    doc_links(s, &dated);
    s.push_str("</article>");
}

/// The multi-tenant and MSSP guidance on its own, as a standalone HTML document (`full`) or
/// as a `<div class="sr-report">` for the web app. Needs no exports.
pub fn guidance_page(as_of: Option<Date>, full: bool) -> String {
    let mut s = String::new();
    if full {
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Sentinel in the Defender portal: multi-tenant and MSSP set-ups</title><style>{STYLE}</style></head><body>"
        );
    }
    let _ = write!(s, "<div class=\"{BODY_CLASS}\"><style>{STYLE}</style>");
    html_guidance(&mut s, as_of);
    s.push_str("</div>");
    if full {
        s.push_str("</body></html>\n");
    }
    s
}

fn html_guidance(s: &mut String, as_of: Option<Date>) {
    s.push_str("<section id=\"mssp\"><h2>Multi-tenant and MSSP set-ups</h2><p>Providers and organisations with several tenants choose how their people reach each customer's Sentinel once it lives in the Defender portal. The choices, each resting on a catalogue entry below:</p><table><thead><tr><th>Access model</th><th>What changes</th><th>Rests on</th></tr></thead><tbody>");
    for m in guidance::MODELS {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td><a href=\"#g-{}\">{}</a></td></tr>",
            esc(m.name),
            esc(m.summary),
            m.rests_on,
            m.rests_on
        );
    }
    s.push_str("</tbody></table>");
    for d in guidance::entries(as_of) {
        let _ = write!(
            s,
            "<article id=\"g-{}\"><h4>{} <span class=\"small\"><code>{}</code> · since {}</span></h4><p><strong>Azure portal:</strong> {}</p><p><strong>Defender portal:</strong> {}</p><p><strong>What to do:</strong> {}</p>",
            d.id,
            esc(d.title),
            d.id,
            d.since,
            esc(d.azure),
            esc(d.defender),
            esc(d.action)
        );
        let dated: Vec<(&str, Option<Date>)> = d.sources.iter().map(|r| (r.path, r.date)).collect();
        doc_links(s, &dated);
        s.push_str("</article>");
    }
    s.push_str("</section>");
}

#[cfg(test)]
mod tests {
    use super::natural_key;

    #[test]
    fn workspace_names_sort_naturally() {
        let mut names = vec!["law-10", "law-2", "abc-9", "LAW-1", "law-soc"];
        names.sort_by_key(|n| natural_key(n));
        assert_eq!(names, ["abc-9", "LAW-1", "law-2", "law-10", "law-soc"]);
    }

    #[test]
    fn body_parts_are_the_body_cut_at_workspace_sections() {
        let loaded = crate::load(crate::sample::SAMPLE_FILES.iter().map(|(n, t)| (*n, t.as_bytes())));
        let opts = crate::ReportOptions {
            workspaces: vec![],
            as_of: None,
            today: crate::sample::SAMPLE_DATE,
            all_verdicts: false,
            primary: None,
            threads: 1,
        };
        let report = crate::build(&loaded, &opts).unwrap();
        let parts = report.html_body_parts();
        // The overview and table, one part per workspace, then the timeline, guidance and method.
        assert_eq!(parts.len(), report.scores.workspaces.len() + 2);
        assert!(parts[0].starts_with("<style>") && parts[0].contains("id=\"workspaces\""));
        assert!(
            parts[1..parts.len() - 1].iter().all(|p| p.starts_with("<section")),
            "{:?}",
            &parts[1][..40]
        );
        assert!(parts[parts.len() - 1].contains("id=\"timeline\""));
        assert_eq!(
            report.html_body(),
            format!("<div class=\"sr-report\">{}</div>", parts.concat())
        );
    }
}
