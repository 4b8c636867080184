//! Work split over threads for loading large files: items are independent once split, so a
//! file of thousands of aliases parses (and compiles) on every core, results in file order.

use std::num::NonZeroUsize;
use std::thread;

/// Below this much work (in `weight` units, bytes of source) everything runs on the calling
/// thread: starting threads costs more than it saves.
pub const PARALLEL_FROM: usize = 256 * 1024;

/// Stack for worker threads: the grammar recurses once per nesting level.
const STACK: usize = 16 << 20;

/// Applies `f` to every element, splitting `items` into contiguous runs of about equal total
/// `weight`, one per core, when the total is large. The result is in the order of `items`.
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
    // Cut points so that each run carries about total / cores.
    let share = total.div_ceil(cores);
    let mut runs = Vec::with_capacity(cores);
    let (mut start, mut acc) = (0, 0);
    for (i, it) in items.iter().enumerate() {
        acc += weight(it);
        if acc >= share && runs.len() + 1 < cores {
            runs.push(&items[start..=i]);
            start = i + 1;
            acc = 0;
        }
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    let f = &f;
    thread::scope(|s| {
        let mut handles = Vec::with_capacity(runs.len());
        let (first, rest) = runs.split_first().expect("at least one run");
        for run in rest {
            let h = thread::Builder::new()
                .stack_size(STACK)
                .spawn_scoped(s, move || run.iter().map(f).collect::<Vec<R>>());
            handles.push(h.ok());
        }
        // The calling thread takes the first run; a thread that could not start is done here.
        let mut out: Vec<R> = first.iter().map(f).collect();
        for (run, h) in rest.iter().zip(handles) {
            match h {
                Some(h) => match h.join() {
                    Ok(v) => out.extend(v),
                    Err(p) => std::panic::resume_unwind(p),
                },
                None => out.extend(run.iter().map(f)),
            }
        }
        out
    })
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
