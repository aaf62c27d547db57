//! Which directory a build may replace.
//!
//! A build replaces its output whole, so choosing the output is choosing
//! what gets deleted. dudao replaces only what it made: an absent or empty
//! directory, or one carrying the [`MANIFEST`] every build writes. It never
//! replaces the project root, a directory holding it, or anything inside the
//! sources, not even with `--force`; `--force` only lets it take over a
//! directory it did not make, and then the old contents are kept beside it
//! (see [`backup_path`]), never deleted.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// Written into every output (and every staging directory, from its
/// creation): the mark that lets a later build replace it.
pub const MANIFEST: &str = ".dudao-output";

/// The manifest's first line; the number is its format version.
const MANIFEST_HEADER: &str = "dudao-output 1";

pub(super) const MANIFEST_TEXT: &str = "dudao-output 1\n\
This directory was made by `dudao build`; the next build replaces it whole.\n\
Do not keep your own files here.\n";

/// The directories (and file) a project is made of: an output may not lie
/// inside any of them.
pub const SOURCES: [&str; 4] = ["content", "rubrics", "themes", "dudao.toml"];

/// What an accepted output directory holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaces {
    /// Nothing: it does not exist, or it is empty.
    Nothing,
    /// A site an earlier dudao build wrote (it carries the manifest).
    PreviousOutput,
    /// A directory dudao did not make, accepted with `--force`: its contents
    /// are moved to [`backup_path`], not deleted.
    Foreign,
}

/// Decides whether a build under `root` may write `output`, and what it
/// would replace; the error says why not and what to do. `dudao build` and
/// `dudao serve` both call this before writing anything.
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<Replaces, Diagnostic> {
    let refuse =
        |message: String, hint: &str| Err(Diagnostic::error(output, None, message).hint(hint));
    let root = match fs::canonicalize(root) {
        Ok(root) => root,
        Err(e) => {
            return Err(Diagnostic::error(
                root,
                None,
                format!("cannot read the project root: {e}"),
            )
            .hint("pass the directory holding content/ and rubrics/ as --root"));
        }
    };
    let resolved = match resolve(output) {
        Ok(resolved) => resolved,
        Err(e) => {
            return refuse(
                format!("cannot resolve the output directory: {e}"),
                "choose another --output",
            );
        }
    };
    if resolved == root {
        return refuse(
            "the output is the project root: building would replace the project".to_owned(),
            "write the site somewhere else, e.g. --output public (the default)",
        );
    }
    if root.starts_with(&resolved) {
        return refuse(
            format!(
                "the output contains the project root {}: building would replace the project",
                root.display()
            ),
            "write the site to a directory of its own, e.g. --output public (the default)",
        );
    }
    for source in SOURCES {
        if resolved.starts_with(root.join(source)) {
            return refuse(
                format!("the output lies inside the project's sources ({source})"),
                "write the site outside content/, rubrics/ and themes/, e.g. --output public (the default)",
            );
        }
    }
    existing_output(output, force)
}

/// What `dir` holds, and whether a build may replace it (without regard to
/// any project root: see [`check_output_dir`]).
pub fn existing_output(dir: &Path, force: bool) -> Result<Replaces, Diagnostic> {
    let refuse = |message: &str, hint: &str| Err(Diagnostic::error(dir, None, message).hint(hint));
    let meta = match fs::symlink_metadata(dir) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Replaces::Nothing),
        Err(e) => {
            return refuse(
                &format!("cannot read the output directory: {e}"),
                "choose another --output",
            );
        }
    };
    if meta.file_type().is_symlink() {
        return refuse(
            "the output is a symbolic link: a build would replace the link with a directory",
            "pass the directory the link points to as --output",
        );
    }
    if !meta.is_dir() {
        return refuse(
            "the output is a file, not a directory",
            "choose a directory for --output; dudao will not replace a file",
        );
    }
    let mut entries = fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(dir, None, format!("cannot read the output directory: {e}"))
            .hint("choose another --output")
    })?;
    if entries.next().is_none() {
        return Ok(Replaces::Nothing);
    }
    if is_dudao_output(dir) {
        return Ok(Replaces::PreviousOutput);
    }
    if force {
        return Ok(Replaces::Foreign);
    }
    refuse(
        &format!(
            "the output is not empty and dudao did not make it (it has no {MANIFEST}), so a build will not replace it"
        ),
        "choose another --output or empty this directory; a site built by an older dudao, or a directory you mean to replace, needs --force once (its contents are then moved aside, not deleted)",
    )
}

/// True when `dir` carries dudao's manifest.
pub fn is_dudao_output(dir: &Path) -> bool {
    let path = dir.join(MANIFEST);
    let Ok(meta) = fs::symlink_metadata(&path) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    let mut head = [0u8; MANIFEST_HEADER.len() + 1];
    let read = fs::File::open(&path).and_then(|mut f| f.read(&mut head));
    read.is_ok_and(|n| head[..n].starts_with(format!("{MANIFEST_HEADER}\n").as_bytes()))
}

/// Where `--force` keeps the contents of a directory dudao did not make:
/// `NAME.before-dudao`, or `NAME.before-dudao-2`, … when that is taken.
pub fn backup_path(dir: &Path) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let parent = dir.parent().unwrap_or(Path::new("."));
    let mut candidate = parent.join(format!("{name}.before-dudao"));
    let mut n = 2;
    while fs::symlink_metadata(&candidate).is_ok() {
        candidate = parent.join(format!("{name}.before-dudao-{n}"));
        n += 1;
    }
    candidate
}

/// The absolute path `path` names, with every existing part's symbolic
/// links resolved: the part that does not exist yet is appended as written.
pub(super) fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        match fs::canonicalize(existing) {
            Ok(mut resolved) => {
                for component in rest.iter().rev() {
                    match component {
                        Component::ParentDir => {
                            resolved.pop();
                        }
                        Component::Normal(name) => resolved.push(name),
                        _ => {}
                    }
                }
                return Ok(resolved);
            }
            Err(_) => {
                let Some(parent) = existing.parent() else {
                    return Ok(absolute);
                };
                rest.push(
                    existing
                        .components()
                        .next_back()
                        .unwrap_or(Component::CurDir),
                );
                existing = parent;
            }
        }
    }
}

/// The staging and set-aside directories of a build of `name` by process
/// `pid`; a later build recognises (and, once the process is gone, removes)
/// exactly these names.
pub(super) fn work_dir_name(name: &str, kind: &str, pid: u32) -> String {
    format!(".{name}.dudao-{kind}-{pid}")
}

/// Removes the staging directories that killed builds of `name` left in
/// `parent`: only names of [`work_dir_name`]'s pattern, only of processes
/// that are gone, and only directories that carry the manifest.
pub(super) fn remove_stale_work_dirs(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.dudao-");
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = ["new-", "old-"]
            .iter()
            .find_map(|kind| rest.strip_prefix(kind))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        let is_dir = fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if pid != std::process::id() && is_dir && !process_is_alive(pid) && is_dudao_output(&path) {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(unix)]
fn process_is_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true; // 0 would address our own process group
    }
    // Signal 0 checks existence only; EPERM means it exists under another user.
    // SAFETY: kill with signal 0 sends nothing and touches no memory.
    let result = unsafe { libc::kill(pid, 0) };
    result == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a portable check, every process counts as alive: a stale
/// directory is then left, never a live build's removed.
#[cfg(not(unix))]
fn process_is_alive(_pid: u32) -> bool {
    true
}
