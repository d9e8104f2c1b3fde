//! Work side by side. Natively, pieces run on threads of their own; the Wasm build has one
//! thread and runs them in turn. Nothing here does I/O. A piece whose thread cannot be had
//! (or fails) runs on the calling thread instead, so no caller has to plan for it.

/// Runs `here` on this thread while `each` runs on every one of `parts`, each on a thread of
/// its own, and returns `here`'s result and theirs, in the parts' order.
#[cfg(not(target_family = "wasm"))]
pub fn beside<P: Sync, R: Send, H>(
    parts: &[P],
    each: impl Fn(&P) -> R + Sync,
    here: impl FnOnce() -> H,
) -> (H, Vec<R>) {
    let each = &each;
    std::thread::scope(|s| {
        let spawned: Vec<_> = parts
            .iter()
            .map(|part| {
                (
                    part,
                    std::thread::Builder::new().spawn_scoped(s, move || each(part)).ok(),
                )
            })
            .collect();
        let mine = here();
        let theirs = spawned
            .into_iter()
            .map(|(part, handle)| match handle.map(std::thread::ScopedJoinHandle::join) {
                Some(Ok(done)) => done,
                _ => each(part),
            })
            .collect();
        (mine, theirs)
    })
}

/// Runs `a` and `b` and returns both results: side by side when asked (`a` on a thread of
/// its own), else `a` first.
#[cfg(not(target_family = "wasm"))]
pub fn join<A: Send, B>(side_by_side: bool, a: impl Fn() -> A + Sync, b: impl FnOnce() -> B) -> (A, B) {
    if !side_by_side {
        return (a(), b());
    }
    let (b, mut a_done) = beside(&[()], |()| a(), b);
    match a_done.pop() {
        Some(a_done) => (a_done, b),
        None => (a(), b),
    }
}

/// Runs `a`, then `b`: the Wasm build has one thread (and its values need not cross one).
#[cfg(target_family = "wasm")]
pub fn join<A, B>(_side_by_side: bool, a: impl Fn() -> A, b: impl FnOnce() -> B) -> (A, B) {
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

    #[test]
    fn parts_come_back_in_their_order() {
        let parts: Vec<u64> = (1..=9).collect();
        let (here, theirs) = beside(&parts, |n| n * n, || "here");
        assert_eq!(here, "here");
        assert_eq!(theirs, [1, 4, 9, 16, 25, 36, 49, 64, 81]);
    }
}
