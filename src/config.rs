//! Site settings from `dudao.toml` at the project root.
//!
//! Every setting has a default, so a project without `dudao.toml` still
//! builds; an unknown key is an error rather than a silently ignored typo.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Diagnostics, Position};

pub const CONFIG_FILE: &str = "dudao.toml";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Site title, shown in every page header and `<title>`.
    pub title: String,
    /// Absolute URL the site is published at, e.g. `https://dudao.example.org/`.
    /// Only used where a link must work off-site: the QR code on paper
    /// checklists. Every link between pages stays relative.
    pub base_url: Option<String>,
    /// Theme directory under `themes/`; files missing from it fall back to
    /// `themes/default/`.
    pub theme: String,
    /// One line in every page footer.
    pub footer: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "技能人才评价质量督导指标体系".to_string(),
            base_url: None,
            theme: "default".to_string(),
            footer: None,
        }
    }
}

impl Config {
    /// Reads `dudao.toml` under `root`; a missing file means all defaults.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        if let Some(refused) = crate::load::outside_root(root, &path) {
            return Err(Diagnostics(vec![refused]));
        }
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(Diagnostics(vec![Diagnostic::error(
                    CONFIG_FILE,
                    None,
                    format!("cannot read the site settings: {e}"),
                )]));
            }
        };
        let text = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            Err(e) => {
                return Err(Diagnostics(vec![crate::diagnostic::not_utf8(
                    CONFIG_FILE,
                    &bytes,
                    &e,
                )]));
            }
        };
        Config::parse(text.trim_start_matches('\u{feff}'))
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostics> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|span| position(text, span.start));
            Diagnostics(vec![
                Diagnostic::error(CONFIG_FILE, at, e.message().trim().to_string()).hint(
                    if e.message().contains("unknown field") {
                        "known keys: title, base_url, theme, footer (see docs/site.md)"
                    } else {
                        "write each setting as key = \"value\" (see docs/site.md)"
                    },
                ),
            ])
        })?;
        let at = |key: &str| key_position(text, key);
        if let Some(url) = config.base_url.take() {
            config = config.with_base_url(&url).map_err(|mut errors| {
                errors.0.iter_mut().for_each(|d| d.locate(at("base_url")));
                errors
            })?;
        }
        if config.theme.is_empty() || config.theme.contains(['/', '\\', '.']) {
            return Err(Diagnostics(vec![
                Diagnostic::error(
                    CONFIG_FILE,
                    at("theme"),
                    format!("theme `{}` is not a directory name", config.theme),
                )
                .hint("name a directory under themes/, e.g. theme = \"default\""),
            ]));
        }
        if config.title.trim().is_empty() {
            return Err(Diagnostics(vec![
                Diagnostic::error(CONFIG_FILE, at("title"), "the site title is empty")
                    .hint("give the site a title, or delete the line for the default title"),
            ]));
        }
        Ok(config)
    }
}

impl Config {
    /// Sets `base_url`, checked and normalised to end in exactly one `/`.
    pub fn with_base_url(mut self, url: &str) -> Result<Config, Diagnostics> {
        let url = url.trim();
        if !(url.starts_with("https://") || url.starts_with("http://"))
            || url.contains(char::is_whitespace)
        {
            return Err(Diagnostics(vec![
                Diagnostic::error(
                    CONFIG_FILE,
                    None,
                    format!("base_url `{url}` is not an absolute http(s) URL"),
                )
                .hint("write it like base_url = \"https://dudao.example.org/\""),
            ]));
        }
        self.base_url = Some(url.trim_end_matches('/').to_string() + "/");
        Ok(self)
    }
}

/// Where `key = …` starts, for settings checked after parsing.
fn key_position(text: &str, key: &str) -> Option<Position> {
    text.lines().zip(1u32..).find_map(|(line, number)| {
        let rest = line.trim_start().strip_prefix(key)?;
        rest.trim_start().starts_with('=').then_some(Position {
            line: number,
            column: 1,
        })
    })
}

fn position(text: &str, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    Position { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_means_the_defaults() {
        assert_eq!(Config::parse("").unwrap(), Config::default());
    }

    #[test]
    fn base_url_gets_exactly_one_trailing_slash() {
        let config = Config::parse("base_url = \"https://example.org/dudao//\"").unwrap();
        assert_eq!(
            config.base_url.as_deref(),
            Some("https://example.org/dudao/")
        );
    }

    #[test]
    fn an_unknown_key_is_located() {
        let errors = Config::parse("title = \"x\"\nbase_ur = \"https://x\"\n").unwrap_err();
        let d = &errors.0[0];
        assert_eq!(
            (d.file.as_str(), d.line, d.column),
            ("dudao.toml", Some(2), Some(1))
        );
        assert!(d.message.contains("base_ur"), "{}", d.message);
    }

    #[test]
    fn a_relative_base_url_is_rejected() {
        assert!(Config::parse("base_url = \"example.org\"").is_err());
    }
}
