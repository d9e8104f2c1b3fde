//! `memcmp` for the WebAssembly builds, eight bytes at a time.
//!
//! Why: a Wasm module has no C library, so byte comparisons that LLVM does not expand inline
//! (`==` on `str` in a hash table's key check, `str` ordering, `starts_with`) end in
//! compiler-builtins' fallback `memcmp`, which compares one byte per loop turn. Native builds
//! get the C library's vectorised one, so the fallback widened the gap the Wasm speed target
//! measures: 5.5 % of the JS API's samples on the 100k tenant in round 25's profile
//! (docs/performance-history.md, round 26).
//!
//! compiler-builtins defines its memory functions as weak symbols; the strong one here wins
//! at link time in a `wasm32-unknown-unknown` binary that links this crate. Other Wasm targets
//! (WASI, Emscripten) have a C library of their own, and native builds keep theirs: the
//! symbol exists on none of them.
//!
//! `no_builtins` stops LLVM from recognising the loops below as a comparison idiom and
//! compiling them into a call to `memcmp`, which would now be this function.
#![cfg_attr(not(test), no_std)]
#![no_builtins]

/// Compares `n` bytes at `a` with `n` bytes at `b` as C's `memcmp` does: zero when equal,
/// otherwise the difference of the first pair of bytes that differ, as unsigned values.
///
/// # Safety
///
/// `a` and `b` must each be valid for reads of `n` bytes. They need no alignment.
pub unsafe fn compare(a: *const u8, b: *const u8, n: usize) -> i32 {
    let mut i = 0;
    // Whole words first: Wasm loads need no alignment, and one 64-bit load and compare
    // replaces eight byte loops' turns.
    while n - i >= 8 {
        // SAFETY: i + 8 <= n, so both eight-byte reads stay inside what the caller vouched
        // for; a `[u8; 8]` needs no alignment.
        let (x, y) = unsafe { (a.add(i).cast::<[u8; 8]>().read(), b.add(i).cast::<[u8; 8]>().read()) };
        // A differing word leaves the rest to the byte loop, which finds the byte within it.
        if u64::from_ne_bytes(x) != u64::from_ne_bytes(y) {
            break;
        }
        i += 8;
    }
    while i < n {
        // SAFETY: i < n.
        let (x, y) = unsafe { (*a.add(i), *b.add(i)) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
        i += 1;
    }
    0
}

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
mod symbols {
    /// C's `memcmp`. (Not `bcmp` as well: LLVM does not call it on this target.)
    ///
    /// # Safety
    ///
    /// As [`compare`](super::compare).
    #[no_mangle]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: memcmp's contract is compare's.
        unsafe { super::compare(a, b, n) }
    }
}

// Also run under Miri, which reports a read past the end (about 7 minutes; not in CI):
// MIRIFLAGS=-Zmiri-disable-isolation PROPTEST_CASES=16 cargo +nightly miri test -p sentinel-readiness-memcmp
#[cfg(test)]
mod tests {
    use super::compare;
    use proptest::prelude::*;

    /// What C's memcmp must answer, by its definition.
    fn expected(a: &[u8], b: &[u8]) -> i32 {
        a.iter()
            .zip(b)
            .find(|(x, y)| x != y)
            .map_or(0, |(x, y)| i32::from(*x) - i32::from(*y))
    }

    /// `bytes` at `offset` in an allocation that ends where they end, so that reading one
    /// byte too far leaves the allocation (which Miri reports) and the start sits at every
    /// offset within a word.
    fn placed(bytes: &[u8], offset: usize) -> Box<[u8]> {
        let mut v = vec![0xa5; offset];
        v.extend_from_slice(bytes);
        v.into_boxed_slice()
    }

    /// Compares `a` and `b` (of one length) placed at the two offsets.
    fn at(a: &[u8], oa: usize, b: &[u8], ob: usize) -> i32 {
        assert_eq!(a.len(), b.len());
        let (pa, pb) = (placed(a, oa), placed(b, ob));
        // SAFETY: each allocation holds `a.len()` bytes from its offset on.
        unsafe { compare(pa[oa..].as_ptr(), pb[ob..].as_ptr(), a.len()) }
    }

    /// Every length to nine words, both pointers at every offset within a word, the first
    /// difference at every position and in both directions, with a later difference that
    /// must not count. (Under Miri, a smaller grid: it runs a thousand times slower.)
    #[test]
    fn every_length_offset_and_first_difference() {
        let (longest, offsets): (usize, &[usize]) = if cfg!(miri) {
            (20, &[0, 3, 5])
        } else {
            (72, &[0, 1, 2, 3, 4, 5, 6, 7])
        };
        let base: Vec<u8> = (0..80u8).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect();
        for oa in 0..8 {
            for &ob in offsets {
                for n in 0..=longest {
                    let a = &base[..n];
                    assert_eq!(at(a, oa, a, ob), 0, "equal, n={n}, offsets {oa}/{ob}");
                    for pos in 0..n {
                        for delta in [1u8, 0x80, 0xff] {
                            let mut b = a.to_vec();
                            b[pos] = b[pos].wrapping_add(delta);
                            if pos + 1 < n {
                                b[n - 1] ^= 0x55;
                            }
                            assert_eq!(at(a, oa, &b, ob), expected(a, &b), "n={n} pos={pos} {oa}/{ob}");
                            assert_eq!(at(&b, ob, a, oa), expected(&b, a), "n={n} pos={pos} {ob}/{oa}");
                        }
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_definition(a in proptest::collection::vec(any::<u8>(), 0..200),
                                      b in proptest::collection::vec(any::<u8>(), 0..200),
                                      oa in 0usize..8, ob in 0usize..8) {
            let n = a.len().min(b.len());
            prop_assert_eq!(at(&a[..n], oa, &b[..n], ob), expected(&a[..n], &b[..n]));
        }

        #[test]
        fn agrees_on_near_equal_texts(a in "[a-z/]{0,150}", pos in 0usize..150, byte in any::<u8>()) {
            let mut b = a.clone().into_bytes();
            if let Some(x) = b.get_mut(pos) {
                *x = byte;
            }
            prop_assert_eq!(at(a.as_bytes(), 1, &b, 6), expected(a.as_bytes(), &b));
            prop_assert_eq!(at(a.as_bytes(), 0, &b, 0).signum(), a.as_bytes().cmp(&b[..]) as i32);
        }
    }
}
