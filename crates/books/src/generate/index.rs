//! Compact indexes for voucher generation. A big month has millions of rows, shipments and
//! orders: a `Vec` per order or a set entry per row costs more than the records' own keys.
//! So keys get dense ids once ([`KeyIds`]), each per-key list is one flat array ([`Lists`]),
//! per-key flags are bits ([`Flags`]), and "booked already" sets become the repeats found
//! once up front ([`repeats`]).

use std::hash::{BuildHasher, Hash};

use foldhash::fast::FixedState;
use foldhash::{HashMap, HashMapExt};

/// A dense id (0, 1, …) for each distinct key, in the order keys are first added.
pub(super) struct KeyIds<'a> {
    ids: HashMap<&'a str, usize>,
}

impl<'a> KeyIds<'a> {
    pub(super) fn with_capacity(capacity: usize) -> KeyIds<'a> {
        KeyIds {
            ids: HashMap::with_capacity(capacity),
        }
    }

    /// The id of `key`, new if it was not added before.
    pub(super) fn add(&mut self, key: &'a str) -> usize {
        let next = self.ids.len();
        *self.ids.entry(key).or_insert(next)
    }

    pub(super) fn get(&self, key: &str) -> Option<usize> {
        self.ids.get(key).copied()
    }

    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }
}

/// Items per key id in one flat array: those of id `i` are `items[starts[i]..starts[i + 1]]`,
/// in the order they were given. Ids past the last one given have no items.
pub(super) struct Lists<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Lists<T> {
    /// Lists of ids `0..ids` from `(id, item)` pairs (a counting sort: stable, linear).
    pub(super) fn new(ids: usize, pairs: Vec<(usize, T)>) -> Lists<T> {
        let Some(&(_, filler)) = pairs.first() else {
            return Lists {
                starts: Vec::new(),
                items: Vec::new(),
            };
        };
        let mut starts = vec![0u32; ids + 1];
        for &(id, _) in &pairs {
            starts[id + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        // `starts[id]` serves as the next free slot of `id`; once all are placed it is the
        // start of `id + 1`, so the starts are shifted back by one.
        let mut items = vec![filler; pairs.len()];
        for (id, item) in pairs {
            items[index(starts[id])] = item;
            starts[id] += 1;
        }
        starts.copy_within(0..ids, 1);
        starts[0] = 0;
        Lists { starts, items }
    }

    /// The items of `id`; none for no id.
    pub(super) fn of(&self, id: Option<usize>) -> &[T] {
        let Some(id) = id else { return &[] };
        match (self.starts.get(id), self.starts.get(id + 1)) {
            (Some(&start), Some(&end)) => &self.items[index(start)..index(end)],
            _ => &[],
        }
    }
}

fn index(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// One flag per id (or per position in a list); those past the end are unset.
pub(super) struct Flags {
    words: Vec<u64>,
}

impl Flags {
    pub(super) fn new(len: usize) -> Flags {
        Flags {
            words: vec![0; len.div_ceil(64)],
        }
    }

    pub(super) fn get(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Sets the flag of `i`; true when it was not set (as `HashSet::insert`).
    pub(super) fn insert(&mut self, i: usize) -> bool {
        if self.words.len() <= i / 64 {
            self.words.resize(i / 64 + 1, 0);
        }
        let word = &mut self.words[i / 64];
        let bit = 1 << (i % 64);
        let new = *word & bit == 0;
        *word |= bit;
        new
    }
}

/// The positions of `items` whose key equals that of an earlier item: the first one of each
/// key is the one kept. Found by sorting (hash, position) pairs, so only the flags outlive the
/// call, and keys are compared exactly within equal hashes.
pub(super) fn repeats<T, K: Hash + Eq>(items: &[T], key: impl Fn(&T) -> K) -> Flags {
    let hasher = FixedState::default();
    let mut by_hash: Vec<(u64, usize)> = items
        .iter()
        .enumerate()
        .map(|(i, item)| (hasher.hash_one(key(item)), i))
        .collect();
    by_hash.sort_unstable();
    let mut repeated = Flags::new(items.len());
    // Positions of the distinct keys of the current run of equal hashes (almost always one).
    let mut firsts: Vec<usize> = Vec::new();
    for (n, &(hash, i)) in by_hash.iter().enumerate() {
        if n == 0 || by_hash[n - 1].0 != hash {
            firsts.clear();
        }
        let k = key(&items[i]);
        if firsts.iter().any(|&f| key(&items[f]) == k) {
            repeated.insert(i);
        } else {
            firsts.push(i);
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_keep_the_order_items_were_given_in() {
        let mut ids = KeyIds::with_capacity(0);
        let given = [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5), ("b", 6)];
        let pairs = given.iter().map(|&(k, v)| (ids.add(k), v)).collect();
        let lists = Lists::new(ids.len(), pairs);
        assert_eq!(lists.of(ids.get("b")), [1, 3, 6]);
        assert_eq!(lists.of(ids.get("a")), [2, 5]);
        assert_eq!(lists.of(ids.get("c")), [4]);
        assert!(lists.of(ids.get("d")).is_empty());
        // An id added after the lists were made has none.
        let late = ids.add("d");
        assert!(lists.of(Some(late)).is_empty());
        assert!(Lists::<i32>::new(3, Vec::new()).of(Some(1)).is_empty());
    }

    #[test]
    fn lists_leave_ids_without_items_empty() {
        let lists = Lists::new(5, vec![(4, 'x'), (1, 'y'), (4, 'z')]);
        let got: Vec<&[char]> = (0..6).map(|i| lists.of(Some(i))).collect();
        assert_eq!(got, [&[][..], &['y'], &[], &[], &['x', 'z'], &[]]);
    }

    #[test]
    fn repeats_keep_the_first_of_each_key() {
        let items = ["a", "b", "a", "c", "b", "a", "d"];
        let repeated = repeats(&items, |s| *s);
        let got: Vec<bool> = (0..items.len()).map(|i| repeated.get(i)).collect();
        assert_eq!(got, [false, false, true, false, true, true, false]);
    }

    #[test]
    fn repeats_compare_keys_when_hashes_collide() {
        // A key whose hash ignores half of it: equal hashes, different keys.
        #[derive(PartialEq, Eq)]
        struct Half(u32, u32);
        impl Hash for Half {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.0.hash(state);
            }
        }
        let items = [(1, 1), (1, 2), (1, 1), (2, 1), (1, 2), (1, 3)];
        let repeated = repeats(&items, |&(a, b)| Half(a, b));
        let got: Vec<bool> = (0..items.len()).map(|i| repeated.get(i)).collect();
        assert_eq!(got, [false, false, true, false, true, false]);
    }

    #[test]
    fn flags_insert_says_whether_the_flag_was_new() {
        let mut flags = Flags::new(3);
        assert!(!flags.get(2) && !flags.get(200));
        assert!(flags.insert(2));
        assert!(!flags.insert(2));
        assert!(flags.insert(200));
        assert!(flags.get(2) && flags.get(200) && !flags.get(1));
    }
}
