//! Work spread over the machine's cores, with results in input order.
//!
//! The bottom layer: every other module may use it, and it uses nothing of
//! ours. Plain `std::thread::scope`, no thread pool crate; the output of a
//! parallel run is the output of the same calls made one after another, so
//! builds stay deterministic whatever the number of cores.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

/// `items.iter().map(f).collect()`, with the calls spread over the machine's
/// cores; results come back in `items` order whatever order they finish in.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut done = Vec::with_capacity(items.len());
    let _ = parallel_for_each_in_order(items, f, |r| {
        done.push(r);
        Ok::<(), std::convert::Infallible>(())
    });
    done
}

/// Calls `f` on every item, spread over the machine's cores, and `consume`
/// on the results in `items` order, each as soon as it and all before it
/// are done, on the calling thread. Stops at `consume`'s first error.
///
/// Workers stay at most one item each ahead of `consume`: when consuming is
/// the slow part (writing the site), finished results would otherwise pile
/// up until the whole site is in memory again.
pub fn parallel_for_each_in_order<T: Sync, R: Send, E>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(items.len());
    if workers <= 1 {
        return items.iter().try_for_each(|item| consume(f(item)));
    }
    let next = AtomicUsize::new(0);
    // How many results `consume` has taken (or `items.len()` to stop).
    let consumed = (Mutex::new(0), Condvar::new());
    std::thread::scope(|scope| {
        let (sender, results) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let (sender, next, consumed, f) = (sender.clone(), &next, &consumed, &f);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let (count, changed) = consumed;
                    let mut count = count.lock().unwrap_or_else(|e| e.into_inner());
                    while i >= *count + workers {
                        count = changed.wait(count).unwrap_or_else(|e| e.into_inner());
                    }
                    drop(count);
                    // The receiver is gone only when `consume` failed: stop.
                    if sender.send((i, f(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let advance = |to: usize| {
            let (count, changed) = &consumed;
            *count.lock().unwrap_or_else(|e| e.into_inner()) = to;
            changed.notify_all();
        };
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, result) in results {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                due += 1;
                if let Err(e) = consume(result) {
                    // Skip what is left rather than render it for nothing.
                    next.store(items.len(), Ordering::Relaxed);
                    advance(items.len());
                    return Err(e);
                }
                advance(due);
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_map_returns_results_in_input_order() {
        let items: Vec<u64> = (0..200).collect();
        // Early items take longest, so they finish last on a multi-core machine.
        let squares = parallel_map(&items, |&n| {
            std::thread::sleep(std::time::Duration::from_micros(200 - n));
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn parallel_for_each_in_order_stops_at_the_first_error() {
        let items: Vec<u32> = (0..50).collect();
        let mut seen = Vec::new();
        let result = parallel_for_each_in_order(
            &items,
            |&n| n,
            |n| {
                if n == 7 {
                    return Err(format!("failed at {n}"));
                }
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(result, Err("failed at 7".to_owned()));
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }
}
