//! The output folder under `dudao serve`: written from the served snapshot
//! on a thread of its own, after the pages have reloaded, so writing never
//! delays a reload. Each write is a whole `write::Staging` (a fresh folder
//! swapped in), so the folder always holds one complete build; snapshots
//! that arrive while one is written are skipped for the newest.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use super::Snapshot;
use crate::write::{SiteWriter, Staging};

/// Edits come in bursts; wait for this much quiet before writing.
const QUIET: Duration = Duration::from_millis(300);

#[derive(Clone)]
pub struct Writer(Arc<Shared>);

struct Shared {
    dir: PathBuf,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    pending: Option<Arc<Snapshot>>,
    writing: bool,
    stop: bool,
}

impl Writer {
    pub fn start(dir: &Path) -> Writer {
        let shared = Arc::new(Shared {
            dir: dir.to_path_buf(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
        let worker = Arc::clone(&shared);
        std::thread::spawn(move || {
            yield_to_rebuilds();
            worker.run()
        });
        Writer(shared)
    }

    /// Writes `snapshot` soon, unless a newer one comes first.
    pub fn write(&self, snapshot: Arc<Snapshot>) {
        let mut state = self.0.lock();
        state.pending = Some(snapshot);
        self.0.changed.notify_all();
    }

    /// Writes what is pending now and waits until the folder is written.
    pub fn finish(self) {
        let mut state = self.0.lock();
        state.stop = true;
        self.0.changed.notify_all();
        while state.pending.is_some() || state.writing {
            state = self
                .0
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn run(&self) {
        let mut last: Option<Arc<Snapshot>> = None;
        let mut state = self.lock();
        loop {
            while state.pending.is_none() {
                state = self
                    .changed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            // Wait out a burst of rebuilds, unless stopping.
            let mut generation = state.pending.as_ref().map(|s| s.generation);
            while !state.stop {
                state = self
                    .changed
                    .wait_timeout(state, QUIET)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
                let now = state.pending.as_ref().map(|s| s.generation);
                if now == generation {
                    break;
                }
                generation = now;
            }
            let Some(snapshot) = state.pending.take() else {
                continue;
            };
            state.writing = true;
            drop(state);
            match write(&self.dir, &snapshot, last.as_deref()) {
                Ok(()) => last = Some(snapshot),
                Err(e) => {
                    last = None;
                    eprintln!("error: cannot write {}: {e}", self.dir.display());
                }
            }
            state = self.lock();
            state.writing = false;
            self.changed.notify_all();
        }
    }
}

/// Writes `snapshot` to `dir`. `last`, the snapshot the folder holds, tells
/// which files are unchanged without reading them: a rebuild shares the
/// bytes of every file it did not change, so those are hard-linked from the
/// folder and only the changed files are written.
fn write(dir: &Path, snapshot: &Snapshot, last: Option<&Snapshot>) -> std::io::Result<()> {
    let mut paths: Vec<&String> = snapshot.files.keys().collect();
    paths.sort();
    let mut staging = Staging::new(dir)?;
    for path in paths {
        let bytes = &snapshot.files[path];
        match last {
            Some(last) => {
                let same = last
                    .files
                    .get(path)
                    .is_some_and(|old| old.as_ptr() == bytes.as_ptr() && old.len() == bytes.len());
                staging.write_known(path, bytes, same)?;
            }
            None => staging.write(path, bytes)?,
        }
    }
    staging.commit().map(drop)
}

/// Lowers this thread's CPU priority (Linux's nice is per thread): the
/// folder is a copy for later, and on a busy machine its write must not
/// slow the next rebuild, which a reader waits for.
fn yield_to_rebuilds() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread, no memory passed.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, 10);
    }
}
