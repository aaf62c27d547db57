//! What one build made, kept for the next: the one mechanism behind
//! `dudao serve`'s memos (parsed YAML in `load`, validated files in
//! `validate`, serialised rubrics in `render`).
//!
//! The bottom layer: every other module may use it, and it uses nothing of
//! ours. A [`Kept`] maps a key (what a value is made of: a file's text
//! hash, a rubric's `content_hash`) to the value made of it. A value a
//! build did not use is dropped when the build ends
//! ([`Kept::forget_unused`]), so the memo holds about one build's values:
//! an edited file's old value goes, and nothing grows without bound over a
//! long serve session. A build that fails before its end forgets nothing,
//! so the next build finds what either of them used.
//!
//! A memo in a `static` starts off ([`Kept::off`]): `dudao build` and
//! `check` keep nothing, and only serve turns it on ([`Kept::turn_on`]).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Values made in one build, by key, for the next (see the module docs).
/// Values are handed out by `clone`: make them cheap to clone (an `Arc`).
pub struct Kept<K, V> {
    state: Mutex<Option<State<K, V>>>,
}

struct State<K, V> {
    /// Key → the value and the generation of the build that last used it.
    entries: HashMap<K, (V, u64)>,
    /// Bumped by [`Kept::forget_unused`].
    generation: u64,
}

impl<K, V> Default for Kept<K, V> {
    /// A memo that keeps from the start (one owned by serve's cache).
    fn default() -> Self {
        Kept {
            state: Mutex::new(Some(State {
                entries: HashMap::new(),
                generation: 0,
            })),
        }
    }
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    /// A memo that keeps nothing until [`Kept::turn_on`]: for a `static`.
    pub const fn off() -> Self {
        Kept {
            state: Mutex::new(None),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Option<State<K, V>>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps values from now on; a memo already on keeps what it holds.
    pub fn turn_on(&self) {
        self.lock().get_or_insert_with(|| State {
            entries: HashMap::new(),
            generation: 0,
        });
    }

    /// Whether the memo keeps anything (see [`Kept::off`]).
    pub fn is_on(&self) -> bool {
        self.lock().is_some()
    }

    /// The value kept under `key`, marked used by this build.
    pub fn get(&self, key: &K) -> Option<V> {
        let mut state = self.lock();
        let state = state.as_mut()?;
        let generation = state.generation;
        let (value, used) = state.entries.get_mut(key)?;
        *used = generation;
        Some(value.clone())
    }

    /// Keeps `value` under `key` (replacing what was there), used by this
    /// build; nothing when the memo is off.
    pub fn keep(&self, key: K, value: V) {
        if let Some(state) = self.lock().as_mut() {
            let generation = state.generation;
            state.entries.insert(key, (value, generation));
        }
    }

    /// The value kept under `key`, or the one `make` makes, kept. `make`
    /// runs outside the lock, so that threads making values for other keys
    /// do not wait for each other; two threads may then both make the
    /// value of one key, and the last one made is kept.
    pub fn get_or_make(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.get(&key) {
            return value;
        }
        let value = make();
        self.keep(key, value.clone());
        value
    }

    /// Ends a build: drops every value it did not use.
    pub fn forget_unused(&self) {
        if let Some(state) = self.lock().as_mut() {
            let generation = state.generation;
            state.entries.retain(|_, (_, used)| *used == generation);
            state.generation += 1;
        }
    }

    /// How many values are kept.
    pub fn len(&self) -> usize {
        self.lock().as_ref().map_or(0, |state| state.entries.len())
    }

    /// Whether no value is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_dropped_after_a_build_that_did_not_use_it() {
        let kept: Kept<&str, u32> = Kept::default();
        let made = std::cell::Cell::new(0);
        let make = |value: u32| {
            made.set(made.get() + 1);
            value
        };
        assert_eq!(kept.get_or_make("a", || make(1)), 1);
        assert_eq!(kept.get_or_make("b", || make(2)), 2);
        kept.forget_unused();
        assert_eq!(made.get(), 2);

        assert_eq!(kept.get_or_make("a", || make(10)), 1, "kept");
        kept.forget_unused();
        assert_eq!(made.get(), 2);
        assert_eq!(kept.len(), 1, "b went unused by the last build");
        assert_eq!(kept.get(&"b"), None);
    }

    #[test]
    fn a_build_that_never_ends_forgets_nothing() {
        let kept: Kept<&str, u32> = Kept::default();
        kept.keep("a", 1);
        kept.keep("b", 2);
        kept.forget_unused();
        // A build uses `a`, then fails: no forget_unused.
        assert_eq!(kept.get(&"a"), Some(1));
        // The next build uses `b` and ends: both stay, `a` for one more build.
        assert_eq!(kept.get(&"b"), Some(2));
        kept.forget_unused();
        assert_eq!((kept.get(&"a"), kept.get(&"b")), (Some(1), Some(2)));
    }

    #[test]
    fn an_off_memo_keeps_nothing_until_turned_on() {
        static KEPT: Kept<u32, u32> = Kept::off();
        assert!(!KEPT.is_on());
        assert_eq!(KEPT.get_or_make(1, || 1), 1);
        assert_eq!(KEPT.get_or_make(1, || 2), 2, "made again");
        assert!(KEPT.is_empty());
        KEPT.turn_on();
        assert_eq!(KEPT.get_or_make(1, || 3), 3);
        assert_eq!(KEPT.get_or_make(1, || 4), 3, "kept");
        KEPT.turn_on();
        assert_eq!(KEPT.get(&1), Some(3), "turning on again keeps what is kept");
    }
}
