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

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use std::os::unix::fs::MetadataExt;

    fn snapshot(files: &[(&str, &Bytes)]) -> Snapshot {
        Snapshot {
            files: files
                .iter()
                .map(|(path, bytes)| (path.to_string(), (*bytes).clone()))
                .collect(),
            generation: 1,
            failure: None,
            pending: false,
        }
    }

    fn folder(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let path = e.path().strip_prefix(dir).unwrap();
                (path.to_string_lossy().into_owned(), fs_read(e.path()))
            })
            .filter(|(path, _)| path != crate::write::MANIFEST)
            .collect();
        files.sort();
        files
    }

    fn fs_read(path: &Path) -> Vec<u8> {
        std::fs::read(path).unwrap()
    }

    fn inode(path: PathBuf) -> u64 {
        std::fs::metadata(path).unwrap().ino()
    }

    #[test]
    fn a_rewrite_writes_the_changed_files_and_links_the_rest() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("site");
        let (same, old, gone) = (Bytes::from("same"), Bytes::from("old"), Bytes::from("gone"));
        let first = snapshot(&[
            ("a/same.html", &same),
            ("b.html", &old),
            ("gone.html", &gone),
        ]);
        write(&dir, &first, None).unwrap();
        let same_inode = inode(dir.join("a/same.html"));
        let old_inode = inode(dir.join("b.html"));

        let (new, added) = (Bytes::from("new"), Bytes::from("added"));
        let second = snapshot(&[
            ("a/same.html", &same),
            ("b.html", &new),
            ("c/added.html", &added),
        ]);
        write(&dir, &second, Some(&first)).unwrap();
        let expected: Vec<(String, Vec<u8>)> = vec![
            ("a/same.html".into(), b"same".to_vec()),
            ("b.html".into(), b"new".to_vec()),
            ("c/added.html".into(), b"added".to_vec()),
        ];
        assert_eq!(folder(&dir), expected);
        assert_eq!(
            inode(dir.join("a/same.html")),
            same_inode,
            "linked, not written"
        );
        assert_ne!(
            inode(dir.join("b.html")),
            old_inode,
            "written anew, not in place"
        );
    }
}
