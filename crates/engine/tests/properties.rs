//! Property tests for the two primitives every verdict rests on, action-pattern matching
//! and scope ancestry, for the shared sort that orders the report's lists, and for the dates
//! that decide which rules and PIM windows apply.

// Test helpers may unwrap and index: a failure should stop the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use proptest::prelude::*;
use sentinel_readiness_engine::action::ActionPattern;
use sentinel_readiness_engine::order;
use sentinel_readiness_engine::scope::Scope;
use sentinel_readiness_engine::Date;

/// Reference matcher: plain recursion over characters, `*` matching any run.
fn reference(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| reference(rest, &text[i..])),
        Some((c, rest)) => text.first().is_some_and(|t| t.eq_ignore_ascii_case(c)) && reference(rest, &text[1..]),
    }
}

fn segment() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "Microsoft.SecurityInsights",
        "incidents",
        "comments",
        "read",
        "write",
        "delete",
        "a",
        "ab",
        "READ",
        "Tasks",
        "Üa",
        "ü",
    ])
    .prop_map(str::to_string)
}

fn operation() -> impl Strategy<Value = String> {
    prop::collection::vec(segment(), 1..5).prop_map(|s| s.join("/"))
}

fn pattern() -> impl Strategy<Value = String> {
    // "**" gives an empty literal between two stars; "Ü" a non-ASCII letter, which matching
    // must compare as it is (only ASCII case is folded).
    prop::collection::vec(
        prop_oneof![
            segment(),
            Just("*".to_string()),
            Just("**".to_string()),
            Just("Ü".to_string())
        ],
        1..5,
    )
    .prop_map(|s| s.join("/"))
}

fn instantiate(pattern: &str, fill: &str) -> String {
    pattern.replace('*', fill)
}

proptest! {
    #[test]
    fn the_shared_sort_orders_exactly_like_the_standard_stable_sort(
        items in prop::collection::vec((0u8..6, any::<u16>()), 0..200)
    ) {
        let mut ours = items.clone();
        let mut std = items;
        order::sort_by_key(&mut ours, |p| p.0);
        std.sort_by_key(|p| p.0);
        prop_assert_eq!(&ours, &std);
        order::sort_by(&mut ours, |a, b| b.1.cmp(&a.1));
        std.sort_by_key(|b| std::cmp::Reverse(b.1));
        prop_assert_eq!(ours, std);
    }

    #[test]
    fn matching_agrees_with_the_reference(p in pattern(), op in operation()) {
        prop_assert_eq!(ActionPattern::new(&p).matches(&op), reference(p.as_bytes(), op.as_bytes()));
    }

    #[test]
    fn matching_ignores_case(p in pattern(), op in operation()) {
        let a = ActionPattern::new(&p).matches(&op);
        prop_assert_eq!(a, ActionPattern::new(&p.to_ascii_uppercase()).matches(&op.to_ascii_lowercase()));
    }

    /// `covers` is sound: when it says yes, every instance of the covered pattern matches.
    #[test]
    fn covers_is_sound(a in pattern(), b in pattern(), fill in operation()) {
        if ActionPattern::new(&a).covers(&ActionPattern::new(&b)) {
            let instance = instantiate(&b, &fill);
            prop_assert!(ActionPattern::new(&a).matches(&instance), "{a} covers {b} but not {instance}");
        }
    }

    /// `intersects` is complete: if one operation matches both, it says yes.
    #[test]
    fn intersects_is_complete(a in pattern(), b in pattern(), op in operation()) {
        let (pa, pb) = (ActionPattern::new(&a), ActionPattern::new(&b));
        if pa.matches(&op) && pb.matches(&op) {
            prop_assert!(pa.intersects(&pb));
        }
    }

    #[test]
    fn a_pattern_covers_itself(a in pattern()) {
        let p = ActionPattern::new(&a);
        prop_assert!(p.covers(&p));
        prop_assert!(p.intersects(&p));
    }

    #[test]
    fn every_prefix_path_is_an_ancestor(segs in prop::collection::vec("[a-zA-Z0-9éÉçÇöÖøØ-]{1,8}", 1..7), cut in 0usize..7) {
        let full = format!("/{}", segs.join("/"));
        let cut = cut.min(segs.len());
        let prefix = format!("/{}", segs[..cut].join("/"));
        let a = Scope::parse(&prefix).unwrap();
        let b = Scope::parse(&full.to_uppercase()).unwrap();
        prop_assert!(a.is_ancestor_or_self(&b));
        if cut < segs.len() {
            prop_assert!(!b.is_ancestor_or_self(&a));
        }
    }

    /// A scope's comparison key is as long as its text, whatever the letters, so that an
    /// offset found in one holds in the other (`workspace_scope` cuts the text so).
    #[test]
    fn a_scope_key_is_as_long_as_its_text(path in "(/[^/]{1,6}){1,6}") {
        let scope = Scope::parse(&path).unwrap();
        prop_assert_eq!(scope.key().len(), scope.as_str().len());
    }

    /// `/a/b` never covers `/a/bc`: ancestry is by whole segment.
    #[test]
    fn lookalike_siblings_are_not_ancestors(segs in prop::collection::vec("[a-z0-9]{1,8}", 1..5), extra in "[a-z0-9]{1,4}") {
        let base = format!("/{}", segs.join("/"));
        let sibling = format!("{base}{extra}/child");
        prop_assert!(!Scope::parse(&base).unwrap().is_ancestor_or_self(&Scope::parse(&sibling).unwrap()));
    }

    /// Any day from 1000-01-01 to 9999-12-31 is written and read back as itself, and the
    /// next day is later.
    #[test]
    fn dates_round_trip_through_text_and_day_counts(days in -354_285i64..=2_932_896) {
        let date = Date::from_days_since_epoch(days);
        prop_assert_eq!(date.days_since_epoch(), days);
        prop_assert_eq!(Date::parse(&date.to_string()), Ok(date));
        prop_assert!(Date::from_days_since_epoch(days + 1) > date);
    }

    /// A text of the date's shape reads as a date exactly when the month has that day.
    #[test]
    fn a_text_reads_as_a_date_only_if_it_names_a_real_day(y in 1000i32..10_000, m in 1u8..13, d in 1u8..32) {
        let text = format!("{y:04}-{m:02}-{d:02}");
        let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][usize::from(m - 1)];
        prop_assert_eq!(Date::parse(&text).is_ok(), d <= days, "{}", text);
        if let Ok(date) = Date::parse(&text) {
            prop_assert_eq!(Date::from_days_since_epoch(date.days_since_epoch()), date);
            prop_assert_eq!(date.to_string(), text);
        }
    }
}
