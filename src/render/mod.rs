//! The validated model → the site's files, in memory.
//!
//! [`render_site`] runs each page family in [`PAGE_FAMILIES`], then each in
//! [`DATA_FAMILIES`]; every family adds its files to its own [`Output`] map
//! (relative path → bytes), handed on as soon as the family has rendered.
//! Nothing here touches the output directory: [`crate::write`] does. To add
//! a page family, write a `fn(&Site, &mut Output) -> Result<(), Diagnostics>`
//! and list it below.
//!
//! Every link between pages is relative (each template gets `root`, the
//! `../` prefix back to the site root) and names `index.html` explicitly, so
//! the output works opened from `file://` as well as from a server.

mod api;
mod assess;
mod coverage;
mod evidence;
mod home;
pub mod incremental;
mod indicators;
mod lazy;
pub mod markdown;
pub mod offline;
mod outcome;
mod pieces;
mod qr;
mod rubrics;
mod summary;
mod tailor;
pub mod theme;
mod workspace;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use minijinja::value::Serde;
use minijinja::{Environment, Value, context};

use crate::config::Config;
use crate::diagnostic::Diagnostics;
use crate::model::{Project, Rubric};
use crate::parallel::{parallel_for_each_in_order, parallel_map};
use markdown::FootnoteMarker;
use theme::Theme;

pub use theme::json_for_script;

/// Relative path (with `/` separators) → file contents. Sorted, so writing
/// and hashing it is deterministic.
pub type Output = BTreeMap<String, Vec<u8>>;

/// A page family: renders its pages (or other files) into the output.
pub type PageFamily = fn(&Site, &mut Output) -> Result<(), Diagnostics>;

/// A family of pages, one set per rubric: rendered and handed on one
/// rubric at a time, so its output (56 MB for the rubric tables at ×100)
/// is never in memory whole.
pub type RubricFamily = fn(&Site, &Rubric, &mut Output) -> Result<(), Diagnostics>;

#[derive(Clone, Copy)]
pub enum Family {
    Whole(PageFamily),
    PerRubric(RubricFamily),
}

use Family::{PerRubric, Whole};

/// The page families, in the order they render: the pages and every file
/// a page loads as it opens (its stylesheets, scripts, icons). Later
/// families may overwrite files of earlier ones, so keep static files first.
pub const PAGE_FAMILIES: &[Family] = &[
    Whole(static_files),
    Whole(offline::render_app),
    Whole(home::render),
    Whole(home::render_notice),
    Whole(indicators::render_indicators),
    Whole(indicators::render_groups),
    PerRubric(rubrics::render_rubric),
    PerRubric(rubrics::render_checklist),
    PerRubric(evidence::render_binder),
    Whole(evidence::render_requirements),
    PerRubric(assess::render),
    Whole(coverage::render),
    Whole(tailor::render_choose),
    Whole(summary::render),
    Whole(outcome::render),
];

/// What renders after every page family: whole-site data no other page's
/// HTML needs (the search index, `api/`, the Office files a page links to)
/// and the two pages that embed every rubric (`tailor/`, `assessments/`).
/// `dudao serve` sends the reload between the two lists and holds requests
/// for these files until they are ready (see [`Rendered::PagesDone`]).
/// No path of theirs is a path of a page family, so the order of the two
/// lists does not change a byte of the site.
pub const DATA_FAMILIES: &[Family] = &[
    Whole(evidence::render_api),
    Whole(office_exports),
    Whole(tailor::render_tailor),
    Whole(workspace::render),
    Whole(api::render),
    Whole(search_index),
];

impl Family {
    /// Renders the whole family into `output` (every rubric, for a
    /// per-rubric family).
    pub fn render(self, site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
        match self {
            Whole(family) => family(site, output),
            PerRubric(family) => site
                .project
                .rubrics
                .iter()
                .try_for_each(|rubric| family(site, rubric, output)),
        }
    }
}

/// The Content-Security-Policy of every page (a `<meta>` in each page;
/// netlify.toml sends the same policy plus the header-only directives).
/// No 'unsafe-inline': pages carry no inline script or style, only JSON data
/// blocks, which CSP does not treat as scripts. See docs/site.md for why
/// 'self' is enough on file:// in Chromium.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'";

/// Everything a page family needs: the model, the settings, the template
/// environment, and the template values that borrow the model.
pub struct Site<'a> {
    pub project: &'a Project,
    pub config: &'a Config,
    pub theme: Theme,
    pub env: Environment<'static>,
    catalogue: Value,
    rubrics: Value,
    site: Value,
    cache: Option<&'a Cache>,
}

/// What `dudao serve` keeps from one build to the next so that an edit
/// redoes only what it changed: the Office exports of each rubric, keyed by
/// its `content_hash` (which covers everything the exports are made of).
/// They were a third of a rebuild at ×10 (docs/benchmarks.md). `dudao build`
/// runs once and keeps nothing.
#[derive(Default)]
pub struct Cache {
    exports: std::sync::Mutex<std::collections::HashMap<String, RubricExports>>,
    /// Every page and what it read (see [`incremental`]).
    pub pages: incremental::PageMemo,
    /// The search index's documents, cut into terms.
    search: crate::search::Memo,
    /// Each rubric serialised, for the whole-site files made of them all.
    pieces: pieces::Pieces,
}

/// A rubric's Office files: relative path → bytes, shared with the served
/// site under `dudao serve` (36 MB at ×100 were copied twice and compared
/// on every rebuild).
type RubricExports = Vec<(String, bytes::Bytes)>;

/// Renders the whole site for `project` with the theme and settings of
/// `config`, reading templates and static files from `root/themes/`, and
/// hands each family's files to `emit` as soon as that family and every one
/// before it have rendered: only a few families' files are in memory at
/// once, never the whole site.
pub fn render_site<E: From<Diagnostics>>(
    project: &Arc<Project>,
    config: &Config,
    root: &Path,
    cache: Option<&Cache>,
    mut emit: impl FnMut(Output) -> Result<(), E>,
) -> Result<(), E> {
    render_site_in_two(project, config, root, cache, |rendered| match rendered {
        Rendered::Files(output) => emit(output),
        Rendered::PagesDone => Ok(()),
    })
}

/// What [`render_site_in_two`] hands on, in order.
pub enum Rendered {
    /// A family's files (a per-rubric family's, one rubric's).
    Files(Output),
    /// Every file of [`PAGE_FAMILIES`] has been handed on; the files of
    /// [`DATA_FAMILIES`] follow (some are rendering already).
    PagesDone,
}

/// [`render_site`], telling `emit` when the pages are done and only the
/// whole-site data is left: `dudao serve` reloads the open page then.
pub fn render_site_in_two<E: From<Diagnostics>>(
    project: &Arc<Project>,
    config: &Config,
    root: &Path,
    cache: Option<&Cache>,
    mut emit: impl FnMut(Rendered) -> Result<(), E>,
) -> Result<(), E> {
    let mut site = Site::new(project, config, root)?;
    site.cache = cache;
    let offline = config.offline.enabled;
    // The service worker lists every file with its hash, so it comes last;
    // the hashing happens on the rendering threads.
    let mut hashes = BTreeMap::new();
    if let Some(cache) = cache {
        cache.pages.begin(project);
        cache.pieces.begin();
    }
    // Families only add files, never read them, so they render on every
    // core; emitting in PAGE_FAMILIES order (each per-rubric family rubric
    // by rubric) gives the bytes (and the first error) that rendering them
    // one after another would.
    let units: Vec<(Family, Option<&Rubric>)> = PAGE_FAMILIES
        .iter()
        .chain(DATA_FAMILIES)
        .flat_map(|&family| match family {
            Whole(_) => vec![(family, None)],
            PerRubric(_) => project
                .rubrics
                .iter()
                .map(|r| (family, Some(&**r)))
                .collect(),
        })
        .collect();
    let data_units = DATA_FAMILIES
        .iter()
        .map(|family| match family {
            Whole(_) => 1,
            PerRubric(_) => project.rubrics.len(),
        })
        .sum::<usize>();
    let page_units = units.len() - data_units;
    if page_units == 0 {
        emit(Rendered::PagesDone)?;
    }
    let mut handed = 0;
    parallel_for_each_in_order(
        &units,
        |&(family, rubric)| {
            let mut output = Output::new();
            match (family, rubric) {
                (PerRubric(family), Some(rubric)) => family(&site, rubric, &mut output),
                _ => family.render(&site, &mut output),
            }?;
            let hashed: Vec<(String, String)> = match offline {
                true => output
                    .iter()
                    .map(|(path, bytes)| {
                        let page = cache.and_then(|c| c.pages.built(path));
                        let bytes = page.as_ref().map_or(&bytes[..], |(b, _)| b);
                        (path.clone(), offline::file_hash(bytes))
                    })
                    .collect(),
                false => Vec::new(),
            };
            Ok::<_, Diagnostics>((output, hashed))
        },
        |rendered| {
            let (output, hashed) = rendered?;
            hashes.extend(hashed);
            emit(Rendered::Files(output))?;
            handed += 1;
            match handed == page_units {
                true => emit(Rendered::PagesDone),
                false => Ok(()),
            }
        },
    )?;
    if offline {
        emit(Rendered::Files(offline::service_worker(&site, &hashes)?))?;
    }
    if let Some(cache) = cache {
        cache.pages.finish();
        cache.pieces.finish();
    }
    Ok(())
}

impl<'a> Site<'a> {
    /// `project` is shared with the template environment, which is
    /// `'static` and so cannot borrow it.
    pub fn new(
        project: &'a Arc<Project>,
        config: &'a Config,
        root: &Path,
    ) -> Result<Self, Diagnostics> {
        let theme = Theme::new(root, &config.theme)?;
        let mut env = theme.environment();
        let footnotes: Vec<FootnoteMarker> = project
            .catalogue
            .footnotes
            .iter()
            .map(|f| FootnoteMarker {
                marker: f.marker.clone(),
                number: f.number,
            })
            .collect();
        env.add_filter("markdown", move |source: &str| {
            Value::from_safe_string(markdown::to_html(source, &footnotes))
        });
        env.add_filter("json_for_script", theme::json_for_script_filter);
        let catalogue = incremental::Tracked::catalogue(lazy::Catalogue::value(project));
        let indicator = lazy::indicator_function(project);
        env.add_function("indicator", move |number: u32| {
            // Whether it exists; the indicator records what is read of it.
            incremental::record(incremental::Dep::IndicatorTitle(number));
            indicator(number)
        });
        let group = lazy::group_function(project);
        env.add_function("group", move |number: u32| {
            incremental::record(incremental::Dep::Group(number));
            group(number)
        });
        let rubric_titles: BTreeMap<String, String> = project
            .rubrics
            .iter()
            .map(|r| (r.id.clone(), r.title.clone()))
            .collect();
        env.add_function("rubric_title", move |id: &str| {
            incremental::record(incremental::Dep::RubricTitle(id.to_owned()));
            rubric_titles.get(id).cloned().unwrap_or_default()
        });
        env.add_function("footnote_anchor", markdown::footnote_anchor);
        evidence::register_functions(&mut env, project);
        Ok(Site {
            project,
            config,
            theme,
            env,
            catalogue,
            rubrics: Value::from_object(lazy::Rubrics(Arc::clone(project))),
            site: Value::from(Serde(config)),
            cache: None,
        })
    }

    /// Renders `template` as the page at `dir` (e.g. `indicators/3/`, or ``
    /// for the home page) into `dir/index.html`. `page` names the page kind
    /// for templates and CSS; `extra` is the page's own context.
    pub fn page(
        &self,
        output: &mut Output,
        dir: &str,
        template: &str,
        page: &str,
        extra: Value,
    ) -> Result<(), Diagnostics> {
        let key = self
            .cache
            .and_then(|_| incremental::context_key(template, page, &extra));
        self.page_with_key(output, dir, template, page, key, || extra)
    }

    /// [`Site::page`] for a page whose own context is made only of what
    /// `model` stands for (see [`incremental::model_key`]): under `dudao
    /// serve` the context is built, by `extra`, only when the page renders.
    pub fn page_keyed(
        &self,
        output: &mut Output,
        dir: &str,
        template: &str,
        page: &str,
        model: &impl std::hash::Hash,
        extra: impl FnOnce() -> Value,
    ) -> Result<(), Diagnostics> {
        let key = self
            .cache
            .map(|_| incremental::model_key(template, page, model));
        self.page_with_key(output, dir, template, page, key, extra)
    }

    /// The hash of `dep` in this build under `dudao serve` (`None` in
    /// `dudao build`, which keys nothing): what [`Site::page_keyed`]'s
    /// `model` is made of for a page built from parts of the catalogue.
    fn part(&self, dep: &incremental::Dep) -> Option<u64> {
        self.cache.and_then(|c| c.pages.part(dep))
    }

    fn page_with_key(
        &self,
        output: &mut Output,
        dir: &str,
        template: &str,
        page: &str,
        key: Option<u64>,
        extra: impl FnOnce() -> Value,
    ) -> Result<(), Diagnostics> {
        let path = format!("{dir}index.html");
        let bytes = match self.cache {
            // dudao serve: only the pages whose inputs changed render again,
            // and their bytes stay in the memo (an empty placeholder here).
            Some(cache) => {
                cache.pages.page(&path, key, |size| {
                    self.render_sized(template, &path, page, extra(), size)
                })?;
                Vec::new()
            }
            None => self.render(template, &path, page, extra())?.into_bytes(),
        };
        output.insert(path, bytes);
        Ok(())
    }

    /// Renders `template` for the file at `path` (relative to the site root).
    pub fn render(
        &self,
        template: &str,
        path: &str,
        page: &str,
        extra: Value,
    ) -> Result<String, Diagnostics> {
        let template = self.env.get_template(template);
        let context = self.context(path, page, extra);
        template
            .and_then(|t| t.render(context))
            .map_err(|e| Diagnostics(vec![self.theme.diagnostic(path, &e)]))
    }

    /// [`Site::render`] into a buffer of `size` bytes to start with, for a
    /// page rendered again under `dudao serve`, which is about its last
    /// size: the largest (13–14 MB at ×100) were copied twice over growing
    /// to it.
    fn render_sized(
        &self,
        template: &str,
        path: &str,
        page: &str,
        extra: Value,
        size: usize,
    ) -> Result<Vec<u8>, Diagnostics> {
        let template = self.env.get_template(template);
        let context = self.context(path, page, extra);
        let mut out = Vec::with_capacity(size + size / 8);
        template
            .and_then(|t| t.render_captured_to(context, &mut out))
            .map_err(|e| Diagnostics(vec![self.theme.diagnostic(path, &e)]))?;
        Ok(out)
    }

    /// Every page's context: `extra` and what every template reads.
    fn context(&self, path: &str, page: &str, extra: Value) -> Value {
        // Only `../` repeated: marked safe so hrefs read `../../x`, not `..&#x2f;`.
        let root = Value::from_safe_string(root_prefix(path));
        context! {
            root,
            page,
            csp => CONTENT_SECURITY_POLICY,
            site => self.site.clone(),
            catalogue => self.catalogue.clone(),
            rubrics => self.rubrics.clone(),
            ..extra
        }
    }
}

/// `../` once per directory level of `path`, so links resolve from any page.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// The search index the search box loads on first use (see [`crate::search`]).
fn search_index(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let memo = site.cache.map(|c| &c.search);
    let script = crate::search::index_script(site.project, memo);
    output.insert(crate::search::INDEX_PATH.to_string(), script);
    Ok(())
}

/// The Word checklist and the Excel workbook of every rubric (see [`crate::export`]).
/// The export cache key: the rubric's content, and the title of its base
/// rubric, which the Word file names.
fn export_key(project: &Project, rubric: &crate::model::Rubric) -> String {
    let base = rubric.based_on.as_deref().and_then(|id| project.rubric(id));
    format!(
        "{}|{}",
        rubric.content_hash,
        base.map_or("", |b| b.title.as_str())
    )
}

fn office_exports(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let cached = |rubric: &Rubric| {
        let cache = site.cache?.exports.lock().ok()?;
        cache.get(&export_key(site.project, rubric)).cloned()
    };
    // The Word and Excel files are the costliest output per rubric; spread them too.
    let exports = parallel_map(&site.project.rubrics, |rubric| {
        if let Some(files) = cached(rubric) {
            return Ok(Err(files));
        }
        let base = rubric
            .based_on
            .as_deref()
            .and_then(|id| site.project.rubric(id));
        crate::export::rubric_exports(rubric, base)
            .map(Ok)
            .map_err(|e| {
                Diagnostics(vec![crate::diagnostic::Diagnostic::error(
                    format!("rubrics/{}.yaml", rubric.id),
                    None,
                    e.to_string(),
                )])
            })
    });
    let mut keep = std::collections::HashMap::new();
    for (rubric, files) in site.project.rubrics.iter().zip(exports) {
        // Made now (`Ok`), or kept from the last build (`Err`, only under
        // `dudao serve`).
        let (files, made): (RubricExports, bool) = match (files?, site.cache) {
            (Ok(files), None) => {
                output.extend(files);
                continue;
            }
            (Ok(files), Some(_)) => {
                let shared = files.into_iter().map(|(p, b)| (p, b.into()));
                (shared.collect(), true)
            }
            (Err(kept), _) => (kept, false),
        };
        // Shared with the served site through the page memo, as a page's
        // bytes are: an empty placeholder in the output.
        if let Some(cache) = site.cache {
            for (path, bytes) in &files {
                cache.pages.share(path, bytes.clone(), made);
                output.insert(path.clone(), Vec::new());
            }
        }
        keep.insert(export_key(site.project, rubric), files);
    }
    // Only this build's rubrics: an edited rubric's old exports go.
    if let Some(mut cache) = site.cache.and_then(|c| c.exports.lock().ok()) {
        *cache = keep;
    }
    Ok(())
}

fn static_files(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    for (path, bytes) in site.theme.static_files()? {
        // The worker's source: written at the site root, filled in, or not at all.
        if path == offline::WORKER_SOURCE {
            continue;
        }
        output.insert(format!("static/{path}"), bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_prefix_climbs_one_level_per_directory() {
        assert_eq!(root_prefix("index.html"), "");
        assert_eq!(root_prefix("notice/index.html"), "../");
        assert_eq!(
            root_prefix("rubrics/annex-1/checklist/index.html"),
            "../../../"
        );
    }
}
