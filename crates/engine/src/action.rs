//! Action patterns: `Microsoft.SecurityInsights/incidents/*`, `*/read`, `*`.
//!
//! Matching is case-insensitive and `*` stands for any run of characters, `/` included
//! (azure-docs `role-definitions.md`, commit 00766527, ms.date 2022-08-19: "`*/read`
//! grants read operations for all resource types of all providers").

use std::fmt;

use serde::Serialize;

/// A compiled action pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ActionPattern {
    raw: String,
    /// Lower-cased literal pieces between the `*`s; `parts.len() == stars + 1`.
    parts: Vec<String>,
    /// The same as tokens, precomputed for pattern-against-pattern checks.
    tokens: Vec<Tok>,
}

impl ActionPattern {
    pub fn new(raw: &str) -> Self {
        let raw = raw.trim();
        let parts: Vec<String> = raw.to_ascii_lowercase().split('*').map(str::to_string).collect();
        Self {
            raw: raw.to_string(),
            tokens: tokens(&parts),
            parts,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    /// Does this pattern grant the concrete operation `op`?
    pub fn matches(&self, op: &str) -> bool {
        // Compared without lower-casing a copy of `op`: this runs for every deny assignment,
        // NotAction and condition checked against every task operation.
        glob_match(&self.parts, op.as_bytes())
    }

    /// Is every operation that `other` matches also matched by `self`?
    ///
    /// Sound, not complete: `other`'s `*`s are treated as opaque characters that only a
    /// `*` of `self` may absorb. When it answers `true` the containment holds; a `false`
    /// can be conservative, which only ever makes a verdict stricter.
    pub fn covers(&self, other: &ActionPattern) -> bool {
        match other.literal() {
            // A concrete operation: plain matching, no allocation.
            Some(op) => glob_match(&self.parts, op.as_bytes()),
            None => covers_tokens(&self.tokens, &other.tokens),
        }
    }

    /// Could some operation match both patterns?
    pub fn intersects(&self, other: &ActionPattern) -> bool {
        match (self.literal(), other.literal()) {
            (_, Some(op)) => glob_match(&self.parts, op.as_bytes()),
            (Some(op), None) => glob_match(&other.parts, op.as_bytes()),
            (None, None) => intersect_tokens(&self.tokens, &other.tokens),
        }
    }

    /// The lower-cased operation when the pattern has no `*`.
    fn literal(&self) -> Option<&str> {
        match self.parts.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        }
    }
}

impl fmt::Display for ActionPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for ActionPattern {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

/// Does `text`, in any case, match the lower-case literal `parts` with a `*` between each two?
/// Bytes compare as the lower-cased strings would: ASCII case folding leaves every other byte
/// as it is, and a match of valid UTF-8 in valid UTF-8 starts on a character boundary.
/// Greedy (each literal at its first place), which is correct when `*` is the only
/// metacharacter.
fn glob_match(parts: &[String], text: &[u8]) -> bool {
    let same = |a: &[u8], b: &str| a.eq_ignore_ascii_case(b.as_bytes());
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some((head, mut remaining)) = text.split_at_checked(first.len()) else {
        return false;
    };
    if !same(head, first) {
        return false;
    }
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        if part.is_empty() {
            continue;
        }
        match remaining.windows(part.len()).position(|w| same(w, part)) {
            Some(pos) => remaining = remaining.get(pos + part.len()..).unwrap_or_default(),
            None => return false,
        }
    }
    remaining
        .len()
        .checked_sub(last.len())
        .and_then(|at| remaining.get(at..))
        .is_some_and(|tail| same(tail, last))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Tok {
    Star,
    Byte(u8),
}

fn tokens(parts: &[String]) -> Vec<Tok> {
    let mut out = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push(Tok::Star);
        }
        out.extend(part.bytes().map(Tok::Byte));
    }
    out
}

/// `a` covers `b`: a's literals must match b's literals, a's `*` may absorb anything of b.
fn covers_tokens(a: &[Tok], b: &[Tok]) -> bool {
    // dp[j] = a[..i] can produce b[..j]
    let mut dp = vec![false; b.len() + 1];
    if let Some(first) = dp.first_mut() {
        *first = true;
    }
    // The next row, reused: the rows swap at each token.
    let mut next = vec![false; b.len() + 1];
    for ta in a {
        next.fill(false);
        match ta {
            Tok::Star => {
                let mut reachable = false;
                for (j, slot) in next.iter_mut().enumerate() {
                    reachable = reachable || dp.get(j).copied().unwrap_or(false);
                    *slot = reachable;
                }
            }
            Tok::Byte(c) => {
                for (j, tb) in b.iter().enumerate() {
                    if dp.get(j).copied().unwrap_or(false) && *tb == Tok::Byte(*c) {
                        if let Some(slot) = next.get_mut(j + 1) {
                            *slot = true;
                        }
                    }
                }
            }
        }
        std::mem::swap(&mut dp, &mut next);
    }
    dp.last().copied().unwrap_or(false)
}

/// Do the languages of two `*`-globs intersect?
fn intersect_tokens(a: &[Tok], b: &[Tok]) -> bool {
    // Reachability over (i, j) positions.
    let (n, m) = (a.len(), b.len());
    let mut seen = vec![false; (n + 1) * (m + 1)];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        let idx = i * (m + 1) + j;
        match seen.get_mut(idx) {
            Some(s) if !*s => *s = true,
            _ => continue,
        }
        if i == n && j == m {
            return true;
        }
        let ta = a.get(i);
        let tb = b.get(j);
        if ta == Some(&Tok::Star) {
            stack.push((i + 1, j)); // star matches nothing more
            if let Some(Tok::Byte(_)) = tb {
                stack.push((i, j + 1)); // star eats one of b's bytes
            }
        }
        if tb == Some(&Tok::Star) {
            stack.push((i, j + 1));
            if let Some(Tok::Byte(_)) = ta {
                stack.push((i + 1, j));
            }
        }
        if let (Some(Tok::Byte(x)), Some(Tok::Byte(y))) = (ta, tb) {
            if x == y {
                stack.push((i + 1, j + 1));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: &str) -> ActionPattern {
        ActionPattern::new(x)
    }

    #[test]
    fn matching_is_case_insensitive_and_spans_segments() {
        assert!(p("*/read").matches("Microsoft.SecurityInsights/incidents/comments/read"));
        assert!(p("Microsoft.Support/*").matches("microsoft.support/supportTickets/write"));
        assert!(p("*").matches("anything/at/all"));
        assert!(p("Microsoft.OperationalInsights/workspaces/*/read")
            .matches("Microsoft.OperationalInsights/workspaces/query/SecurityAlert/read"));
        assert!(
            !p("Microsoft.SecurityInsights/incidents/*/Delete").matches("Microsoft.SecurityInsights/incidents/delete")
        );
        assert!(p("Microsoft.SecurityInsights/incidents/*/Delete")
            .matches("Microsoft.SecurityInsights/incidents/comments/delete"));
        assert!(!p("*/read").matches("Microsoft.Support/supportTickets/write"));
        assert!(!p("Microsoft.Support/read").matches("Microsoft.Support/read/x"));
    }

    #[test]
    fn containment() {
        assert!(p("*").covers(&p("Microsoft.Support/*")));
        assert!(p("Microsoft.Support/*").covers(&p("Microsoft.Support/supportTickets/*")));
        assert!(!p("Microsoft.Support/*/read").covers(&p("Microsoft.Support/*")));
        assert!(p("*/read").covers(&p("Microsoft.SecurityInsights/*/read")));
        assert!(!p("*/read").covers(&p("Microsoft.SecurityInsights/*")));
    }

    #[test]
    fn intersection() {
        assert!(!p("Microsoft.Authorization/*/Write").intersects(&p("Microsoft.Authorization/*/read")));
        assert!(p("Microsoft.Authorization/*").intersects(&p("*/read")));
        assert!(p("Microsoft.SecurityInsights/incidents/*/Delete").intersects(&p("Microsoft.SecurityInsights/*")));
        assert!(!p("Microsoft.Purview/consents/write").intersects(&p("Microsoft.Support/*")));
    }
}
