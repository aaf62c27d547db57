//! Page-level dependency tracking, for `dudao serve`'s rebuilds.
//!
//! While a page renders, everything it reads beyond its own context is
//! recorded: the parts of `catalogue` it looks at, the `rubrics` list, and
//! each `indicator(n)`, `group(n)` and `rubric_title(id)` it calls (of an
//! indicator, its number and title apart from the rest). A page's own
//! context is keyed by the hashes of the model parts it is built from
//! ([`model_key`], with [`PageMemo::part`]), or, for the few small pages
//! left, by hashing the context itself ([`context_key`]). The next build
//! reuses the page's bytes when its key is the same and none of the
//! recorded parts changed; otherwise it renders it again. Templates,
//! static files and dudao.toml are not tracked page by page: a change to
//! any of them clears the memo (the caller calls [`PageMemo::clear`]). The
//! evidence guides count as one input, known unchanged from the hashes of
//! their files ([`PageMemo::begin`]); a change clears the memo too.
//!
//! The memo, not the render output, holds a page's bytes, as one shared
//! [`Bytes`]: a page in the output is an empty placeholder, and `dudao
//! serve` takes the bytes from [`PageMemo::built`] into the site it serves.
//! A page reused at ×100 is then never copied or compared again: 300 MB of
//! copying and comparing per rebuild before (docs/benchmarks.md).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use serde::Serialize;

use super::theme::ScriptJson;
use crate::kept::Kept;
use crate::model::Project;

mod parts;
use parts::{Parts, RubricHashes};

/// One thing outside its own context that a page read.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Dep {
    /// `catalogue.<field>`, or `catalogue` itself when iterated whole.
    Catalogue(String),
    Rubrics,
    /// Every field of an indicator.
    Indicator(u32),
    /// An indicator's number and title: what a link to it prints.
    IndicatorTitle(u32),
    /// Which indicators there are, in order: `catalogue.indicators` read as
    /// a list, whose items record their own reads.
    IndicatorNumbers,
    Group(u32),
    RubricTitle(String),
    /// Which rubrics there are, in order: `rubrics` read as a list, whose
    /// items record their own reads.
    RubricIds,
    /// What a list of rubrics prints of one (see [`rubric_head`]).
    RubricHead(String),
    /// A rubric's head and the skeleton of its table (see
    /// [`rubric_outline`]): what a page pointing into its rows prints.
    RubricOutline(String),
    /// Every field of a rubric (its `content_hash`).
    Rubric(String),
}

thread_local! {
    static RECORDING: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Notes that the page rendering on this thread read `dep`.
pub fn record(dep: Dep) {
    RECORDING.with(|r| {
        if let Some(deps) = r.borrow_mut().as_mut() {
            deps.push(dep);
        }
    });
}

/// Runs `f`, returning what it read.
fn recording<R>(f: impl FnOnce() -> R) -> (R, Vec<Dep>) {
    let outer = RECORDING.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = f();
    let mut deps = RECORDING
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), outer))
        .unwrap_or_default();
    deps.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
    deps.dedup();
    (result, deps)
}

/// A template value that records each read: `catalogue`, given to every
/// page. (`rubrics`, render's `RubricList`, records its own reads.)
#[derive(Debug)]
pub struct Tracked {
    inner: Value,
    seq: bool,
}

impl Tracked {
    pub fn catalogue(inner: Value) -> Value {
        Value::from_object(Tracked { inner, seq: false })
    }

    fn whole(&self) -> Dep {
        if self.seq {
            Dep::Rubrics
        } else {
            Dep::Catalogue(String::new())
        }
    }
}

impl Object for Tracked {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        if self.seq {
            ObjectRepr::Seq
        } else {
            ObjectRepr::Map
        }
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str() {
            // Its items are `lazy::IndicatorView`s, which record each read.
            Some("indicators") if !self.seq => record(Dep::IndicatorNumbers),
            Some(field) if !self.seq => record(Dep::Catalogue(field.to_owned())),
            _ => record(self.whole()),
        }
        self.inner.get_item(key).ok().filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        record(self.whole());
        match self.inner.try_iter() {
            Ok(items) => Enumerator::Values(items.collect()),
            Err(_) => Enumerator::Empty,
        }
    }
}

/// What a page was rendered from, and its bytes.
struct Page {
    key: Option<u64>,
    deps: Vec<(Dep, Option<u64>)>,
    bytes: Bytes,
    /// Rendered by the current build, not reused from the last.
    fresh: bool,
}

/// Pages of the last build, kept for the next (see the module docs).
#[derive(Default)]
pub struct PageMemo {
    state: Mutex<State>,
    outlines: Kept<String, RubricHashes>,
}

#[derive(Default)]
struct State {
    parts: Arc<Parts>,
    last: HashMap<String, Page>,
    next: HashMap<String, Page>,
    /// How many pages this build rendered (the rest were reused).
    rendered: usize,
    evidence: u64,
    /// Files other than pages whose bytes this build hands over shared
    /// (see [`PageMemo::share`]), and whether it made them.
    shared: HashMap<String, (Bytes, bool)>,
}

impl PageMemo {
    /// Forgets every page: the next build renders them all.
    pub fn clear(&self) {
        let mut state = self.lock();
        state.last.clear();
        state.next.clear();
    }

    /// How many pages the last build rendered and how many it reused.
    pub fn last_counts(&self) -> (usize, usize) {
        let state = self.lock();
        (
            state.rendered,
            state.last.len().saturating_sub(state.rendered),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The hash of `dep` in the build under way: what the key of a page
    /// whose own context is built from that part of the model is made of
    /// (see [`model_key`]).
    pub(super) fn part(&self, dep: &Dep) -> Option<u64> {
        self.lock().parts.0.get(dep).copied()
    }

    /// What the guides of the build under way are, from the hashes of
    /// their files: the same key, the same guides.
    pub(super) fn evidence_key(&self) -> u64 {
        self.lock().evidence
    }

    /// Starts a build of `project`.
    pub(super) fn begin(&self, project: &Project) {
        let parts = Parts::of(project, &self.outlines);
        let evidence = evidence_key(&project.evidence);
        let mut state = self.lock();
        if state.evidence != evidence {
            state.last.clear();
        }
        state.evidence = evidence;
        state.parts = Arc::new(parts);
        state.next.clear();
        state.shared.clear();
        state.rendered = 0;
    }

    /// Hands over `bytes` as the file at `path` in the build under way, for
    /// [`PageMemo::built`], as a page's are: the render output then holds an
    /// empty placeholder. For a file kept elsewhere from build to build (the
    /// Office exports, `api/rubrics/`), so it is not copied into the output.
    /// `made` says it is new this build; if not, the served file is
    /// compared with it only when it is not the very same buffer.
    pub(super) fn share(&self, path: &str, bytes: Bytes, made: bool) {
        self.lock().shared.insert(path.to_owned(), (bytes, made));
    }

    /// Ends a build that succeeded: its pages are the ones to reuse next.
    pub(super) fn finish(&self) {
        let mut state = self.lock();
        state.last = std::mem::take(&mut state.next);
        self.outlines.forget_unused();
    }

    /// The bytes of the page at `path` in the build under way (or the last
    /// finished one), and whether this build rendered it (`false`: reused,
    /// the very bytes of the last build).
    pub fn built(&self, path: &str) -> Option<(Bytes, bool)> {
        let state = self.lock();
        if let Some((bytes, made)) = state.shared.get(path) {
            return Some((bytes.clone(), *made));
        }
        let page = state.next.get(path).or_else(|| state.last.get(path))?;
        Some((page.bytes.clone(), page.fresh))
    }

    /// Keeps the page at `path` from the last build if nothing it read
    /// changed, else renders it now with `render`; its bytes are then
    /// [`PageMemo::built`]'s.
    ///
    /// `key` stands for everything the page's own context is made of (see
    /// [`context_key`] and [`model_key`]); `None` never reuses the page.
    /// `render` is told the size of the page's last bytes, to size its
    /// buffer by (0 for a new page).
    pub(super) fn page<E>(
        &self,
        path: &str,
        key: Option<u64>,
        render: impl FnOnce(usize) -> Result<Vec<u8>, E>,
    ) -> Result<(), E> {
        let (parts, last_size) = {
            let mut state = self.lock();
            let parts = Arc::clone(&state.parts);
            let last = state.last.remove(path);
            let last_size = last.as_ref().map_or(0, |page| page.bytes.len());
            if let Some(mut page) = last
                && key.is_some()
                && page.key == key
                && page
                    .deps
                    .iter()
                    .all(|(dep, was)| parts.0.get(dep).copied() == *was)
            {
                page.fresh = false;
                state.next.insert(path.to_owned(), page);
                return Ok(());
            }
            (parts, last_size)
        };
        let (html, deps) = recording(|| render(last_size));
        let bytes = Bytes::from(html?);
        let deps = deps
            .into_iter()
            .map(|dep| {
                let now = parts.0.get(&dep).copied();
                (dep, now)
            })
            .collect();
        let mut state = self.lock();
        state.rendered += 1;
        state.next.insert(
            path.to_owned(),
            Page {
                key,
                deps,
                bytes,
                fresh: true,
            },
        );
        Ok(())
    }
}

/// What the guides are, from the hashes of their files (a guide is made of
/// its file alone) and where each is used: no guide is hashed again.
fn evidence_key(evidence: &crate::model::Evidence) -> u64 {
    let mut hasher = DefaultHasher::new();
    evidence.indicators.len().hash(&mut hasher);
    for (number, guide) in &evidence.indicators {
        (number, guide.source_hash, &guide.inherited_from).hash(&mut hasher);
    }
    for (rubric, criteria) in &evidence.criteria {
        (rubric, criteria.len()).hash(&mut hasher);
        for (criterion, guide) in criteria {
            (criterion, guide.source_hash, &guide.inherited_from).hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// The key of a page rendered from `template` as `kind` with the context
/// `extra`, made by walking the whole context: every page family can use
/// it, but it costs a walk of the context on every build. `None` when the
/// context holds a value we cannot see into (never reused).
pub(super) fn context_key(template: &str, kind: &str, extra: &Value) -> Option<u64> {
    let mut hasher = DefaultHasher::new();
    (0u8, template, kind).hash(&mut hasher);
    value_key(extra, &mut hasher).map(|()| hasher.finish())
}

/// The key of a page whose own context is made only of what `model`
/// stands for: for a page family whose context is built from model values
/// that carry their own hash (a rubric's `content_hash`), so no context is
/// built, let alone walked, for a page that is reused. The caller must
/// make `model` cover everything the context is built from.
pub(super) fn model_key(template: &str, kind: &str, model: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    // Tagged apart from `context_key`'s keys.
    (1u8, template, kind).hash(&mut hasher);
    model.hash(&mut hasher);
    hasher.finish()
}

/// Feeds everything `value` holds to `hasher`, or `None` if it holds a
/// plain object whose contents are hidden.
///
/// A custom object is a map by default, and one that lists no keys (the
/// tailor page's [`ScriptJson`]) would hash as an empty map whatever it
/// holds: such objects must be named here.
fn value_key(value: &Value, hasher: &mut DefaultHasher) -> Option<()> {
    use minijinja::value::ValueKind;
    if value.downcast_object_ref::<ScriptJson>().is_some() {
        // The filter hands back the JSON text the page will hold.
        super::theme::json_for_script_filter(value.clone())
            .as_str()?
            .hash(hasher);
        return Some(());
    }
    std::mem::discriminant(&value.kind()).hash(hasher);
    match value.kind() {
        ValueKind::Map => {
            // Pairs as the map holds them, not a lookup per key.
            let pairs = value.as_object().and_then(|o| o.try_iter_pairs());
            match pairs {
                Some(pairs) => {
                    for (key, item) in pairs {
                        value_key(&key, hasher)?;
                        value_key(&item, hasher)?;
                    }
                }
                None => {
                    for key in value.try_iter().ok()? {
                        value_key(&key, hasher)?;
                        value_key(&value.get_item(&key).ok()?, hasher)?;
                    }
                }
            }
        }
        ValueKind::Seq | ValueKind::Iterable => {
            for item in value.try_iter().ok()? {
                value_key(&item, hasher)?;
            }
        }
        ValueKind::Plain => return None,
        ValueKind::String => (value.as_str()?, value.is_safe()).hash(hasher),
        // Integers without formatting them; 1 and 1.0 stay apart (a page
        // prints them differently).
        ValueKind::Number if value.is_integer() && value.as_i64().is_some() => {
            (0u8, value.as_i64()?).hash(hasher)
        }
        _ => (1u8, value.to_string()).hash(hasher),
    }
    Some(())
}

/// SipHash with fixed keys over the value's JSON: the same value gives the
/// same hash in every build of this process.
pub(super) fn hash(value: &impl Serialize) -> u64 {
    struct Writer(DefaultHasher);
    impl std::io::Write for Writer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            bytes.hash(&mut self.0);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut writer = Writer(DefaultHasher::new());
    serde_json::to_writer(&mut writer, value).expect("the model serialises");
    writer.0.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn key(value: &Value) -> Option<u64> {
        let mut hasher = DefaultHasher::new();
        value_key(value, &mut hasher).map(|()| hasher.finish())
    }

    #[test]
    fn a_context_key_sees_into_pre_serialised_json() {
        let a = context! { data => Value::from_object(ScriptJson::new("[1]".into())) };
        let b = context! { data => Value::from_object(ScriptJson::new("[2]".into())) };
        assert!(key(&a).is_some());
        assert_ne!(key(&a), key(&b));
        assert_ne!(key(&context! { x => "a" }), key(&context! { x => "b" }));
    }

    #[test]
    fn a_context_key_tells_apart_what_a_page_would_print_apart() {
        let same = |a: &Value, b: &Value| key(a).is_some() && key(a) == key(b);
        assert!(same(
            &context! { n => 1, m => "x" },
            &context! { n => 1, m => "x" }
        ));
        assert!(!same(&context! { n => 1 }, &context! { n => 1.0 }));
        assert!(!same(&context! { n => 1 }, &context! { n => "1" }));
        assert!(!same(&context! { n => 1 }, &context! { n => 2 }));
        assert!(!same(
            &context! { n => u64::MAX },
            &context! { n => u64::MAX - 1 }
        ));
        assert!(!same(&context! { a => 1 }, &context! { b => 1 }));
        assert!(!same(
            &context! { s => Value::from_safe_string("<b>".into()) },
            &context! { s => "<b>" }
        ));
    }
}
