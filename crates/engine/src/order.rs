//! Sorting for the engine's short lists (search hits, findings, checklist items, principals
//! of a report): one shared, non-generic sort of positions, then the list put in that order.
//!
//! Why: the standard library's sort is generic, so every element type and comparison got its
//! own copy, about 2-3 KB of Wasm each and over 50 KB in all. Lists with hundreds of thousands
//! of entries on the evaluation's hot path keep the standard sort.

use std::cmp::Ordering;

/// Sorts `v` by `cmp`, stably (equal elements keep their order), like `slice::sort_by`.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    {
        let items: &[T] = v;
        sort_positions(&mut order, &mut |a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        });
    }
    permute(v, &order);
}

/// Sorts `v` by a key, stably, like `slice::sort_by_key`.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order, stably, like `slice::sort`.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// `v` in ascending order with each value once: what collecting into a `BTreeSet` gives,
/// without one more generic B-tree (about 1–1.5 KB of gzipped Wasm per element type).
pub fn sorted_set<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    sort(&mut v);
    v.dedup();
    v
}

/// Sorts (text, position) pairs by text, stably: the one list type of the lookups by name
/// (role names, Fusion rule ids), so they share one sort.
pub fn by_text(list: &mut [(String, usize)]) {
    sort_by(list, |a, b| a.0.cmp(&b.0));
}

/// The entries of a list sorted by [`by_text`] whose text is `text`, in their order.
pub fn with_text<'a>(list: &'a [(String, usize)], text: &str) -> &'a [(String, usize)] {
    let from = list.partition_point(|(t, _)| t.as_str() < text);
    let rest = list.get(from..).unwrap_or_default();
    rest.get(..rest.partition_point(|(t, _)| t == text)).unwrap_or_default()
}

/// The one instance of the standard sort: positions compared through `cmp`.
#[inline(never)]
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|&a, &b| cmp(a, b));
}

/// Puts `v` in `order` (`order[k]` is the position of the element that goes to `k`), in place:
/// each cycle of the permutation is followed once with swaps, so only `swap` is per type.
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut done = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while let Some((seen, &next)) = done.get_mut(k).zip(order.get(k)) {
            if *seen {
                break;
            }
            *seen = true;
            if next == start {
                break;
            }
            v.swap(k, next);
            k = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_stably_like_the_standard_sort() {
        let mut ours = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e'), (0, 'f')];
        let mut std = ours.clone();
        sort_by_key(&mut ours, |p| p.0);
        std.sort_by_key(|p| p.0);
        assert_eq!(ours, std);
        assert_eq!(ours, [(0, 'f'), (1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);
        let mut words = vec!["b", "a", "c"];
        sort(&mut words);
        assert_eq!(words, ["a", "b", "c"]);
    }

    #[test]
    fn entries_are_found_by_their_whole_text_in_their_order() {
        let mut list: Vec<(String, usize)> = ["b", "c", "a", "b", "bb"]
            .iter()
            .map(|t| t.to_string())
            .zip(0..)
            .collect();
        by_text(&mut list);
        let at = |text: &str| with_text(&list, text).iter().map(|e| e.1).collect::<Vec<_>>();
        assert_eq!(at("b"), [0, 3]);
        assert_eq!(at("bb"), [4]);
        assert!(at("").is_empty() && at("d").is_empty() && at("ba").is_empty());
    }
}
