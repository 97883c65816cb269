//! [`Dict`]: a Python `dict` with `str` keys, sorted as Flask writes them.

use std::fmt;

use compact_str::CompactString;

use super::Value;

/// A dict with `str` keys, kept sorted in code-point order — the order Flask's
/// `sort_keys=True` writes them in — in one vector: one allocation per dict, lookups
/// by binary search.
///
/// ```
/// use flask_session_cookie::{Dict, Value};
///
/// let mut d = Dict::new();
/// d.insert("b", 2);
/// d.insert("a", 1);
/// assert_eq!(d.insert("a", 3), Some(Value::from(1)));
/// assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "b"]);
/// assert_eq!(d.get("a"), Some(&Value::from(3)));
/// ```
#[derive(Clone, Default, PartialEq)]
pub struct Dict {
    /// Keys up to 24 bytes live inline: reading a session allocates no key.
    entries: Vec<(Key, Value)>,
}

/// A dict key: inline up to 24 bytes.
pub(crate) type Key = CompactString;

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
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
        }
    }

    /// Builds a dict from entries in any order; of duplicate keys the last wins, as in
    /// a Python dict literal or `json.loads`.
    pub(crate) fn from_entries(mut entries: Vec<(Key, Value)>) -> Self {
        let sorted = entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0));
        if !sorted {
            // Stable: equal keys keep their text order, so the last one is last.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut deduped: Vec<(Key, Value)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match deduped.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => deduped.push(entry),
                }
            }
            entries = deduped;
        }
        Dict { entries }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
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
            .ok()
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
        match self.find(key) {
            Ok(i) => self.entries.get_mut(i).map(|(_, v)| v),
            Err(_) => None,
        }
    }

    /// Whether `key` is present.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert!(d.contains_key("a"));
    /// ```
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`, returning the old value.
    ///
    /// ```
    /// let mut d = flask_session_cookie::Dict::new();
    /// assert!(d.insert("a", 1).is_none());
    /// assert!(d.insert("a", 2).is_some());
    /// ```
    pub fn insert(&mut self, key: impl AsRef<str>, value: impl Into<Value>) -> Option<Value> {
        let key = Key::from(key.as_ref());
        let value = value.into();
        // Appending in order (as JSON from Flask arrives) is the common case.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
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
        self.find(key).ok().map(|i| self.entries.remove(i).1)
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
    }

    /// The entries in key order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("b", 2), ("a", 1)].into_iter().collect();
    /// let keys: Vec<&str> = d.iter().map(|(k, _)| k).collect();
    /// assert_eq!(keys, ["a", "b"]);
    /// ```
    pub fn iter(&self) -> DictIter<'_> {
        DictIter {
            inner: self.entries.iter(),
        }
    }

    /// The keys in order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.keys().next(), Some("a"));
    /// ```
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in key order.
    ///
    /// ```
    /// let d: flask_session_cookie::Dict = [("a", 1)].into_iter().collect();
    /// assert_eq!(d.values().count(), 1);
    /// ```
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values in key order, mutably.
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
    }
}

/// An iterator over a [`Dict`]'s entries in key order.
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

/// An owning iterator over a [`Dict`]'s entries in key order.
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
