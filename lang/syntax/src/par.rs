//! Work split over threads for loading large files: items are independent once split, so a
//! file of thousands of aliases parses (and compiles) on every core, results in file order.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

/// Below this much work (in `weight` units, bytes of source) everything runs on the calling
/// thread: starting threads costs more than it saves.
pub const PARALLEL_FROM: usize = 256 * 1024;

/// Runs per core: enough for threads that finish early to take over the work of a slow one.
const RUNS_PER_CORE: usize = 8;

/// Stack for worker threads: the grammar recurses once per nesting level.
const STACK: usize = 16 << 20;

/// Applies `f` to every element, on every core when the total `weight` is large. The items are
/// cut into contiguous runs of about equal weight, several per core, that the threads take in
/// turn as they become free: a thread slowed down by other work on the machine does not hold up
/// the rest. The result is in the order of `items`.
pub fn map<T, R, W, F>(items: &[T], weight: W, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    W: Fn(&T) -> usize,
    F: Fn(&T) -> R + Sync,
{
    let total: usize = items.iter().map(&weight).sum();
    let cores = thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(8);
    if total < PARALLEL_FROM || cores < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    // Runs of about `share` weight each.
    let share = total.div_ceil(cores * RUNS_PER_CORE).max(1);
    let mut runs: Vec<&[T]> = Vec::with_capacity(cores * RUNS_PER_CORE + 1);
    let (mut start, mut acc) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        acc += weight(it);
        if acc >= share {
            runs.push(&items[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Option<Vec<R>>>> = runs.iter().map(|_| Mutex::new(None)).collect();
    let (f, run_list, next, slots) = (&f, &runs, &next, &done);
    let work = move || loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        let Some(run) = run_list.get(i) else { break };
        let out: Vec<R> = run.iter().map(f).collect();
        *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(out);
    };
    thread::scope(|s| {
        // A thread that cannot start leaves its share to the others; the calling thread works
        // too, so every run is done.
        let handles: Vec<_> = (1..cores.min(runs.len()))
            .filter_map(|_| {
                thread::Builder::new()
                    .stack_size(STACK)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        work();
        for h in handles {
            if let Err(p) = h.join() {
                std::panic::resume_unwind(p);
            }
        }
    });
    let mut out = Vec::with_capacity(items.len());
    for slot in done {
        out.extend(
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("every run is done"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn order_is_kept_small_and_large() {
        let small: Vec<usize> = (0..10).collect();
        assert_eq!(
            super::map(&small, |_| 1, |x| x * 2),
            (0..10).map(|x| x * 2).collect::<Vec<_>>()
        );
        let big: Vec<usize> = (0..10_000).collect();
        let out = super::map(&big, |_| 1000, |x| x + 1);
        assert_eq!(out, (1..=10_000).collect::<Vec<_>>());
    }
}
