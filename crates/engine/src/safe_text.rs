//! Text from the exports, made safe for where the report puts it. Names, scopes and ids
//! are written by whoever made the export (a guest's display name, an app registration any
//! user may create, a hand-edited file from a client): in a shell command they must stay
//! one argument, in a terminal they must not be control sequences, and in a spreadsheet
//! they must not be formulas (round 35's review of the outputs).

use std::borrow::Cow;

/// `text` as one single-quoted argument for a POSIX shell (the report's command blocks are
/// bash): nothing inside is expanded, and a quote in it closes, escapes and reopens.
/// PowerShell escapes a quote differently (`''`): the README says to run them in bash.
pub fn shell_quoted(text: &str) -> String {
    format!("'{}'", in_single_quotes(text))
}

/// `text` to stand between single quotes that a command template already writes.
pub fn in_single_quotes(text: &str) -> Cow<'_, str> {
    if text.contains('\'') {
        text.replace('\'', "'\\''").into()
    } else {
        text.into()
    }
}

/// Characters a terminal or a text renderer acts on rather than shows: C0 controls but line
/// feed and tab, DEL, C1 controls, and the bidirectional controls that reorder what is shown.
pub(crate) fn hidden(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character that acts rather than shows written as `\u{…}`, so that a
/// name cannot clear a terminal, retitle it, or turn the text around it backwards.
pub fn printable(text: &str) -> Cow<'_, str> {
    shown(text, hidden)
}

/// `printable`, with line feeds shown too, for a message that must stay one line: a file
/// name holding a line break would otherwise start a line of its own (a fake all-clear).
pub fn one_line(text: &str) -> Cow<'_, str> {
    shown(text, |c| c == '\n' || hidden(c))
}

fn shown(text: &str, hide: fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(hide) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if hide(c) {
            push_shown(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// A hidden character as the text `\u{…}`.
pub(crate) fn push_shown(out: &mut String, c: char) {
    out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
}

/// A CSV cell that a spreadsheet will not read as a formula: hidden characters are shown
/// (a carriage return among them), and a cell starting with `=`, `+`, `-`, `@` or a tab
/// gets a leading `'` (OWASP's advice).
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    let shown = printable(text);
    if shown.starts_with(['=', '+', '-', '@', '\t']) {
        format!("'{shown}").into()
    } else {
        shown
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_quote_cannot_end_the_argument() {
        assert_eq!(shell_quoted("rg-$(touch x)`id`"), "'rg-$(touch x)`id`'");
        assert_eq!(shell_quoted("a'; rm -rf ~; echo '"), "'a'\\''; rm -rf ~; echo '\\'''");
    }

    #[test]
    fn control_and_bidi_characters_are_shown() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("evil\u{202e}gpj.exe"), "evil\\u{202e}gpj.exe");
        assert_eq!(printable("two\nlines\tand — é"), "two\nlines\tand — é");
        assert_eq!(printable("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(one_line("a.json\nall clear\r\t"), "a.json\\u{a}all clear\\u{d}\t");
    }

    #[test]
    fn formulas_get_a_quote() {
        for f in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"] {
            assert!(spreadsheet_cell(f).starts_with('\''), "{f}");
        }
        // A carriage return is shown as text, which starts nothing.
        assert_eq!(spreadsheet_cell("\r=1"), "\\u{d}=1");
        assert_eq!(spreadsheet_cell("Priya Shah"), "Priya Shah");
    }

    /// What `sh -c 'printf %s <arg>'` would print for the argument.
    fn unquote(arg: &str) -> Option<String> {
        let mut out = String::new();
        let mut quoted = false;
        let mut chars = arg.chars();
        while let Some(c) = chars.next() {
            match (quoted, c) {
                (_, '\'') => quoted = !quoted,
                (false, '\\') => out.push(chars.next()?),
                (true, c) => out.push(c),
                (false, _) => return None,
            }
        }
        (!quoted).then_some(out)
    }

    proptest! {
        #[test]
        fn quoting_gives_back_the_text(text in "[a-z'\"$`\\\\ ;|&()\n]{0,12}") {
            prop_assert_eq!(unquote(&shell_quoted(&text)), Some(text));
        }

        #[test]
        fn nothing_hidden_is_left(text in "\\PC{0,8}|[\u{0}-\u{a0}\u{202a}-\u{202e}]{0,8}") {
            prop_assert!(!printable(&text).chars().any(hidden));
        }
    }
}
