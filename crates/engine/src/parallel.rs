//! Two pieces of work side by side. Natively the first runs on a thread of its own; the
//! Wasm build has one thread and runs both in turn. The engine does no I/O either way.

/// Runs `a` and `b` and returns both results: side by side when asked, else `a` first. `a`
/// is cloned before it is sent to a thread, so it can run here instead should no thread be
/// had or the thread fail.
#[cfg(not(target_family = "wasm"))]
pub(crate) fn join<A, B>(side_by_side: bool, a: impl FnOnce() -> A + Send + Clone, b: impl FnOnce() -> B) -> (A, B)
where
    A: Send,
{
    if !side_by_side {
        return (a(), b());
    }
    let again = a.clone();
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new().spawn_scoped(s, a).ok();
        let b = b();
        let a = match handle.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(a)) => a,
            _ => again(),
        };
        (a, b)
    })
}

/// Runs `a`, then `b`: the Wasm build has one thread (and its values need not cross one).
#[cfg(target_family = "wasm")]
pub(crate) fn join<A, B>(_side_by_side: bool, a: impl FnOnce() -> A, b: impl FnOnce() -> B) -> (A, B) {
    (a(), b())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_results_come_back_in_place() {
        let text = String::from("borrowed by both");
        for side_by_side in [true, false] {
            let (a, b) = join(side_by_side, || text.len(), || text.to_uppercase());
            assert_eq!((a, b.as_str()), (16, "BORROWED BY BOTH"));
        }
    }
}
