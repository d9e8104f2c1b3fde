//! `memcmp` and `bcmp` for the WebAssembly builds, eight bytes at a time.
//!
//! Why: a Wasm module has no C library, so every byte comparison (`==` on `str` in a hash
//! table's key check, `str` ordering, `starts_with`) ends in compiler-builtins' fallback
//! `memcmp`, which compares one byte per loop turn. Native builds get the C library's
//! vectorised one, so the fallback widened the gap the Wasm speed target measures: 5.5 % of
//! the JS API's samples on the 100k tenant (docs/performance-history.md, round 26).
//!
//! compiler-builtins defines its memory functions as weak symbols; the strong ones here win
//! at link time in any Wasm binary that links this crate. Native builds export nothing and
//! keep the C library's.
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

#[cfg(target_family = "wasm")]
mod symbols {
    /// C's `memcmp`.
    ///
    /// # Safety
    ///
    /// As [`compare`](super::compare).
    #[no_mangle]
    pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: memcmp's contract is compare's.
        unsafe { super::compare(a, b, n) }
    }

    /// C's `bcmp`: only whether the bytes differ counts, which `memcmp` also answers.
    ///
    /// # Safety
    ///
    /// As [`compare`](super::compare).
    #[no_mangle]
    pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
        // SAFETY: bcmp's contract is compare's.
        unsafe { super::compare(a, b, n) }
    }
}

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

    fn at(a: &[u8], b: &[u8], n: usize) -> i32 {
        assert!(n <= a.len() && n <= b.len());
        // SAFETY: both slices hold at least n bytes.
        unsafe { compare(a.as_ptr(), b.as_ptr(), n) }
    }

    /// Every length to 40, every offset within a word, a difference at every position,
    /// in both directions, and the bytes after `n` differing (they must not count).
    #[test]
    fn every_length_offset_and_first_difference() {
        let base: Vec<u8> = (0..64u8).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect();
        for offset in 0..8 {
            for n in 0..=40 {
                let a = &base[offset..offset + n + 8];
                let mut tail = a.to_vec();
                for t in &mut tail[n..] {
                    *t = t.wrapping_add(1);
                }
                assert_eq!(at(a, &tail, n), 0, "equal to n={n}, offset={offset}");
                for pos in 0..n {
                    for delta in [1u8, 0x80, 0xff] {
                        let mut b = a.to_vec();
                        b[pos] = b[pos].wrapping_add(delta);
                        // A later difference must not change the answer.
                        if pos + 1 < n {
                            b[n - 1] ^= 0x55;
                        }
                        assert_eq!(at(a, &b, n), expected(&a[..n], &b[..n]), "n={n} pos={pos}");
                        assert_eq!(at(&b, a, n), expected(&b[..n], &a[..n]), "n={n} pos={pos}");
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_definition(a in proptest::collection::vec(any::<u8>(), 0..80),
                                      b in proptest::collection::vec(any::<u8>(), 0..80)) {
            let n = a.len().min(b.len());
            prop_assert_eq!(at(&a, &b, n), expected(&a[..n], &b[..n]));
        }

        #[test]
        fn agrees_on_near_equal_strings(a in "[a-z/]{0,70}", pos in 0usize..70, byte in any::<u8>()) {
            let mut b = a.clone().into_bytes();
            if let Some(x) = b.get_mut(pos) {
                *x = byte;
            }
            let n = a.len();
            prop_assert_eq!(at(a.as_bytes(), &b, n), expected(a.as_bytes(), &b));
            prop_assert_eq!(at(a.as_bytes(), &b, n).signum(), a.as_bytes().cmp(&b[..]) as i32);
        }
    }
}
