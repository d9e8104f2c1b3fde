//! Positions of a verdict's reasons in a report's list of reasons.
//!
//! Why a type of its own: a dense tenant's report has millions of verdicts, and nearly every
//! one cites one to three reasons. As a `Vec` each list was 24 bytes in the verdict and an
//! allocation of its own, made and freed once per verdict. Here up to three positions sit in
//! the 16 bytes the list takes in the verdict; longer lists go to the heap.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Deref, DerefMut};

/// How many positions fit without an allocation.
const INLINE: usize = 3;

/// A short list of positions in [`crate::Report::reasons`] (or, during evaluation, in the
/// evaluation's own list). Reads and writes as a JSON array of numbers, like a `Vec`.
#[derive(Clone)]
pub struct Positions(Store);

#[derive(Clone)]
enum Store {
    /// The first `len` of `at` are the list.
    Inline { len: u8, at: [u32; INLINE] },
    /// Boxed twice so that this variant is one pointer and the type stays 16 bytes; lists
    /// this long are rare.
    #[allow(clippy::box_collection)]
    Heap(Box<Vec<u32>>),
}

impl Default for Positions {
    fn default() -> Self {
        Self::new()
    }
}

/// A position (or a count of them) as held. A list of reasons cannot reach 2^32 entries in
/// memory (each is a shared sentence of tens of bytes or more); should one ever be out of
/// range, it becomes a position no list has, which readers skip
/// ([`crate::Report::reasons_at`]), and a count stops at the largest.
pub(crate) fn narrow(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Positions {
    pub const fn new() -> Self {
        Positions(Store::Inline {
            len: 0,
            at: [0; INLINE],
        })
    }

    /// The list of a single position.
    pub fn one(at: usize) -> Self {
        let mut list = Self::new();
        list.push(at);
        list
    }

    pub fn push(&mut self, at: usize) {
        let at = narrow(at);
        match &mut self.0 {
            Store::Inline { len, at: inline } => {
                if let Some(slot) = inline.get_mut(usize::from(*len)) {
                    *slot = at;
                    *len += 1;
                } else {
                    let mut heap = Vec::with_capacity(INLINE * 2);
                    heap.extend_from_slice(inline);
                    heap.push(at);
                    self.0 = Store::Heap(Box::new(heap));
                }
            }
            Store::Heap(heap) => heap.push(at),
        }
    }

    /// Keeps the positions for which `keep` returns true (it may change them), in order.
    pub fn retain_mut(&mut self, mut keep: impl FnMut(&mut u32) -> bool) {
        let old = std::mem::take(self);
        for mut at in old.iter().copied() {
            if keep(&mut at) {
                self.push(at as usize);
            }
        }
    }
}

impl Deref for Positions {
    type Target = [u32];

    fn deref(&self) -> &[u32] {
        match &self.0 {
            Store::Inline { len, at } => at.get(..usize::from(*len)).unwrap_or_default(),
            Store::Heap(heap) => heap,
        }
    }
}

impl DerefMut for Positions {
    fn deref_mut(&mut self) -> &mut [u32] {
        match &mut self.0 {
            Store::Inline { len, at } => at.get_mut(..usize::from(*len)).unwrap_or_default(),
            Store::Heap(heap) => heap,
        }
    }
}

impl FromIterator<usize> for Positions {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut list = Self::new();
        list.extend(iter);
        list
    }
}

impl Extend<usize> for Positions {
    fn extend<I: IntoIterator<Item = usize>>(&mut self, iter: I) {
        for at in iter {
            self.push(at);
        }
    }
}

impl From<Vec<usize>> for Positions {
    fn from(list: Vec<usize>) -> Self {
        list.into_iter().collect()
    }
}

/// Equal when they hold the same positions, however stored.
impl PartialEq for Positions {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Positions {}

impl fmt::Debug for Positions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Positions {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Positions {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Vec::<u32>::deserialize(d)?.into_iter().map(|at| at as usize).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_list_is_no_larger_than_two_words() {
        assert_eq!(std::mem::size_of::<Positions>(), 16);
    }

    #[test]
    fn out_of_range_positions_become_one_no_list_has() {
        assert_eq!(&*Positions::one(usize::MAX), &[u32::MAX]);
    }

    proptest! {
        /// Whatever its length, a list holds, keeps, compares, writes and reads back what a
        /// `Vec` would.
        #[test]
        fn behaves_as_a_vec(values in proptest::collection::vec(0u32..1_000, 0..9), cut in 0u32..1_000) {
            let as_vec: Vec<usize> = values.iter().map(|&v| v as usize).collect();
            let mut list = Positions::from(as_vec.clone());
            prop_assert_eq!(&*list, values.as_slice());
            prop_assert_eq!(format!("{list:?}"), format!("{values:?}"));
            let json = serde_json::to_string(&list).unwrap_or_default();
            prop_assert_eq!(&json, &serde_json::to_string(&values).unwrap_or_default());
            let back: Option<Positions> = serde_json::from_str(&json).ok();
            prop_assert_eq!(back.as_ref(), Some(&list));

            let mut kept_vec = values.clone();
            kept_vec.retain_mut(|v| { *v += 1; *v <= cut });
            list.retain_mut(|v| { *v += 1; *v <= cut });
            prop_assert_eq!(&*list, kept_vec.as_slice());
            // Equal to a list built afresh from the same positions, however each is stored.
            let fresh = Positions::from(kept_vec.iter().map(|&v| v as usize).collect::<Vec<_>>());
            prop_assert_eq!(&list, &fresh);

            for v in list.iter_mut() { *v *= 2; }
            prop_assert_eq!(list.iter().copied().collect::<Vec<_>>(),
                kept_vec.iter().map(|v| v * 2).collect::<Vec<_>>());
        }
    }
}
