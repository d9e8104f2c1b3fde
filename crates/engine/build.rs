//! Turns the bundled built-in role file into static Rust data, so the Wasm build
//! carries no JSON parse of 1 MB at start-up and no role descriptions it never shows.
use std::fmt::Write as _;
use std::path::PathBuf;

// The engine's own pattern matching, so the pruning below asks exactly the evaluator's question.
#[allow(dead_code)]
#[path = "src/action.rs"]
mod action;
use action::ActionPattern;

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    id: String,
    role_name: String,
    #[serde(default)]
    assignable_scopes: Vec<String>,
    permissions: Vec<Block>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct Block {
    #[serde(default)]
    actions: Vec<String>,
    #[serde(default)]
    not_actions: Vec<String>,
    #[serde(default)]
    data_actions: Vec<String>,
    #[serde(default)]
    not_data_actions: Vec<String>,
    #[serde(default)]
    condition: Option<String>,
}

/// A GUID's 16 bytes, in the order its hex digits are written (not Microsoft's mixed-endian
/// layout: role.rs only needs the text back).
fn guid_bytes(id: &str) -> Result<Vec<u8>, Box<dyn std::error::Error>> {
    let hex: String = id.chars().filter(|c| *c != '-').collect();
    let dashes = id.char_indices().filter(|(_, c)| *c == '-').map(|(i, _)| i);
    if id.len() != 36 || hex.len() != 32 || !dashes.eq([8, 13, 18, 23]) {
        return Err(format!("built-in role id `{id}` is not a GUID").into());
    }
    (0..16)
        .map(|i| Ok(u8::from_str_radix(hex.get(2 * i..2 * i + 2).ok_or("short GUID")?, 16)?))
        .collect()
}

/// Resource providers whose permissions the tasks and their named roles use (see
/// `src/task.rs`); built-in roles keep only these Actions and DataActions.
const KEPT_PROVIDERS: &[&str] = &[
    "microsoft.authorization",
    "microsoft.blueprint",
    "microsoft.compute",
    "microsoft.insights",
    "microsoft.operationalinsights",
    "microsoft.operationsmanagement",
    "microsoft.purview",
    "microsoft.resources",
    "microsoft.securityinsights",
    "microsoft.subscription",
    "microsoft.support",
];

/// One entry of `data/differences/*.toml` (the catalogue of portal differences).
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Difference {
    id: String,
    title: String,
    area: String,
    impact: String,
    impact_secondary: Option<String>,
    azure: String,
    defender: String,
    action: String,
    evidence: String,
    export_evidence: bool,
    question: String,
    phase: String,
    persona: String,
    since: String,
    until: Option<String>,
    unverified: Option<bool>,
    #[serde(default)]
    keywords: Vec<String>,
    sources: Vec<Source>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Source {
    path: String,
    date: Option<String>,
}

#[derive(serde::Deserialize)]
struct CatalogueFile {
    difference: Vec<Difference>,
}

/// `text`, when it holds none of the separators the generated tables use.
fn clean(text: &str) -> Result<&str, Box<dyn std::error::Error>> {
    if text.chars().any(|c| ('\u{1c}'..='\u{1f}').contains(&c)) {
        return Err(format!("`{text}` contains a separator character").into());
    }
    Ok(text)
}

/// Areas in the order the catalogue presents them; also emitted as `difference::AREAS`.
const AREAS: &[&str] = &[
    "analytics",
    "incidents",
    "automation",
    "hunting",
    "threat-intel",
    "entities/UEBA",
    "content-management",
    "data-connectors",
    "api",
    "rbac",
    "multi-workspace",
    "workbooks",
    "other",
];

fn date_expr(text: &str, what: &str) -> Result<String, Box<dyn std::error::Error>> {
    let parts: Vec<&str> = text.split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => Ok(format!(
            "Date::new({},{},{})",
            y.parse::<i32>()?,
            m.parse::<u8>()?,
            d.parse::<u8>()?
        )),
        _ => Err(format!("{what}: `{text}` is not YYYY-MM-DD").into()),
    }
}

fn differences() -> Result<String, Box<dyn std::error::Error>> {
    let dir = PathBuf::from("data/differences");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut all: Vec<Difference> = Vec::new();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    for path in paths {
        println!("cargo:rerun-if-changed={}", path.display());
        let file: CatalogueFile =
            toml::from_str(&std::fs::read_to_string(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        all.extend(file.difference);
    }
    all.sort_by_key(|d| AREAS.iter().position(|a| *a == d.area).unwrap_or(AREAS.len()));
    let mut out = String::from("/// The catalogue's areas, in its order.\npub const AREAS: &[&str] = &[");
    for a in AREAS {
        write!(out, "{a:?},")?;
    }
    out.push_str("];\n");
    // One text with control-character separators, split by difference.rs on first use:
    // static structs would carry a pointer and a length per text (about 18 KB of tables
    // that compress badly). Entries \x1c, fields \x1d, list items \x1f, a source's path
    // and date \x1e.
    let mut table = String::new();
    for d in &all {
        if !table.is_empty() {
            table.push('\u{1c}');
        }
        // Checked here so that difference.rs, which splits the text, never meets a bad one.
        date_expr(&d.since, &d.id)?;
        if let Some(until) = &d.until {
            date_expr(until, &d.id)?;
        }
        variant(&d.phase, &d.id)?;
        variant(&d.persona, &d.id)?;
        let flag = |b: bool| if b { "1" } else { "" }.to_string();
        let sources: Vec<String> = d
            .sources
            .iter()
            .map(|s| {
                if let Some(date) = &s.date {
                    date_expr(date, &d.id)?;
                }
                Ok(format!(
                    "{}\u{1e}{}",
                    clean(&s.path)?,
                    s.date.as_deref().unwrap_or_default()
                ))
            })
            .collect::<Result<_, Box<dyn std::error::Error>>>()?;
        let keywords: Vec<&str> = d.keywords.iter().map(|k| clean(k)).collect::<Result<_, _>>()?;
        let fields = [
            clean(&d.id)?.to_string(),
            clean(&d.title)?.to_string(),
            clean(&d.area)?.to_string(),
            clean(&d.impact)?.to_string(),
            clean(d.impact_secondary.as_deref().unwrap_or_default())?.to_string(),
            clean(&d.azure)?.to_string(),
            clean(&d.defender)?.to_string(),
            clean(&d.action)?.to_string(),
            clean(&d.evidence)?.to_string(),
            flag(d.export_evidence),
            clean(&d.question)?.to_string(),
            d.phase.clone(),
            d.persona.clone(),
            d.since.clone(),
            d.until.clone().unwrap_or_default(),
            flag(d.unverified.unwrap_or(false)),
            keywords.join("\u{1f}"),
            sources.join("\u{1f}"),
        ];
        table.push_str(&fields.join("\u{1d}"));
    }
    writeln!(out, "pub(crate) static DIFFERENCES_TEXT: &str = {table:?};")?;
    Ok(out)
}

/// One entry of `data/checks.toml`: a check of Microsoft's adoption helper that no catalogue
/// entry covers on its own.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    id: String,
    title: String,
    section: String,
    basis: String,
    action: String,
    sources: Vec<Source>,
}

#[derive(serde::Deserialize)]
struct ChecksFile {
    check: Vec<Check>,
}

fn source_list(sources: &[Source], id: &str) -> Result<String, Box<dyn std::error::Error>> {
    let items: Vec<String> = sources
        .iter()
        .map(|s| {
            Ok(format!(
                "SourceRef{{path:{:?},date:{}}}",
                s.path,
                match &s.date {
                    Some(t) => format!("Some({})", date_expr(t, id)?),
                    None => "None".into(),
                }
            ))
        })
        .collect::<Result<_, Box<dyn std::error::Error>>>()?;
    Ok(format!("&[{}]", items.join(",")))
}

fn checks() -> Result<String, Box<dyn std::error::Error>> {
    let path = PathBuf::from("data/checks.toml");
    println!("cargo:rerun-if-changed={}", path.display());
    let file: ChecksFile =
        toml::from_str(&std::fs::read_to_string(&path)?).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = String::from("pub(crate) static PARITY_CHECKS: &[ParityCheck] = &[\n");
    for c in &file.check {
        let section = match c.section.as_str() {
            "data" => "Data",
            "analytics" => "Analytics",
            "automation" => "Automation",
            "access" => "Access",
            "prerequisites" => "Prerequisites",
            other => return Err(format!("{}: unknown section `{other}`", c.id).into()),
        };
        let basis = match c.basis.as_str() {
            "documented" => "Documented",
            "helper" => "HelperOnly",
            other => return Err(format!("{}: unknown basis `{other}`", c.id).into()),
        };
        writeln!(
            out,
            "ParityCheck{{id:{:?},title:{:?},section:Section::{section},basis:Basis::{basis},action:{:?},sources:{}}},",
            c.id,
            c.title,
            c.action,
            source_list(&c.sources, &c.id)?
        )?;
    }
    out.push_str("];\n");
    Ok(out)
}

/// `configure` → `Configure`: the enum variant for a phase or persona value.
fn variant(value: &str, id: &str) -> Result<String, Box<dyn std::error::Error>> {
    let known = [
        "plan",
        "onboard",
        "configure",
        "operate",
        "offboard",
        "architect",
        "engineer",
        "analyst",
    ];
    if !known.contains(&value) {
        return Err(format!("{id}: unknown phase or persona `{value}`").into());
    }
    let mut c = value.chars();
    Ok(c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let catalogue = differences()?;
    std::fs::write(
        PathBuf::from(std::env::var("OUT_DIR")?).join("differences.rs"),
        catalogue,
    )?;
    std::fs::write(PathBuf::from(std::env::var("OUT_DIR")?).join("checks.rs"), checks()?)?;
    let src = PathBuf::from("data/azure-builtin-roles.json");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut roles: Vec<Role> = serde_json::from_str(&std::fs::read_to_string(&src)?)?;
    for r in &mut roles {
        r.id = r.id.to_ascii_lowercase();
    }
    // Strings with control-character separators rather than nested static slices: the
    // slices' pointer tables made up a third of the Wasm data and compress badly. role.rs
    // splits them once, on first use. Roles \x1c, fields \x1d, block parts \x1e, items \x1f.
    let join = |items: &[String]| -> Result<String, Box<dyn std::error::Error>> {
        if items
            .iter()
            .any(|i| i.chars().any(|c| ('\u{1c}'..='\u{1f}').contains(&c)))
        {
            return Err("a built-in role contains a separator character".into());
        }
        Ok(items.join("\u{1f}"))
    };
    // What a built-in role is asked: does it grant a task's operations, and does it cover a
    // task's named role? Named roles keep every permission in the providers below (a custom
    // role must hold all of them to cover one). Every other role keeps only the patterns that
    // can answer for one of those operations or one of the named roles' permissions; the
    // others cannot change either answer. Both lists are read from
    // src/task.rs: its operation-shaped strings and its role GUIDs (extra strings only keep
    // more). tests/knowledge.rs checks every task operation and every named role against
    // the full definitions.
    let task_src_path = PathBuf::from("src/task.rs");
    println!("cargo:rerun-if-changed={}", task_src_path.display());
    let task_src = std::fs::read_to_string(&task_src_path)?;
    let literals: Vec<&str> = task_src.split('"').skip(1).step_by(2).collect();
    let named_ids: Vec<String> = literals
        .iter()
        .filter(|l| l.len() == 36 && l.chars().all(|c| c.is_ascii_hexdigit() || c == '-'))
        .map(|l| l.to_ascii_lowercase())
        .collect();
    let kept = |a: &String| {
        let provider = a.split('/').next().unwrap_or_default().to_ascii_lowercase();
        provider.contains('*') || KEPT_PROVIDERS.contains(&provider.as_str())
    };
    let prune = |v: &[String]| -> Vec<String> { v.iter().filter(|a| kept(a)).cloned().collect() };
    let mut relevant: Vec<ActionPattern> = literals
        .iter()
        .filter(|l| {
            let provider = l.split('/').next().unwrap_or_default();
            l.contains('/') && !l.contains(' ') && (provider == "*" || provider.starts_with("Microsoft."))
        })
        .map(|l| ActionPattern::new(l))
        .collect();
    let is_named = |r: &Role| named_ids.contains(&r.id);
    for r in roles.iter().filter(|r| is_named(r)) {
        for b in &r.permissions {
            relevant.extend(prune(&b.actions).iter().map(|a| ActionPattern::new(a)));
            relevant.extend(prune(&b.data_actions).iter().map(|a| ActionPattern::new(a)));
        }
    }
    if relevant.is_empty() || !roles.iter().any(is_named) {
        return Err("src/task.rs names no operation or no bundled role: nothing to prune against".into());
    }
    // A granting pattern answers only for what it covers; a NotAction only matters for what
    // a granting pattern of its own block covers and it overlaps (the tests that
    // `RoleDefinition::grant_pattern` and `covers` make).
    let all: Vec<&ActionPattern> = relevant.iter().collect();
    // The patterns of `v` that pass `test` against at least one of `against`.
    let keep_where = |v: &[String], against: &[&ActionPattern], test: fn(&ActionPattern, &ActionPattern) -> bool| {
        v.iter()
            .filter(|a| {
                let p = ActionPattern::new(a);
                against.iter().any(|r| test(&p, r))
            })
            .cloned()
            .collect::<Vec<String>>()
    };
    let keep_block = |r: &Role, allow: &[String], not: &[String]| -> (Vec<String>, Vec<String>) {
        if is_named(r) {
            return (prune(allow), not.to_vec());
        }
        let allow = keep_where(allow, &all, ActionPattern::covers);
        let compiled: Vec<ActionPattern> = allow.iter().map(|a| ActionPattern::new(a)).collect();
        let granted: Vec<&ActionPattern> = relevant
            .iter()
            .filter(|r| compiled.iter().any(|a| a.covers(r)))
            .collect();
        let not = keep_where(not, &granted, ActionPattern::intersects);
        (allow, not)
    };
    // Stored as three columns in the order of the roles' names rather than rows in GUID
    // order: each GUID as its 16 bytes (36 hex characters compress to about 21), then the
    // names, then what each role grants. Like text sits together, so the roles' data
    // compresses to 27,389 B of gzip instead of 36,151. role.rs puts the rows back together
    // and sorts them by GUID.
    let mut by_name: Vec<&Role> = roles.iter().collect();
    by_name.sort_by(|a, b| (a.role_name.to_ascii_lowercase(), &a.id).cmp(&(b.role_name.to_ascii_lowercase(), &b.id)));
    let mut ids: Vec<u8> = Vec::with_capacity(by_name.len() * 16);
    let mut names: Vec<String> = Vec::with_capacity(by_name.len());
    let mut grants = String::new();
    for r in &by_name {
        ids.extend(guid_bytes(&r.id)?);
        names.push(r.role_name.clone());
        if !grants.is_empty() {
            grants.push('\u{1c}');
        }
        grants.push_str(&join(&r.assignable_scopes)?);
        for b in &r.permissions {
            let condition = b.condition.clone().filter(|c| !c.trim().is_empty()).unwrap_or_default();
            let (actions, not_actions) = keep_block(r, &b.actions, &b.not_actions);
            let (data_actions, not_data_actions) = keep_block(r, &b.data_actions, &b.not_data_actions);
            write!(
                grants,
                "\u{1d}{}\u{1e}{}\u{1e}{}\u{1e}{}\u{1e}{}",
                join(&actions)?,
                join(&not_actions)?,
                join(&data_actions)?,
                join(&not_data_actions)?,
                join(&[condition])?
            )?;
        }
    }
    let names = join(&names)?;
    let mut out = String::from("pub(crate) static BUILTIN_ROLE_IDS: &[u8] = b\"");
    for b in &ids {
        write!(out, "\\x{b:02x}")?;
    }
    writeln!(out, "\";")?;
    writeln!(out, "pub(crate) static BUILTIN_ROLE_NAMES: &str = {names:?};")?;
    writeln!(out, "pub(crate) static BUILTIN_ROLE_GRANTS: &str = {grants:?};")?;
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("builtin_roles.rs");
    std::fs::write(dest, out)?;
    Ok(())
}
