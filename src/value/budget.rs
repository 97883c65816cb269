//! What reading a stored session value may cost: its length before it is parsed,
//! then its values, nesting and integer digits, against [`Limits`].

use crate::error::{Error, Limit, Result};
use crate::limits::Limits;

/// Counts values and nesting while a stored value is read, against the limits.
pub(crate) struct Budget<'l> {
    limits: &'l Limits,
    items: usize,
}

impl<'l> Budget<'l> {
    /// A budget for one value of `len` bytes: refused at once when it is longer than
    /// [`Limits::max_stored_len`].
    pub(crate) fn new(len: usize, limits: &'l Limits) -> Result<Self> {
        if len > limits.max_stored_len() {
            return Err(Error::limit(
                Limit::StoredLength,
                format!(
                    "the stored value has {len} bytes, more than the limit of {}",
                    limits.max_stored_len()
                ),
            ));
        }
        Ok(Budget { limits, items: 0 })
    }

    /// One more value, at nesting `depth`.
    pub(crate) fn take(&mut self, depth: usize) -> Result<()> {
        self.items += 1;
        if self.items > self.limits.max_items() {
            return Err(Error::limit(
                Limit::Items,
                format!("more than {} values", self.limits.max_items()),
            ));
        }
        if depth > self.limits.max_depth() {
            return Err(Error::limit(
                Limit::Depth,
                format!("nested deeper than {} levels", self.limits.max_depth()),
            ));
        }
        Ok(())
    }

    /// Whether an integer of this many digits is allowed.
    pub(crate) fn int_digits(&self, digits: usize) -> Result<()> {
        if digits > self.limits.max_int_digits() {
            return Err(Error::limit(
                Limit::IntegerDigits,
                format!(
                    "an integer has {digits} digits, more than the limit of {}",
                    self.limits.max_int_digits()
                ),
            ));
        }
        Ok(())
    }
}
