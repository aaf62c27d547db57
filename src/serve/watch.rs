//! Which source files changed: file-system events from `notify` (inotify,
//! FSEvents, ReadDirectoryChangesW), debounced so that an editor's
//! write-then-rename save is one change. Where the platform offers no events
//! (some network and container file systems refuse inotify watches), it
//! falls back to `notify`'s polling watcher.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use notify::{PollWatcher, RecommendedWatcher, RecursiveMode, Watcher};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, new_debouncer_opt};

/// The source paths whose changes trigger a rebuild, relative to the root.
pub const WATCHED: &[&str] = &["content", "rubrics", "themes", crate::config::CONFIG_FILE];

/// How long after an event it counts: long enough to join the steps of one
/// save (an editor's write, or write-then-rename, are microseconds apart),
/// short next to the rebuild it starts. The debouncer looks every quarter
/// of this, so a change waits 10–12.5 ms (25–31 ms before; every
/// millisecond here is one a reader waits for, docs/benchmarks.md).
const QUIET: Duration = Duration::from_millis(10);

/// A batch of changed source files, and when the first of their events
/// came (for `DUDAO_SERVE_TRACE`, see `super::Trace`).
pub struct Changes {
    pub paths: Vec<PathBuf>,
    pub since: Instant,
}

/// Keeps the watch alive; dropping it stops the events.
pub enum Watch {
    Events {
        _debouncer: Debouncer<RecommendedWatcher, NoCache>,
    },
    Polling {
        _debouncer: Debouncer<PollWatcher, NoCache>,
    },
}

impl Watch {
    pub fn is_polling(&self) -> bool {
        matches!(self, Watch::Polling { .. })
    }
}

/// Sends each batch of changed source files under `root` (absolute or as
/// given) to `changes`. `poll` forces the polling watcher.
pub fn watch(root: &Path, poll: bool, changes: Sender<Changes>) -> Result<Watch, String> {
    let relevant = Relevant::new(root);
    let handler = move |result: DebounceEventResult| {
        let mut since = Instant::now();
        let paths: Vec<PathBuf> = match result {
            // Reading a file is an event too (inotify's OPEN): the rebuild's
            // own reads must not start another rebuild.
            Ok(events) => events
                .into_iter()
                .filter(|e| !e.kind.is_access())
                .inspect(|e| since = since.min(e.time))
                .flat_map(|e| e.event.paths)
                .filter(|p| relevant.contains(p))
                .collect(),
            // A lost event (queue overflow) may hide any change: rebuild.
            Err(_) => vec![relevant.root.clone()],
        };
        if !paths.is_empty() {
            let _ = changes.send(Changes { paths, since });
        }
    };
    if !poll {
        match new_debouncer_opt::<_, RecommendedWatcher, _>(
            QUIET,
            None,
            handler.clone(),
            NoCache,
            notify::Config::default(),
        ) {
            Ok(mut debouncer) => match add_paths(&mut debouncer, root) {
                Ok(()) => {
                    return Ok(Watch::Events {
                        _debouncer: debouncer,
                    });
                }
                Err(e) => eprintln!("warning: no file-system events ({e}); polling instead"),
            },
            Err(e) => eprintln!("warning: no file-system events ({e}); polling instead"),
        }
    }
    let config = notify::Config::default()
        .with_poll_interval(Duration::from_millis(200))
        .with_compare_contents(false);
    let mut debouncer =
        new_debouncer_opt::<_, PollWatcher, _>(QUIET, None, handler, NoCache, config)
            .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    add_paths(&mut debouncer, root).map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    Ok(Watch::Polling {
        _debouncer: debouncer,
    })
}

/// The root itself is watched without recursion (for dudao.toml, and for
/// source folders created later), so the output folder's writes under it
/// never count as changes.
fn add_paths<W: Watcher>(watcher: &mut Debouncer<W, NoCache>, root: &Path) -> notify::Result<()> {
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for watched in WATCHED {
        let path = root.join(watched);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok(())
}

#[derive(Clone)]
struct Relevant {
    root: PathBuf,
}

impl Relevant {
    fn new(root: &Path) -> Self {
        Relevant {
            root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    /// A source file or folder, not an editor's swap or backup file.
    fn contains(&self, path: &Path) -> bool {
        let relative = std::path::absolute(path)
            .ok()
            .and_then(|p| p.strip_prefix(&self.root).ok().map(Path::to_path_buf));
        let Some(relative) = relative else {
            return false;
        };
        let under_watched = relative
            .components()
            .next()
            .is_some_and(|first| WATCHED.iter().any(|w| first.as_os_str() == *w));
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let scratch = name.starts_with('.') || name.ends_with('~') || name.ends_with(".swp");
        under_watched && !scratch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_source_files_count_as_changes() {
        let relevant = Relevant::new(Path::new("/p"));
        assert!(relevant.contains(Path::new("/p/rubrics/annex-1.yaml")));
        assert!(relevant.contains(Path::new("/p/dudao.toml")));
        assert!(relevant.contains(Path::new("/p/themes/default/templates/base.html")));
        assert!(!relevant.contains(Path::new("/p/public/index.html")));
        assert!(!relevant.contains(Path::new("/p/rubrics/.annex-1.yaml.swp")));
        assert!(!relevant.contains(Path::new("/p/rubrics/annex-1.yaml~")));
        assert!(!relevant.contains(Path::new("/elsewhere/rubrics/x.yaml")));
    }
}
