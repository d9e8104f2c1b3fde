//! Turns the bundled built-in role file into static Rust data, so the Wasm build
//! carries no JSON parse of 1 MB at start-up and no role descriptions it never shows.
use std::fmt::Write as _;
use std::path::PathBuf;

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

fn list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("&[{}]", items.join(","))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = PathBuf::from("data/azure-builtin-roles.json");
    println!("cargo:rerun-if-changed={}", src.display());
    let mut roles: Vec<Role> = serde_json::from_str(&std::fs::read_to_string(&src)?)?;
    for r in &mut roles {
        r.id = r.id.to_ascii_lowercase();
    }
    // Sorted by GUID so lookups can binary-search.
    roles.sort_by(|a, b| a.id.cmp(&b.id));
    let mut out = String::from("pub(crate) static BUILTIN_ROLES: &[BuiltinRoleData] = &[\n");
    for r in &roles {
        write!(
            out,
            "BuiltinRoleData{{id:{:?},name:{:?},assignable_scopes:{},blocks:&[",
            r.id,
            r.role_name,
            list(&r.assignable_scopes)
        )?;
        for b in &r.permissions {
            write!(
                out,
                "BlockData{{actions:{},not_actions:{},data_actions:{},not_data_actions:{},condition:{}}},",
                list(&b.actions),
                list(&b.not_actions),
                list(&b.data_actions),
                list(&b.not_data_actions),
                match &b.condition {
                    Some(c) if !c.trim().is_empty() => format!("Some({c:?})"),
                    _ => "None".to_string(),
                }
            )?;
        }
        out.push_str("]},\n");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR")?).join("builtin_roles.rs");
    std::fs::write(dest, out)?;
    Ok(())
}
