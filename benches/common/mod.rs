//! What the plain `harness = false` benches share: their command line, and
//! how they edit a source file.

use std::path::PathBuf;

/// The positional arguments (`cargo bench` passes `--bench`; everything
/// else is ours): the project root (default `.`), the number of runs
/// (default `default_runs`), and whatever follows them.
pub fn args(default_runs: usize) -> (PathBuf, usize, Vec<String>) {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = PathBuf::from(args.first().map_or(".", String::as_str));
    let runs = args
        .get(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(default_runs);
    (root, runs, args.into_iter().skip(2).collect())
}

/// `text` with `marker` added where the file stays valid: at the end of
/// Markdown, inside the last quoted string of YAML.
// Each bench compiles this module on its own; not every one edits a file.
#[allow(dead_code)]
pub fn edited(text: &str, file: &std::path::Path, marker: &str) -> String {
    let yaml = file.extension().is_some_and(|e| e == "yaml" || e == "yml");
    if !yaml {
        return format!("{}{marker}\n", text.trim_end());
    }
    let close = text
        .rfind('"')
        .unwrap_or_else(|| panic!("{}: no quoted string to put the edit in", file.display()));
    format!("{}{marker}{}", &text[..close], &text[close..])
}
