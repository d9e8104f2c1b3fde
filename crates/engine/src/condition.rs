//! Azure ABAC conditions on role assignments and permission blocks.
//!
//! A condition can only narrow what its own assignment grants. The usual shape is
//! `(!(ActionMatches{'op'})) OR (<expression>)`, AND-joined: operations not named in an
//! `ActionMatches` are not restricted at all (azure-docs `conditions-overview.md`, commit
//! c093f8e5, ms.date 2023-04-11; `azure-rbac-semantics.md` §5). The engine cannot evaluate
//! the expression offline, so a restricted operation is reported as `conditional`.

use serde::Serialize;

use crate::action::ActionPattern;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Condition {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Operations the condition restricts; `None` when the condition does not have the
    /// recognised shape, in which case every operation is treated as restricted.
    #[serde(skip)]
    restricted: Option<Vec<ActionPattern>>,
}

impl Condition {
    /// `None` for an empty or missing condition.
    pub fn new(text: Option<&str>, version: Option<&str>) -> Option<Self> {
        let text = text?.trim();
        if text.is_empty() {
            return None;
        }
        Some(Self {
            text: text.to_string(),
            version: version.map(str::trim).filter(|v| !v.is_empty()).map(str::to_string),
            restricted: restricted_actions(text),
        })
    }

    /// Does the condition restrict `op`? (If not, the grant of `op` is unconditional.)
    pub fn restricts(&self, op: &str) -> bool {
        match &self.restricted {
            None => true,
            Some(list) => list.iter().any(|p| p.matches(op)),
        }
    }

    /// Does the condition restrict anything that `pattern` could match?
    pub fn restricts_pattern(&self, pattern: &ActionPattern) -> bool {
        match &self.restricted {
            None => true,
            Some(list) => list.iter().any(|p| p.intersects(pattern)),
        }
    }
}

fn restricted_actions(text: &str) -> Option<Vec<ActionPattern>> {
    let mut out = Vec::new();
    for clause in split_top(text, "and") {
        let clause = strip_parens(clause);
        let halves = split_top(clause, "or");
        let (first, rest) = halves.split_first()?;
        if rest.is_empty() {
            return None;
        }
        let negated = strip_parens(first).strip_prefix('!')?;
        for term in split_top(strip_parens(negated), "or") {
            // `!(ActionMatches{…} AND …)` restricts at most the operations named: each AND-ed
            // `ActionMatches` bounds the term, and the other conjuncts (a `SubOperationMatches`,
            // a request attribute) only narrow it. A term with no such bound, or any text
            // after an `ActionMatches{…}`, is not understood: then everything is restricted.
            let mut bounded = false;
            for conjunct in split_top(strip_parens(term), "and") {
                let lower = strip_parens(conjunct).to_ascii_lowercase();
                let Some(body) = lower.strip_prefix("actionmatches") else {
                    continue;
                };
                let (names, after) = body.trim().strip_prefix('{')?.split_once('}')?;
                if !after.trim().is_empty() {
                    return None;
                }
                for quoted in names.split(',') {
                    let op = quoted.trim().trim_matches('\'');
                    if op.is_empty() {
                        return None;
                    }
                    out.push(ActionPattern::new(op));
                }
                bounded = true;
            }
            if !bounded {
                return None;
            }
        }
    }
    Some(out)
}

/// Removes parentheses that enclose the whole string. Each `(` is matched with its `)` in one
/// pass first: stripping a layer and scanning again for the next took quadratic time, and a
/// condition of 160,000 nested parentheses (0.3 MB) took 32 s (round 36).
fn strip_parens(s: &str) -> &str {
    let s = s.trim();
    if !s.starts_with('(') {
        return s;
    }
    let bytes = s.as_bytes();
    let mut closing = vec![usize::MAX; bytes.len()];
    let mut open = Vec::new();
    let mut quoted = false;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => open.push(i),
            b')' if !quoted => {
                if let Some(c) = open.pop().and_then(|o| closing.get_mut(o)) {
                    *c = i;
                }
            }
            _ => {}
        }
    }
    let (mut from, mut to) = (0, bytes.len());
    while to > from + 1 && bytes.get(from) == Some(&b'(') && closing.get(from) == Some(&(to - 1)) {
        let inner = s.get(from + 1..to - 1).unwrap_or("");
        let start = inner.trim_start();
        from = from + 1 + (inner.len() - start.len());
        to = from + start.trim_end().len();
    }
    s.get(from..to).unwrap_or("")
}

/// Splits at a keyword (`and`/`or`, any case) that stands outside parentheses, braces and quotes.
fn split_top<'a>(s: &'a str, keyword: &str) -> Vec<&'a str> {
    let bytes = s.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut quoted, mut start, mut i) = (0i32, false, 0usize, 0usize);
    let k = keyword.len();
    while i < bytes.len() {
        let c = bytes.get(i).copied().unwrap_or(b' ');
        match c {
            b'\'' => quoted = !quoted,
            b'(' | b'{' if !quoted => depth += 1,
            b')' | b'}' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 => {
                let before_ok = i == 0 || bytes.get(i - 1).is_some_and(|b| b.is_ascii_whitespace() || *b == b')');
                let word = s.get(i..i + k).map(|w| w.eq_ignore_ascii_case(keyword));
                let after_ok = bytes.get(i + k).is_none_or(|b| b.is_ascii_whitespace() || *b == b'(');
                if before_ok && word == Some(true) && after_ok {
                    parts.push(s.get(start..i).unwrap_or(""));
                    start = i + k;
                    i += k;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(s.get(start..).unwrap_or(""));
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    const DELEGATION: &str = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8d289c81-5878-46d4-8554-54e1e3d8b5cb})) AND ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/delete'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8d289c81-5878-46d4-8554-54e1e3d8b5cb}))";

    #[test]
    fn delegation_condition_restricts_only_named_actions() {
        let c = Condition::new(Some(DELEGATION), Some("2.0"));
        let Some(c) = c else {
            unreachable!("condition is not empty")
        };
        assert!(c.restricts("Microsoft.Authorization/roleAssignments/write"));
        assert!(c.restricts("microsoft.authorization/roleassignments/DELETE"));
        assert!(!c.restricts("Microsoft.Support/supportTickets/write"));
        assert!(!c.restricts("Microsoft.SecurityInsights/incidents/read"));
    }

    /// The conditions' documented shapes with more than one test inside the negation.
    #[test]
    fn a_conjunct_beside_action_matches_narrows_and_never_hides_it() {
        let principal_type = "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {'ServicePrincipal'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {8d289c81-5878-46d4-8554-54e1e3d8b5cb}))";
        let sub_operation = "(!(ActionMatches{'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'} AND NOT SubOperationMatches{'Blob.List'})) OR (@Resource[x] StringEquals 'y')";
        for (text, named) in [
            (principal_type, "Microsoft.Authorization/roleAssignments/write"),
            (
                sub_operation,
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            ),
        ] {
            let c = Condition::new(Some(text), Some("2.0"));
            assert!(c.as_ref().is_some_and(|c| c.restricts(named)), "{text}");
            assert!(
                c.is_some_and(|c| !c.restricts("Microsoft.SecurityInsights/incidents/read")),
                "{text}"
            );
        }
        // A sub-operation alone, or text after the braces, names no operation: all restricted.
        for text in [
            "(!(SubOperationMatches{'Blob.List'})) OR (@Resource[x] StringEquals 'y')",
            "(!(ActionMatches{'a/b/read'} junk)) OR (@Resource[x] StringEquals 'y')",
            "(!(NOT ActionMatches{'a/b/read'})) OR (@Resource[x] StringEquals 'y')",
        ] {
            let c = Condition::new(Some(text), None);
            assert!(
                c.is_some_and(|c| c.restricts("Microsoft.Support/supportTickets/write")),
                "{text}"
            );
        }
    }

    #[test]
    fn whole_string_parentheses_are_stripped_in_one_pass() {
        assert_eq!(strip_parens("  ( ( a and (b) ) ) "), "a and (b)");
        assert_eq!(strip_parens("(a) or (b)"), "(a) or (b)");
        assert_eq!(strip_parens("('(' ) "), "'('");
        assert_eq!(strip_parens("((a)"), "((a)");
        assert_eq!(strip_parens("()"), "");
        // Deep nesting: linear, not one scan per layer.
        let deep = format!("{}x{}", "(".repeat(200_000), ")".repeat(200_000));
        assert_eq!(strip_parens(&deep), "x");
    }

    #[test]
    fn unknown_shape_restricts_everything() {
        let c = Condition::new(Some("@Resource[x] StringEquals 'y'"), None);
        assert!(c.is_some_and(|c| c.restricts("Microsoft.Support/supportTickets/write")));
        assert!(Condition::new(Some("  "), None).is_none());
        assert!(Condition::new(None, Some("2.0")).is_none());
    }
}
