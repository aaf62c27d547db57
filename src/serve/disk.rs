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
        std::thread::spawn(move || worker.run());
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
            if let Err(e) = write(&self.dir, &snapshot) {
                eprintln!("error: cannot write {}: {e}", self.dir.display());
            }
            state = self.lock();
            state.writing = false;
            self.changed.notify_all();
        }
    }
}

fn write(dir: &Path, snapshot: &Snapshot) -> std::io::Result<()> {
    let mut paths: Vec<&String> = snapshot.files.keys().collect();
    paths.sort();
    let mut staging = Staging::new(dir)?;
    for path in paths {
        staging.write(path, &snapshot.files[path])?;
    }
    staging.commit().map(drop)
}
