//! Only files inside the project root are read.
//!
//! Everything read from the source tree is published (pages, `api/`, the
//! search index), so a symbolic link that leads out of the project would
//! publish a file its author never meant to share. A link that stays inside
//! the project is followed.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, relative};

/// An error when `path` (under `root`) is, or passes through, a symbolic
/// link that resolves outside `root`; `None` when it may be read.
pub fn outside_root(root: &Path, path: &Path) -> Option<Diagnostic> {
    // Fast path: no link on the way, so the path is where it says it is.
    if !through_link(root, path) {
        return None;
    }
    let rel = relative(root, path);
    let resolved = match fs::canonicalize(path) {
        Ok(resolved) => resolved,
        Err(e) => {
            return Some(
                Diagnostic::error(
                    &rel,
                    None,
                    format!("a symbolic link that cannot be followed: {e}"),
                )
                .hint("point the link at a file inside the project, or replace it with the file"),
            );
        }
    };
    let root = fs::canonicalize(root).unwrap_or_else(|_| PathBuf::from(root));
    (!resolved.starts_with(&root)).then(|| {
        Diagnostic::error(
            &rel,
            None,
            format!(
                "a symbolic link to {}, outside the project root: dudao does not read (or publish) files from outside the project",
                resolved.display()
            ),
        )
        .hint("copy the file into the project, or point the link at a file inside it")
    })
}

/// Whether `path` (under `root`) is, or passes through, a symbolic link.
pub fn through_link(root: &Path, path: &Path) -> bool {
    let mut walked = root.to_path_buf();
    relative(root, path).components().any(|component| {
        walked.push(component);
        fs::symlink_metadata(&walked).is_ok_and(|m| m.file_type().is_symlink())
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_inside_the_root_are_followed_and_links_out_are_refused() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret.yaml"), "x").unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("rubrics")).unwrap();
        fs::write(root.join("rubrics/real.yaml"), "x").unwrap();
        symlink(
            root.join("rubrics/real.yaml"),
            root.join("rubrics/alias.yaml"),
        )
        .unwrap();
        symlink(
            outside.path().join("secret.yaml"),
            root.join("rubrics/leak.yaml"),
        )
        .unwrap();
        symlink(outside.path(), root.join("content")).unwrap();

        assert!(outside_root(root, &root.join("rubrics/real.yaml")).is_none());
        assert!(outside_root(root, &root.join("rubrics/alias.yaml")).is_none());
        let leak = outside_root(root, &root.join("rubrics/leak.yaml")).unwrap();
        assert_eq!(leak.file, "rubrics/leak.yaml");
        assert!(
            leak.message.contains("outside the project root"),
            "{}",
            leak.message
        );
        let through_dir = outside_root(root, &root.join("content/secret.yaml")).unwrap();
        assert_eq!(through_dir.file, "content/secret.yaml");
    }
}
