//! Themes: templates and static files under `themes/<name>/`, each file
//! falling back to `themes/default/` when the chosen theme lacks it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior, Value};
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

pub const DEFAULT_THEME: &str = "default";

#[derive(Debug, Clone)]
pub struct Theme {
    root: PathBuf,
    name: String,
}

impl Theme {
    pub fn new(root: &Path, name: &str) -> Result<Theme, Diagnostics> {
        let theme = Theme {
            root: root.to_path_buf(),
            name: name.to_string(),
        };
        for dir in theme.dirs() {
            if !theme.root.join(&dir).is_dir() {
                return Err(Diagnostics(vec![
                    Diagnostic::error(&dir, None, "theme directory not found").hint(
                        "set `theme` in dudao.toml to a directory under themes/, or create it",
                    ),
                ]));
            }
        }
        Ok(theme)
    }

    /// The chosen theme first, then the default one.
    fn dirs(&self) -> Vec<PathBuf> {
        let mut dirs = vec![Path::new("themes").join(&self.name)];
        if self.name != DEFAULT_THEME {
            dirs.push(Path::new("themes").join(DEFAULT_THEME));
        }
        dirs
    }

    /// The project-relative path of template `name`, from the first theme
    /// that has it.
    pub fn template_path(&self, name: &str) -> Option<PathBuf> {
        if name
            .split(['/', '\\'])
            .any(|part| part == ".." || part.is_empty())
        {
            return None;
        }
        self.dirs()
            .into_iter()
            .map(|dir| dir.join("templates").join(name))
            .find(|path| self.root.join(path).is_file())
    }

    /// A template environment that loads from this theme, HTML-escapes every
    /// `.html` template and refuses to print undefined values (a typo in a
    /// template is an error, not an empty string).
    pub fn environment(&self) -> Environment<'static> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
        let theme = self.clone();
        env.set_loader(move |name| match theme.template_path(name) {
            Some(path) if crate::load::outside_root(&theme.root, &theme.root.join(&path)).is_some() => {
                Err(minijinja::Error::new(
                    minijinja::ErrorKind::InvalidOperation,
                    format!(
                        "{} is a symbolic link to a file outside the project: dudao does not read it",
                        display_path(&path)
                    ),
                ))
            }
            Some(path) => std::fs::read_to_string(theme.root.join(&path))
                .map(Some)
                .map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("cannot read {}: {e}", display_path(&path)),
                    )
                }),
            None => Ok(None),
        });
        env
    }

    /// Compiles every template of the theme (and of the default theme it
    /// falls back to), for `dudao check`: a syntax error is found without
    /// rendering the site.
    pub fn check_templates(&self) -> Vec<Diagnostic> {
        let mut names = std::collections::BTreeSet::new();
        for dir in self.dirs() {
            let Ok(entries) = std::fs::read_dir(self.root.join(&dir).join("templates")) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".html") && !name.starts_with('.') {
                    names.insert(name);
                }
            }
        }
        let env = self.environment();
        names
            .into_iter()
            .filter_map(|name| {
                env.get_template(&name)
                    .err()
                    .map(|e| self.diagnostic(&name, &e))
            })
            .collect()
    }

    /// Turns a template error into a diagnostic naming the template file (in
    /// whichever theme it came from) and line.
    pub fn diagnostic(&self, page: &str, error: &minijinja::Error) -> Diagnostic {
        let name = error.name().unwrap_or("?");
        let file = self.template_path(name).unwrap_or_else(|| {
            Path::new("themes")
                .join(&self.name)
                .join("templates")
                .join(name)
        });
        let at = error.line().map(|line| crate::diagnostic::Position {
            line: line as u32,
            column: 0,
        });
        let mut message = format!("{} (while rendering {page})", error_text(error));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        let mut d = Diagnostic::error(file, at, message)
            .hint("fix the template; the chosen theme overrides themes/default file by file");
        d.column = None;
        d
    }

    /// One static file by its path under `static/`, from the first theme that has it.
    pub fn static_file(&self, name: &str) -> Option<Vec<u8>> {
        self.dirs()
            .into_iter()
            .find_map(|dir| std::fs::read(self.root.join(dir).join("static").join(name)).ok())
    }

    /// Every static file, keyed by its path under `static/`; a theme's file
    /// replaces the default theme's file of the same name.
    pub fn static_files(&self) -> Result<BTreeMap<String, Vec<u8>>, Diagnostics> {
        let mut files = BTreeMap::new();
        let mut errors = Vec::new();
        for dir in self.dirs().into_iter().rev() {
            let base = self.root.join(&dir).join("static");
            if !base.is_dir() {
                continue;
            }
            if let Some(refused) = crate::load::outside_root(&self.root, &base) {
                errors.push(refused);
                continue;
            }
            // Links are followed, but only while they stay in the project.
            let walk = WalkDir::new(&base).follow_links(true).sort_by_file_name();
            let mut walk = walk.into_iter();
            while let Some(entry) = walk.next() {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        errors.push(Diagnostic::error(dir.join("static"), None, e.to_string()));
                        continue;
                    }
                };
                if entry.path_is_symlink()
                    && let Some(refused) = crate::load::outside_root(&self.root, entry.path())
                {
                    errors.push(refused);
                    if entry.file_type().is_dir() {
                        walk.skip_current_dir();
                    }
                    continue;
                }
                if !entry.file_type().is_file() {
                    continue;
                }
                let relative = entry.path().strip_prefix(&base).expect("walked under base");
                match std::fs::read(entry.path()) {
                    Ok(bytes) => {
                        files.insert(display_path(relative), bytes);
                    }
                    Err(e) => errors.push(Diagnostic::error(
                        dir.join("static").join(relative),
                        None,
                        format!("cannot read static file: {e}"),
                    )),
                }
            }
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(Diagnostics(errors))
        }
    }
}

/// The error's kind and detail without minijinja's own "(in file:line)"
/// suffix, which the diagnostic already shows as its location.
fn error_text(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    }
}

/// Serialises `value` as JSON that is safe inside `<script
/// type="application/json">`: no `</script>`, `<!--` or `&` can appear, and
/// the line separators that break older JavaScript parsers are escaped.
pub fn json_for_script<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut out = ScriptEscape(Vec::new());
    serde_json::to_writer(&mut out, value).expect("template values serialise to JSON");
    String::from_utf8(out.0).expect("serde_json writes UTF-8 and escaping keeps it so")
}

/// Escapes JSON as serde_json writes it, so the text is never held twice
/// (the workspace and tailor pages embed 13–14 MB at ×100). serde_json
/// writes a string's text in slices cut only at ASCII bytes, so U+2028 and
/// U+2029 (E2 80 A8/A9) always arrive whole within one slice.
struct ScriptEscape(Vec<u8>);

impl std::io::Write for ScriptEscape {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let mut rest = bytes;
        while let Some(at) = rest
            .iter()
            .position(|&b| matches!(b, b'<' | b'>' | b'&' | 0xE2))
        {
            self.0.extend_from_slice(&rest[..at]);
            let escaped: &[u8] = match (rest[at], rest.get(at + 1..at + 3)) {
                (b'<', _) => b"\\u003c",
                (b'>', _) => b"\\u003e",
                (b'&', _) => b"\\u0026",
                (_, Some([0x80, 0xA8])) => b"\\u2028",
                (_, Some([0x80, 0xA9])) => b"\\u2029",
                _ => {
                    self.0.push(0xE2);
                    rest = &rest[at + 1..];
                    continue;
                }
            };
            self.0.extend_from_slice(escaped);
            rest = &rest[at + if rest[at] == 0xE2 { 3 } else { 1 }..];
        }
        self.0.extend_from_slice(rest);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// JSON a page family has already serialised with [`json_for_script`], for
/// data too large to pass through template values (the tailor page's 14 MB
/// at ×100). The template still writes `{{ data | json_for_script }}`, so a
/// theme's copy of the template keeps working.
/// Held as a template string already, so printing it shares the bytes
/// rather than copying 14 MB again.
#[derive(Debug)]
pub struct ScriptJson(Value);

impl ScriptJson {
    /// `json` must come from [`json_for_script`] (or be escaped the same way).
    pub fn new(json: String) -> Self {
        ScriptJson(Value::from_safe_string(json))
    }
}

impl minijinja::value::Object for ScriptJson {}

/// The `json_for_script` template filter.
pub fn json_for_script_filter(value: Value) -> Value {
    if let Some(json) = value.downcast_object_ref::<ScriptJson>() {
        return json.0.clone();
    }
    Value::from_safe_string(json_for_script(&value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_script_cannot_close_the_script_element() {
        let json = json_for_script(&serde_json::json!({"t": "</script><!-- & \u{2028}"}));
        assert_eq!(
            json,
            r#"{"t":"\u003c/script\u003e\u003c!-- \u0026 \u2028"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["t"], "</script><!-- & \u{2028}");
    }

    #[test]
    fn json_for_script_keeps_other_characters_that_share_the_line_separators_first_byte() {
        // — and … begin with 0xE2 like U+2028/U+2029 and must pass unchanged.
        let json = json_for_script(&serde_json::json!(["—…\u{2029}“", "\u{2028}"]));
        assert_eq!(json, r#"["—…\u2029“","\u2028"]"#);
    }
}
