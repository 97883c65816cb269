//! Per-thread caches of reusable state (zlib streams, buffers, reader stacks): taken
//! out of the thread-local slot while in use, so that nested or re-entrant use simply
//! starts with a fresh value, and put back afterwards.

use std::cell::RefCell;
use std::thread::LocalKey;

/// Takes the cached value (or a default one when the slot is empty, in use, or the
/// thread is shutting down).
pub(crate) fn take<T: Default + 'static>(slot: &'static LocalKey<RefCell<T>>) -> T {
    slot.try_with(|cell| {
        cell.try_borrow_mut()
            .ok()
            .map(|mut v| std::mem::take(&mut *v))
    })
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// Puts a value back for the next use on this thread.
pub(crate) fn put<T: 'static>(slot: &'static LocalKey<RefCell<T>>, value: T) {
    let _ = slot.try_with(|cell| {
        if let Ok(mut v) = cell.try_borrow_mut() {
            *v = value;
        }
    });
}
