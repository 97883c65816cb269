//! [`Dict`]: a Python `dict` with `str` keys, in insertion order, as Python keeps it.

use std::fmt;

use compact_str::CompactString;

use super::Value;

/// A dict with `str` keys in insertion order, as a Python `dict` keeps them (a
/// `session` read from a server-side store, or written back to it, needs that order);
/// Flask's cookie JSON still writes keys sorted ([`iter_sorted`](Dict::iter_sorted)).
/// One vector of entries; lookups by binary search, over the entries themselves while
/// they happen to be in key order (as JSON from Flask arrives), else over a sorted
/// index of positions.
///
/// Equality is a Python dict's: the same keys with equal values, in any order.
///
/// ```
/// use flask_session_cookie::{Dict, Value};
///
/// let mut d = Dict::new();
/// d.insert("b", 2);
/// d.insert("a", 1);
/// assert_eq!(d.insert("a", 3), Some(Value::from(1)));
/// assert_eq!(d.keys().collect::<Vec<_>>(), ["b", "a"]);
/// assert_eq!(d.iter_sorted().map(|(k, _)| k).collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(d.get("a"), Some(&Value::from(3)));
/// ```
#[derive(Clone, Default)]
pub struct Dict {
    /// Keys up to 24 bytes live inline: reading a session allocates no key.
    entries: Vec<(Key, Value)>,
    /// The positions of `entries` in key order, or `None` while `entries` are in key
    /// order themselves.
    index: Option<Vec<u32>>,
}

/// A dict key: inline up to 24 bytes.
pub(crate) type Key = CompactString;

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl PartialEq for Dict {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// A position in the entries as stored in the index (the value limits keep a dict far
/// below 2^32 entries; a larger one is refused when it is built).
fn pos32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

impl Dict {
    /// An empty dict.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::new().is_empty());
    /// ```
    pub const fn new() -> Self {
        Dict {
            entries: Vec::new(),
            index: None,
        }
    }

    /// An empty dict with room for `n` entries.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::with_capacity(4).is_empty());
    /// ```
    pub fn with_capacity(n: usize) -> Self {
        Dict {
            entries: Vec::with_capacity(n),
            index: None,
        }
    }

    /// Builds a dict from entries in insertion order; of duplicate keys the last
    /// value wins at the first one's place, as in a Python dict literal or
    /// `json.loads`. O(n log n).
    pub(crate) fn from_entries(mut entries: Vec<(Key, Value)>) -> Self {
        let sorted = entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if sorted {
            return Dict {
                entries,
                index: None,
            };
        }
        // Positions in key order; equal keys stay in text order (a stable sort).
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| entries.get(i).map(|(k, _)| k.as_str());
            key(a).cmp(&key(b))
        });
        // Of a run of equal keys, the first place keeps the last value.
        let mut keep = vec![true; entries.len()];
        let mut run_start = 0;
        while run_start < order.len() {
            let key_at = |j: usize| {
                order
                    .get(j)
                    .and_then(|&i| entries.get(i))
                    .map(|(k, _)| k.clone())
            };
            let first_key = key_at(run_start);
            let mut run_end = run_start + 1;
            while run_end < order.len() && key_at(run_end) == first_key {
                run_end += 1;
            }
            if run_end - run_start > 1
                && let (Some(&first), Some(&last)) = (order.get(run_start), order.get(run_end - 1))
            {
                let value = entries
                    .get_mut(last)
                    .map(|(_, v)| std::mem::replace(v, Value::None));
                if let (Some(value), Some(slot)) = (value, entries.get_mut(first)) {
                    slot.1 = value;
                }
                for &dup in order.get(run_start + 1..run_end).unwrap_or_default() {
                    if let Some(k) = keep.get_mut(dup) {
                        *k = false;
                    }
                }
            }
            run_start = run_end;
        }
        // Drop the later duplicates; positions move down by the drops before them.
        let mut new_pos = Vec::with_capacity(entries.len());
        let mut kept = 0usize;
        for &k in &keep {
            new_pos.push(kept);
            kept += usize::from(k);
        }
        let mut flags = keep.iter();
        entries.retain(|_| flags.next().copied().unwrap_or(true));
        let index: Vec<u32> = order
            .iter()
            .filter(|&&i| keep.get(i).copied().unwrap_or(false))
            .map(|&i| pos32(new_pos.get(i).copied().unwrap_or(0)))
            .collect();
        let mut dict = Dict {
            entries,
            index: Some(index),
        };
        dict.drop_index_if_sorted();
        dict
    }

    /// Forgets the index when the entries are in key order by themselves.
    fn drop_index_if_sorted(&mut self) {
        let in_order = self
            .index
            .as_ref()
            .is_none_or(|index| index.iter().enumerate().all(|(i, &p)| p as usize == i));
        if in_order {
            self.index = None;
        }
    }

    /// The entry at position `i` of the key order.
    fn sorted_entry(&self, i: usize) -> Option<&(Key, Value)> {
        match &self.index {
            None => self.entries.get(i),
            Some(index) => index.get(i).and_then(|&p| self.entries.get(p as usize)),
        }
    }

    /// Where `key` is in the key order (`Ok`), or where it would go (`Err`).
    fn search(&self, key: &str) -> Result<usize, usize> {
        let (mut lo, mut hi) = (0, self.entries.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.sorted_entry(mid).map(|(k, _)| k.as_str().cmp(key)) {
                Some(std::cmp::Ordering::Less) => lo = mid + 1,
                Some(std::cmp::Ordering::Greater) => hi = mid,
                Some(std::cmp::Ordering::Equal) => return Ok(mid),
                None => return Err(lo),
            }
        }
        Err(lo)
    }

    /// The position in `entries` of `key`.
    fn find(&self, key: &str) -> Option<usize> {
        let at = self.search(key).ok()?;
        match &self.index {
            None => Some(at),
            Some(index) => index.get(at).map(|&p| p as usize),
        }
    }

    /// The number of entries.
    ///
    /// ```
    /// assert_eq!(flask_session_cookie::Dict::new().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    ///
    /// ```
    /// assert!(flask_session_cookie::Dict::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value under `key`.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.get("a").is_some() && d.get("b").is_none());
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.find(key)
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// The value under `key`, mutably.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, Value};
    /// let mut d: Dict = [("a", 1)].into_iter().collect();
    /// if let Some(v) = d.get_mut("a") { *v = Value::from(2); }
    /// assert_eq!(d.get("a"), Some(&Value::from(2)));
    /// ```
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        let i = self.find(key)?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.contains_key("a"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_some()
    }

    /// Sets `key` to `value`, returning the old value. A new key goes last; an
    /// existing one keeps its place, as in a Python dict.
    ///
    /// ```
    /// let mut d = flask_session_cookie::Dict::new();
    /// assert!(d.insert("a", 1).is_none());
    /// assert!(d.insert("a", 2).is_some());
    /// ```
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<Value>) -> Option<Value> {
        let key = key.as_ref();
        // Appending in key order (as JSON from Flask arrives) is the common case.
        if self.index.is_none()
            && self
                .entries
                .last()
                .is_none_or(|(last, _)| last.as_str() < key)
        {
            self.entries.push((Key::from(key), value.into()));
            return None;
        }
        match self.search(key) {
            Ok(at) => {
                let i = match &self.index {
                    None => at,
                    Some(index) => index.get(at).map_or(usize::MAX, |&p| p as usize),
                };
                self.entries
                    .get_mut(i)
                    .map(|(_, v)| std::mem::replace(v, value.into()))
            }
            Err(at) => {
                let len = self.entries.len();
                let index = self
                    .index
                    .get_or_insert_with(|| (0..len).map(pos32).collect());
                index.insert(at.min(index.len()), pos32(len));
                self.entries.push((Key::from(key), value.into()));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.remove("a").is_some());
    /// assert!(d.is_empty());
    /// ```
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.search(key).ok()?;
        let i = match &mut self.index {
            None => at,
            Some(index) => {
                let i = index.get(at).map(|&p| p as usize)?;
                index.remove(at);
                for p in index.iter_mut() {
                    if *p as usize > i {
                        *p -= 1;
                    }
                }
                i
            }
        };
        if i >= self.entries.len() {
            return None;
        }
        let (_, value) = self.entries.remove(i);
        self.drop_index_if_sorted();
        Some(value)
    }

    /// Removes every entry.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// d.clear();
    /// assert!(d.is_empty());
    /// ```
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
    }

    /// The entries in insertion order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("b", 2), ("a", 1)].into_iter().collect();
    /// let keys: Vec<&str> = d.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["b", "a"]);
    /// ```
    pub fn iter(&self) -> DictIter<'_> {
        DictIter {
            inner: self.entries.iter(),
        }
    }

    /// The entries in key order (code points), as Flask's `sort_keys=True` writes
    /// them.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("b", 2), ("a", 1)].into_iter().collect();
    /// let keys: Vec<&str> = d.iter_sorted().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn iter_sorted(&self) -> SortedIter<'_> {
        SortedIter {
            dict: self,
            front: 0,
            back: self.entries.len(),
        }
    }

    /// The keys in insertion order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.keys().next(), Some("a"));
    /// ```
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in insertion order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.values().count(), 1);
    /// ```
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in insertion order, mutably.
    ///
    /// ```
    /// use flask_session_cookie::{Dict, Value};
    /// let mut d: Dict = [("a", 1)].into_iter().collect();
    /// for v in d.values_mut() { *v = Value::None; }
    /// assert_eq!(d.get("a"), Some(&Value::None));
    /// ```
    pub fn values_mut(
        &mut self,
    ) -> impl DoubleEndedIterator<Item = &mut Value> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// Keeps only the entries for which `f` returns true.
    ///
    /// ```
    /// let mut d: flask_session_cookie::Dict = [("a", 1), ("b", 2)].into_iter().collect();
    /// d.retain(|k, _| k != "a");
    /// assert_eq!(d.len(), 1);
    /// ```
    pub fn retain(&mut self, mut f: impl FnMut(&str, &mut Value) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k.as_str(), v));
        if self.index.is_some() {
            let entries = std::mem::take(&mut self.entries);
            *self = Dict::from_entries(entries);
        }
    }
}

/// An iterator over a [`Dict`]'s entries in key order: [`Dict::iter_sorted`].
#[derive(Debug, Clone)]
pub struct SortedIter<'a> {
    dict: &'a Dict,
    front: usize,
    back: usize,
}

impl<'a> Iterator for SortedIter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        let entry = self.dict.sorted_entry(self.front);
        self.front += 1;
        entry.map(|(k, v)| (k.as_str(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for SortedIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.dict
            .sorted_entry(self.back)
            .map(|(k, v)| (k.as_str(), v))
    }
}

impl ExactSizeIterator for SortedIter<'_> {}

/// An iterator over a [`Dict`]'s entries in insertion order.
#[derive(Debug, Clone)]
pub struct DictIter<'a> {
    inner: std::slice::Iter<'a, (Key, Value)>,
}

impl<'a> Iterator for DictIter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.as_str(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for DictIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k.as_str(), v))
    }
}

impl ExactSizeIterator for DictIter<'_> {}

impl<'a> IntoIterator for &'a Dict {
    type Item = (&'a str, &'a Value);
    type IntoIter = DictIter<'a>;
    fn into_iter(self) -> DictIter<'a> {
        self.iter()
    }
}

impl IntoIterator for Dict {
    type Item = (String, Value);
    type IntoIter = DictIntoIter;
    fn into_iter(self) -> DictIntoIter {
        DictIntoIter {
            inner: self.entries.into_iter(),
        }
    }
}

/// An owning iterator over a [`Dict`]'s entries in insertion order.
#[derive(Debug)]
pub struct DictIntoIter {
    inner: std::vec::IntoIter<(Key, Value)>,
}

impl Iterator for DictIntoIter {
    type Item = (String, Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next().map(|(k, v)| (k.into_string(), v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl DoubleEndedIterator for DictIntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.inner.next_back().map(|(k, v)| (k.into_string(), v))
    }
}

impl ExactSizeIterator for DictIntoIter {}

impl<K: AsRef<str>, V: Into<Value>> FromIterator<(K, V)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Dict::from_entries(
            iter.into_iter()
                .map(|(k, v)| (Key::from(k.as_ref()), v.into()))
                .collect(),
        )
    }
}

impl<K: AsRef<str>, V: Into<Value>> Extend<(K, V)> for Dict {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(d: &Dict) -> Vec<&str> {
        d.keys().collect()
    }

    fn sorted(d: &Dict) -> Vec<&str> {
        d.iter_sorted().map(|(k, _)| k).collect()
    }

    #[test]
    fn insertion_order_with_lookups_by_key() {
        let mut d = Dict::new();
        for (i, k) in ["m", "c", "x", "a", "q"].iter().enumerate() {
            d.insert(k, i as i64);
        }
        assert_eq!(keys(&d), ["m", "c", "x", "a", "q"]);
        assert_eq!(sorted(&d), ["a", "c", "m", "q", "x"]);
        for (i, k) in ["m", "c", "x", "a", "q"].iter().enumerate() {
            assert_eq!(d.get(k), Some(&Value::from(i as i64)), "{k}");
        }
        assert_eq!(d.get("b"), None);
        // Replacing keeps the place; removing keeps the rest in order.
        assert_eq!(d.insert("c", 9), Some(Value::from(1)));
        assert_eq!(d.remove("x"), Some(Value::from(2)));
        assert_eq!(keys(&d), ["m", "c", "a", "q"]);
        assert_eq!(sorted(&d), ["a", "c", "m", "q"]);
        assert_eq!(d.get("q"), Some(&Value::from(4)));
        assert_eq!(d.get("c"), Some(&Value::from(9)));
        d.retain(|k, _| k != "m");
        assert_eq!(keys(&d), ["c", "a", "q"]);
        assert_eq!(d.get("a"), Some(&Value::from(3)));
        // Back in key order: the index goes away.
        d.remove("c");
        assert!(d.index.is_none());
        assert_eq!(sorted(&d), ["a", "q"]);
    }

    #[test]
    fn duplicates_keep_the_first_place_and_the_last_value() {
        let d = Dict::from_entries(
            [("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]
                .into_iter()
                .map(|(k, v)| (Key::from(k), Value::from(v)))
                .collect(),
        );
        assert_eq!(keys(&d), ["b", "a", "c"]);
        assert_eq!(d.get("b"), Some(&Value::from(3)));
        assert_eq!(d.get("a"), Some(&Value::from(5)));
        assert_eq!(sorted(&d), ["a", "b", "c"]);
        let ordered = Dict::from_entries(
            [("a", 1), ("b", 2)]
                .into_iter()
                .map(|(k, v)| (Key::from(k), Value::from(v)))
                .collect(),
        );
        assert!(ordered.index.is_none());
    }

    #[test]
    fn equality_ignores_order_as_python_does() {
        let a: Dict = [("x", 1), ("y", 2)].into_iter().collect();
        let b: Dict = [("y", 2), ("x", 1)].into_iter().collect();
        assert_eq!(a, b);
        let c: Dict = [("y", 2), ("x", 3)].into_iter().collect();
        assert_ne!(a, c);
    }

    #[test]
    fn many_keys_in_reverse_order_are_found() {
        let mut d = Dict::new();
        for i in (0..2_000).rev() {
            d.insert(format!("k{i:05}"), i);
        }
        assert_eq!(d.keys().next(), Some("k01999"));
        assert!((0..2_000).all(|i| d.get(&format!("k{i:05}")) == Some(&Value::from(i))));
        assert_eq!(d.iter_sorted().next().map(|(k, _)| k), Some("k00000"));
    }
}
