//! Flask's tagged JSON: the value tree, Python's JSON dialect and the type tags.

pub(crate) mod json;
pub(crate) mod stream;
pub(crate) mod tags;
pub(crate) mod value;
