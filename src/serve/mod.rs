//! `dudao serve`: build the site into memory, serve it on localhost, rebuild
//! when a source file changes, and tell open pages to reload.
//!
//! The pieces, each in its own module:
//! - [`watch`]: which source files changed (file-system events, debounced);
//! - [`rebuild`]: the site rebuilt into memory;
//! - [`http`]: the HTTP server, the live-reload script and its events;
//! - [`disk`]: the output folder, brought up to date in the background.
//!
//! The site being served is a [`Snapshot`] in memory, replaced whole under an
//! `Arc` when a rebuild succeeds: a request holds the snapshot it started
//! with, so no reader sees a half-built page or pages of two builds, and a
//! rebuild never waits for readers. A rebuild is published in two steps:
//! as soon as every page is rendered (the open pages reload then), and once
//! the whole-site data after them (`render::DATA_FAMILIES`: the search
//! index, `api/`, ...) is made. In between, a request for any file the
//! pages step does not hold waits for the second step, so a page of one
//! build never gets the data of another. The output folder is written from
//! the whole snapshot by `write::Staging` (a fresh folder swapped in), so a
//! crash at any moment leaves the previous or the next complete site on
//! disk.

mod disk;
mod http;
pub mod rebuild;
pub mod timeline;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use hyper::body::Bytes;
use serde::Serialize;
use tokio::sync::mpsc::UnboundedSender;

pub use http::{EVENTS_PATH, Limits, SCRIPT_PATH};
pub use rebuild::Files;
use timeline::Timeline;
pub use watch::WATCHED;

use crate::diagnostic::Diagnostic;

/// What `dudao serve` was asked to do.
pub struct Options {
    pub root: PathBuf,
    /// Where the built site is also written; `None` keeps it in memory only.
    pub output: Option<PathBuf>,
    pub address: String,
    pub limits: Limits,
    /// Poll for changes even where file-system events work.
    pub poll: bool,
}

/// The site as served: every file, which build it is, and the errors of the
/// last rebuild if it failed (the files are then the last good build's).
pub struct Snapshot {
    pub files: Files,
    pub generation: u64,
    failure: Option<Bytes>,
    /// Only the pages step of this generation: every file not in `files`
    /// is still to come (see [`Live::ready`]).
    pending: bool,
}

/// What the HTTP side and the rebuild thread share.
pub struct Live {
    current: Mutex<Current>,
    clients: Mutex<Vec<UnboundedSender<Bytes>>>,
    /// The last generation published whole (not `pending`).
    complete: tokio::sync::watch::Sender<u64>,
}

/// The snapshot served, and the generation whose rebuild last changed each
/// of its files: the files' HTTP validators (see `http`), so a reload
/// fetches only what changed. Kept beside the snapshot, under one lock,
/// and updated in place for the changed paths only (copying it whole was
/// 10 ms of every rebuild at ×100).
struct Current {
    snapshot: Arc<Snapshot>,
    changed_in: std::collections::HashMap<String, u64>,
}

impl Live {
    fn new(files: Files) -> Self {
        let changed_in = files.keys().map(|path| (path.clone(), 1)).collect();
        Live {
            current: Mutex::new(Current {
                snapshot: Arc::new(Snapshot {
                    files,
                    generation: 1,
                    failure: None,
                    pending: false,
                }),
                changed_in,
            }),
            clients: Mutex::new(Vec::new()),
            complete: tokio::sync::watch::Sender::new(1),
        }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        Arc::clone(&self.current().snapshot)
    }

    /// The snapshot, and the generation that last changed `file` in it.
    fn file(&self, file: &str) -> (Arc<Snapshot>, Option<u64>) {
        let current = self.current();
        let changed_in = current.changed_in.get(file).copied();
        (Arc::clone(&current.snapshot), changed_in)
    }

    /// [`Live::file`], once the snapshot is whole or holds `file`: a file
    /// still to come in a rebuild whose pages are published waits for it
    /// (so does any path the pages step does not hold: it may be one).
    async fn file_when_ready(&self, file: &str) -> (Arc<Snapshot>, Option<u64>) {
        let (snapshot, changed_in) = self.file(file);
        if !snapshot.pending || snapshot.files.contains_key(file) {
            return (snapshot, changed_in);
        }
        self.ready(snapshot.generation).await;
        self.file(file)
    }

    /// Waits until generation `generation` (or a later one) is served
    /// whole: what a request for a file that a `pending` snapshot lacks
    /// waits for.
    async fn ready(&self, generation: u64) {
        let mut complete = self.complete.subscribe();
        // The sender lives as long as `self`: an error cannot happen.
        let _ = complete.wait_for(|&done| done >= generation).await;
    }

    /// A new live-reload event stream: it starts with the current build's
    /// generation and, if the last rebuild failed, its errors.
    fn subscribe(&self) -> http::Body {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let snapshot = self.snapshot();
        let hello = serde_json::json!({ "generation": snapshot.generation });
        // The retry line: reconnect quickly after serve restarts.
        let _ = sender.send(Bytes::from("retry: 500\n\n"));
        let _ = sender.send(event("hello", &hello.to_string()));
        if let Some(failure) = &snapshot.failure {
            let _ = sender.send(failure.clone());
        }
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(sender);
        http::Body::Events(receiver)
    }

    /// Serves `snapshot` from now on, its `changed` paths (`None`: the
    /// files of the last snapshot) changed by it, and sends `message` to
    /// every open page.
    fn publish(&self, snapshot: Snapshot, changed: Option<&[String]>, message: Bytes) {
        let (generation, pending) = (snapshot.generation, snapshot.pending);
        {
            let mut current = self.current();
            for path in changed.unwrap_or_default() {
                match snapshot.files.contains_key(path) {
                    true => current.changed_in.insert(path.clone(), snapshot.generation),
                    false => current.changed_in.remove(path),
                };
            }
            current.snapshot = Arc::new(snapshot);
        }
        if !pending {
            self.complete.send_replace(generation);
        }
        self.clients
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|client| client.send(message.clone()).is_ok());
    }
}

/// One server-sent event.
fn event(name: &str, data: &str) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

#[derive(Serialize)]
struct Reload<'a> {
    generation: u64,
    /// The paths whose bytes changed; `None` when there are too many to be
    /// worth sending (every page then reloads).
    changed: Option<&'a [String]>,
}

#[derive(Serialize)]
struct Failure<'a> {
    diagnostics: &'a [Diagnostic],
}

/// Builds, serves and rebuilds until the process is stopped (Ctrl-C, which
/// also finishes writing the output folder).
pub fn serve(options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let mut rebuilder = rebuild::Rebuilder::default();
    let first = match rebuilder.rebuild(&options.root, &[], &Files::new()) {
        Ok(built) => built,
        Err(errors) => return Err(format!("{errors}\nbuild failed; nothing to serve")),
    };
    print_warnings(&first.warnings);
    eprintln!(
        "built {} files into memory in {} ms",
        first.files.len(),
        started.elapsed().as_millis()
    );
    let live = Arc::new(Live::new(first.files));
    let disk = options.output.as_deref().map(disk::Writer::start);
    if let Some(disk) = &disk {
        disk.write(live.snapshot());
    }

    let (sender, changes) = std::sync::mpsc::channel();
    let watch = watch::watch(&options.root, options.poll, sender)?;
    if watch.is_polling() {
        eprintln!("watching by polling every 0.2 s");
        rebuilder.rescan_every_time();
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let listener = {
        let _guard = runtime.enter();
        listen(&options.address).map_err(|e| format!("cannot serve on {}: {e}", options.address))?
    };
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    warn_unless_loopback(address);
    runtime.spawn(http::run(listener, Arc::clone(&live), options.limits));
    eprintln!(
        "serving {} at http://{address}/ (Ctrl-C to stop)",
        options.root.display()
    );

    let root = options.root.clone();
    let rebuild_live = Arc::clone(&live);
    let rebuild_disk = disk.clone();
    std::thread::spawn(move || {
        // Keep the watcher alive as long as the rebuilds.
        let _watch = watch;
        while let Ok(watch::Changes { mut paths, since }) = changes.recv() {
            let mut timeline = Timeline::starting("event", since);
            timeline.mark("delivered");
            // Changes that came in while the last rebuild ran: one rebuild.
            // (The debouncer hands over a save's events at once: waiting
            // here for more only delayed every rebuild.)
            while let Ok(more) = changes.try_recv() {
                paths.extend(more.paths);
            }
            rebuild_once(
                &mut rebuilder,
                &root,
                &paths,
                &rebuild_live,
                rebuild_disk.as_ref(),
                timeline,
            );
        }
    });

    runtime.block_on(stopped());
    if let Some(disk) = disk {
        eprintln!("stopping: finishing the output folder");
        disk.finish();
    }
    Ok(())
}

/// Ctrl-C, or (on Unix) SIGTERM as `kill` sends it: both finish writing
/// the output folder before exiting (scripts/bench reads it after `kill`).
async fn stopped() {
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<()>(2);
    let ctrl_c = sender.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            let _ = ctrl_c.send(()).await;
        }
    });
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
            let _ = sender.send(()).await;
        }
    });
    receiver.recv().await;
}

/// One rebuild after `sources` changed, published in two steps (see the
/// module docs).
fn rebuild_once(
    rebuilder: &mut rebuild::Rebuilder,
    root: &Path,
    sources: &[PathBuf],
    live: &Live,
    disk: Option<&disk::Writer>,
    timeline: Timeline,
) {
    let previous = live.snapshot();
    let generation = previous.generation + 1;
    // The paths the pages step reported changed: the data step reports the rest.
    let mut told = std::collections::HashSet::new();
    let mut pages_published = false;
    let built = rebuilder.rebuild_in_two(
        root,
        sources,
        &previous.files,
        timeline,
        |pages, timeline| {
            let snapshot = Snapshot {
                files: pages.files.clone(),
                generation,
                failure: None,
                pending: true,
            };
            live.publish(
                snapshot,
                Some(pages.changed),
                event("reload", &reload(generation, pages.changed)),
            );
            timeline.mark("sent");
            told.extend(pages.changed.iter().cloned());
            pages_published = true;
        },
    );
    match built {
        Ok(mut built) => {
            print_warnings(&built.warnings);
            let rest: Vec<String> = built
                .changed
                .iter()
                .filter(|p| !told.contains(*p))
                .cloned()
                .collect();
            let message = event("ready", &reload(generation, &rest));
            let (files, changed) = (built.files.len(), built.changed.len());
            live.publish(
                Snapshot {
                    files: built.files,
                    generation,
                    failure: None,
                    pending: false,
                },
                Some(&rest),
                message,
            );
            built.timeline.mark("published");
            if std::env::var_os("DUDAO_SERVE_TRACE").is_some() {
                eprintln!("trace: {}", built.timeline.epoch_marks());
            }
            // scripts/bench-serve.mjs reads this line.
            eprintln!(
                "built {files} files ({changed} changed; {} pages rendered, {} reused) \
                 in {} ms ({})",
                built.rendered,
                built.reused,
                built.timeline.since("delivered").as_millis(),
                built.timeline
            );
            if let Some(disk) = disk {
                disk.write(live.snapshot());
            }
        }
        Err(errors) => {
            eprintln!("{errors}");
            eprintln!("build failed; serving the last good site, its pages show the errors");
            let failure = Failure {
                diagnostics: &errors.0,
            };
            let message = event(
                "failed",
                &serde_json::to_string(&failure).expect("plain JSON"),
            );
            // Failed after its pages were published (in the whole-site
            // data): the last good site again, as a generation of its own
            // so that no browser keeps a page of the failed one as current.
            let (generation, changed) = match pages_published {
                false => (previous.generation, None),
                true => (generation + 1, Some(told.into_iter().collect::<Vec<_>>())),
            };
            live.publish(
                Snapshot {
                    files: previous.files.clone(),
                    generation,
                    failure: Some(message.clone()),
                    pending: false,
                },
                changed.as_deref(),
                message,
            );
        }
    }
}

/// A `reload` or `ready` event's data: the paths whose bytes changed, or
/// none when there are too many to be worth sending (every page then
/// reloads).
fn reload(generation: u64, changed: &[String]) -> String {
    let reload = Reload {
        generation,
        changed: (changed.len() <= 200).then_some(changed),
    };
    serde_json::to_string(&reload).expect("plain JSON")
}

fn print_warnings(warnings: &[Diagnostic]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
}

/// Binds `address` with a listen backlog deep enough for a burst of
/// connections (std's is 128): a full backlog makes new clients wait for
/// SYN retransmits, seconds, even when the server is idle.
fn listen(address: &str) -> std::io::Result<tokio::net::TcpListener> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for address in address.to_socket_addrs()? {
        let socket = match address {
            SocketAddr::V4(_) => tokio::net::TcpSocket::new_v4()?,
            SocketAddr::V6(_) => tokio::net::TcpSocket::new_v6()?,
        };
        socket.set_reuseaddr(true)?;
        match socket.bind(address).and_then(|()| socket.listen(4096)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("the address resolves to nothing")))
}

fn warn_unless_loopback(address: SocketAddr) {
    if !address.ip().is_loopback() {
        eprintln!(
            "warning: serving on {address}, which other machines can reach; \
             dudao serve is for previewing on this machine (use 127.0.0.1)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_keeps_the_generation_that_last_changed_it() {
        let snapshot = |generation, paths: &[&str]| Snapshot {
            files: paths
                .iter()
                .map(|p| (p.to_string(), Bytes::from(p.to_string())))
                .collect(),
            generation,
            failure: None,
            pending: false,
        };
        let live = Live::new(snapshot(1, &["a", "b", "c"]).files);
        let at =
            |paths: &[&str]| -> Vec<Option<u64>> { paths.iter().map(|p| live.file(p).1).collect() };
        let changed = ["b".to_string(), "c".into(), "d".into()];
        live.publish(snapshot(2, &["a", "b", "d"]), Some(&changed), Bytes::new());
        assert_eq!(at(&["a", "b", "c", "d"]), [Some(1), Some(2), None, Some(2)]);
        // A failed rebuild serves the same files: nothing changed.
        live.publish(snapshot(2, &["a", "b", "d"]), None, Bytes::new());
        live.publish(
            snapshot(3, &["a", "b", "d"]),
            Some(&["a".into()]),
            Bytes::new(),
        );
        assert_eq!(at(&["a", "b", "d"]), [Some(3), Some(2), Some(2)]);
        assert_eq!(live.file("a").0.generation, 3);
    }

    #[test]
    fn a_file_still_to_come_waits_for_the_whole_build_and_a_page_does_not() {
        let files = |pairs: &[(&str, &str)]| -> Files {
            pairs
                .iter()
                .map(|(p, b)| (p.to_string(), Bytes::from(b.to_string())))
                .collect()
        };
        let live = Arc::new(Live::new(files(&[
            ("index.html", "page 1"),
            ("api/catalog.json", "data 1"),
        ])));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let read = |file: &'static str| {
            let live = Arc::clone(&live);
            runtime.spawn(async move {
                let (snapshot, _) = live.file_when_ready(file).await;
                snapshot.files.get(file).cloned()
            })
        };
        // The pages step of generation 2: its page is served at once.
        let pages = Snapshot {
            files: files(&[("index.html", "page 2")]),
            generation: 2,
            failure: None,
            pending: true,
        };
        live.publish(pages, Some(&["index.html".into()]), Bytes::new());
        let page = read("index.html");
        let data = read("api/catalog.json");
        let gone = read("api/gone.json");
        runtime.block_on(async {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        });
        assert!(page.is_finished() && !data.is_finished() && !gone.is_finished());
        assert_eq!(runtime.block_on(page).unwrap(), Some(Bytes::from("page 2")));
        // Neither the last build's data nor nothing: the next build's.
        let whole = Snapshot {
            files: files(&[("index.html", "page 2"), ("api/catalog.json", "data 2")]),
            generation: 2,
            failure: None,
            pending: false,
        };
        live.publish(whole, Some(&["api/catalog.json".into()]), Bytes::new());
        assert_eq!(runtime.block_on(data).unwrap(), Some(Bytes::from("data 2")));
        assert_eq!(runtime.block_on(gone).unwrap(), None);
    }

    fn copy_tree(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            match entry.file_type().unwrap().is_dir() {
                true => copy_tree(&entry.path(), &target),
                false => drop(std::fs::copy(entry.path(), target).unwrap()),
            }
        }
    }

    /// The data step fails after the pages were published: the last good
    /// site is served again, whole, as a generation newer than the pages',
    /// and the pages are told the errors.
    #[test]
    fn a_failure_after_the_pages_serves_the_last_good_site_again() {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        for part in ["content", "rubrics", "themes"] {
            copy_tree(&manifest.join(part), &root.join(part));
        }
        std::fs::copy(manifest.join("dudao.toml"), root.join("dudao.toml")).unwrap();
        let mut rebuilder = rebuild::Rebuilder::default();
        let first = rebuilder.rebuild(root, &[], &Files::new()).unwrap();
        let live = Live::new(first.files.clone());
        let http::Body::Events(mut events) = live.subscribe() else {
            panic!("an event stream")
        };
        // `tailor/` renders after the pages (render::DATA_FAMILIES); an
        // unknown function fails it only as it renders.
        let template = root.join("themes/default/templates/tailor.html");
        let text = std::fs::read_to_string(&template).unwrap();
        std::fs::write(&template, format!("{{{{ no_such_function() }}}}{text}")).unwrap();
        let timeline = Timeline::starting("event", Instant::now());
        rebuild_once(&mut rebuilder, root, &[template], &live, None, timeline);

        let served = live.snapshot();
        assert!(!served.pending && served.failure.is_some());
        assert_eq!(served.generation, 3, "the pages were generation 2");
        assert!(served.files == first.files, "the last good site, whole");
        assert_eq!(*live.complete.borrow(), 3, "no request is left waiting");
        let mut names = Vec::new();
        while let Ok(message) = events.try_recv() {
            let text = String::from_utf8_lossy(&message).into_owned();
            names.extend(
                text.strip_prefix("event: ")
                    .map(|t| t.lines().next().unwrap().to_owned()),
            );
        }
        assert_eq!(names, ["hello", "reload", "failed"]);
    }
}
