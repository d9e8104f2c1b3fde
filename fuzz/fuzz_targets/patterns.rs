//! The small parsers: scopes, action patterns (with coverage and intersection), ABAC
//! conditions and dates.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sentinel_readiness_engine::action::ActionPattern;
use sentinel_readiness_engine::condition::Condition;
use sentinel_readiness_engine::scope::Scope;
use sentinel_readiness_engine::Date;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (a, b) = text.split_once('\n').unwrap_or((text, ""));
    if let Ok(s) = Scope::parse(a) {
        let _ = (s.kind(), s.subscription_scope(), s.resource_group_scope(), s.workspace_scope(), s.name());
        if let Ok(t) = Scope::parse(b) {
            let _ = s.is_ancestor_or_self(&t);
        }
    }
    let (p, q) = (ActionPattern::new(a), ActionPattern::new(b));
    // Containment implies overlap; a pattern covers itself.
    if p.covers(&q) {
        assert!(p.intersects(&q));
    }
    assert!(p.covers(&p));
    let _ = p.matches(b);
    if let Some(c) = Condition::new(Some(a), Some("2.0")) {
        let _ = c.restricts(b);
        let _ = c.restricts_pattern(&q);
    }
    let _ = Date::parse(a);
});
