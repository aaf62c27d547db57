//! Which files in a source directory are sources.
//!
//! Sources are named `*.yaml`/`*.yml` (rubrics) or `*.md` (content), in
//! lowercase, and not hidden. A file that looks like a source but is not
//! read (`x.YAML`, `.draft.md`) gets a warning, so that an author never
//! wonders why an edit does not show.

use std::path::Path;

use crate::diagnostic::{Diagnostic, relative};

/// True when `path` is a source file with one of `extensions`; a warning
/// when it looks like one but is left out.
pub fn is_source(
    root: &Path,
    path: &Path,
    extensions: &[&str],
    diagnostics: &mut Vec<Diagnostic>,
) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let extension = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    let looks_like_one = extensions.iter().any(|e| extension.eq_ignore_ascii_case(e));
    if !looks_like_one {
        return false;
    }
    let ignored =
        |why: String, hint: String| Diagnostic::warning(relative(root, path), None, why).hint(hint);
    if name.starts_with('.') {
        diagnostics.push(ignored(
            "ignored: hidden files (names starting with `.`) are not read".to_owned(),
            "rename it without the leading `.` if it is meant to be part of the project".to_owned(),
        ));
        return false;
    }
    if !extensions.contains(&extension) {
        diagnostics.push(ignored(
            format!("ignored: the extension `.{extension}` must be lowercase"),
            format!("rename it to end in `.{}`", extension.to_ascii_lowercase()),
        ));
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalised_extensions_and_hidden_files_are_left_out_with_a_warning() {
        let root = Path::new("/p");
        let mut found = Vec::new();
        let yaml = ["yaml", "yml"];
        assert!(is_source(
            root,
            Path::new("/p/rubrics/a.yaml"),
            &yaml,
            &mut found
        ));
        assert!(!is_source(
            root,
            Path::new("/p/rubrics/notes.txt"),
            &yaml,
            &mut found
        ));
        assert!(!is_source(
            root,
            Path::new("/p/rubrics/.yaml.swp"),
            &yaml,
            &mut found
        ));
        assert!(found.is_empty());
        assert!(!is_source(
            root,
            Path::new("/p/rubrics/x.YAML"),
            &yaml,
            &mut found
        ));
        assert!(!is_source(
            root,
            Path::new("/p/rubrics/.draft.yaml"),
            &yaml,
            &mut found
        ));
        let messages: Vec<_> = found
            .iter()
            .map(|d| (d.file.as_str(), d.is_error()))
            .collect();
        assert_eq!(
            messages,
            [("rubrics/x.YAML", false), ("rubrics/.draft.yaml", false)]
        );
        assert!(
            found[0].message.contains("lowercase"),
            "{}",
            found[0].message
        );
    }
}
