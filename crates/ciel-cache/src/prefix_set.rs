//! A set of key prefixes that tells in a few hash lookups whether a key starts with any of
//! them (one lookup per distinct prefix length), so one pass over the keys serves thousands of
//! prefixes at once.

use std::collections::{BTreeSet, HashSet};

/// Prefixes to match keys against.
pub(crate) struct PrefixSet {
    prefixes: HashSet<String>,
    lengths: BTreeSet<usize>,
}

impl PrefixSet {
    /// The set of `prefixes`.
    pub(crate) fn new(prefixes: impl IntoIterator<Item = String>) -> Self {
        let prefixes: HashSet<String> = prefixes.into_iter().collect();
        let lengths = prefixes.iter().map(String::len).collect();
        Self { prefixes, lengths }
    }

    /// Whether `key` starts with one of the prefixes.
    pub(crate) fn matches(&self, key: &str) -> bool {
        self.lengths.iter().any(|&len| {
            key.is_char_boundary(len) && len <= key.len() && self.prefixes.contains(&key[..len])
        })
    }

    /// The longest prefix every member shares (empty for an empty set).
    pub(crate) fn common_prefix(&self) -> String {
        let mut members = self.prefixes.iter();
        let Some(first) = members.next() else {
            return String::new();
        };
        let mut common: &str = first;
        for p in members {
            let shared = common
                .char_indices()
                .zip(p.chars())
                .find(|((_, a), b)| a != b)
                .map_or(common.len().min(p.len()), |((i, _), _)| i);
            let mut cut = shared.min(p.len());
            while !common.is_char_boundary(cut) {
                cut -= 1;
            }
            common = &common[..cut];
        }
        common.to_owned()
    }

    /// Whether there are no prefixes.
    pub(crate) fn is_empty(&self) -> bool {
        self.prefixes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_any_prefix_exactly() {
        let set = PrefixSet::new([
            "feed:stories:u1:".to_owned(),
            "feed:stories:u22:".to_owned(),
        ]);
        assert!(set.matches("feed:stories:u1:30"));
        assert!(set.matches("feed:stories:u22:1"));
        assert!(set.matches("feed:stories:u1:"));
        assert!(!set.matches("feed:stories:u10:30"));
        assert!(!set.matches("feed:stories:u2:30"));
        assert!(!set.matches("feed:"));
        assert_eq!(set.common_prefix(), "feed:stories:u");
    }

    #[test]
    fn nested_prefixes_and_unicode_are_safe() {
        let set = PrefixSet::new(["é".to_owned(), "éa".to_owned(), "ê".to_owned()]);
        assert!(set.matches("éz"));
        assert!(set.matches("ê"));
        assert!(!set.matches("e"));
        // 'é' and 'ê' share their first UTF-8 byte: the common prefix must not split it.
        assert_eq!(set.common_prefix(), "");
        assert!(PrefixSet::new(Vec::new()).is_empty());
        assert_eq!(PrefixSet::new(["ab".to_owned()]).common_prefix(), "ab");
    }
}
