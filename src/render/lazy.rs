//! Template values that borrow the model instead of copying it.
//!
//! The template environment is `'static`, so it cannot hold `&Project`;
//! converting the catalogue to template values up front held it twice more
//! (as `catalogue` and behind `indicator(n)`, ~19 MB at ×100;
//! docs/benchmarks.md). These values share the project through an [`Arc`]
//! and make a template value of a part only when a template reads it.
//! Templates see the same fields, in the same order, as `Serde(&part)`
//! would give them.

use std::collections::HashMap;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{Enumerator, Object, ObjectRepr, Serde};

use super::incremental::{Dep, record};
use crate::model::{Indicator, Project};

/// `catalogue`: the notice, overview and footnotes (a fixed size, whatever
/// the project's) as template values; the groups and indicators (which grow
/// with it) as lists whose items are made when read.
#[derive(Debug)]
pub struct Catalogue {
    notice: Value,
    overview: Value,
    groups: Value,
    indicators: Value,
    footnotes: Value,
}

impl Catalogue {
    pub fn value(project: &Arc<Project>) -> Value {
        let catalogue = &project.catalogue;
        Value::from_object(Catalogue {
            notice: Value::from(Serde(&catalogue.notice)),
            overview: Value::from(Serde(&catalogue.overview)),
            groups: Value::from_object(Groups(Arc::clone(project))),
            indicators: Value::from_object(Indicators(Arc::clone(project))),
            footnotes: Value::from(Serde(&catalogue.footnotes)),
        })
    }
}

impl Object for Catalogue {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        Some(match key.as_str()? {
            "notice" => self.notice.clone(),
            "overview" => self.overview.clone(),
            "groups" => self.groups.clone(),
            "indicators" => self.indicators.clone(),
            "footnotes" => self.footnotes.clone(),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        // The fields of `model::Catalogue`, in its order.
        Enumerator::Str(&["notice", "overview", "groups", "indicators", "footnotes"])
    }
}

/// `catalogue.groups`: each group becomes a template value when read.
#[derive(Debug)]
struct Groups(Arc<Project>);

impl Object for Groups {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let group = self.0.catalogue.groups.get(key.as_usize()?)?;
        Some(Value::from(Serde(group)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.catalogue.groups.len())
    }
}

/// `catalogue.indicators`: each item is an [`IndicatorView`].
#[derive(Debug)]
struct Indicators(Arc<Project>);

impl Object for Indicators {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let index = key.as_usize()?;
        (index < self.0.catalogue.indicators.len())
            .then(|| IndicatorView::value(Arc::clone(&self.0), index))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.catalogue.indicators.len())
    }
}

/// One indicator, each field made a template value when read: a rubric row
/// reads its indicator's title (100,000 times at ×100), not its list of
/// every row that uses it.
#[derive(Debug)]
pub struct IndicatorView {
    project: Arc<Project>,
    index: usize,
}

impl IndicatorView {
    fn value(project: Arc<Project>, index: usize) -> Value {
        Value::from_object(IndicatorView { project, index })
    }

    fn indicator(&self) -> &Indicator {
        &self.project.catalogue.indicators[self.index]
    }
}

impl Object for IndicatorView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = self.indicator();
        let key = key.as_str()?;
        // A link to an indicator prints its number and title only: it need
        // not render again when the explanation changes.
        record(match key {
            "number" | "title" => Dep::IndicatorTitle(i.number),
            _ => Dep::Indicator(i.number),
        });
        Some(match key {
            "number" => Value::from(i.number),
            "group" => Value::from(i.group),
            "title" => Value::from(i.title.as_str()),
            "explanation" => Value::from(i.explanation.as_str()),
            "footnotes" => Value::from(Serde(&i.footnotes)),
            "editorial_note" => Value::from(Serde(&i.editorial_note)),
            "used_by" => Value::from(Serde(&i.used_by)),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        // The fields of `model::Indicator`, in its order.
        Enumerator::Str(&[
            "number",
            "group",
            "title",
            "explanation",
            "footnotes",
            "editorial_note",
            "used_by",
        ])
    }
}

/// `indicator(n)`: the indicator numbered `n`, or undefined.
pub fn indicator_function(project: &Arc<Project>) -> impl Fn(u32) -> Value + use<> {
    let project = Arc::clone(project);
    let by_number: HashMap<u32, usize> =
        index_by_number(project.catalogue.indicators.iter().map(|i| i.number));
    move |number| match by_number.get(&number) {
        Some(&index) => IndicatorView::value(Arc::clone(&project), index),
        None => Value::default(),
    }
}

/// `group(n)`: the group numbered `n`, or undefined.
pub fn group_function(project: &Arc<Project>) -> impl Fn(u32) -> Value + use<> {
    let project = Arc::clone(project);
    let by_number = index_by_number(project.catalogue.groups.iter().map(|g| g.number));
    move |number| match by_number.get(&number) {
        Some(&index) => Value::from(Serde(&project.catalogue.groups[index])),
        None => Value::default(),
    }
}

fn index_by_number(numbers: impl Iterator<Item = u32>) -> HashMap<u32, usize> {
    numbers.enumerate().map(|(index, n)| (n, index)).collect()
}

/// `rubrics`: each rubric becomes a template value when a template reads
/// it (converting all of them up front held 28 MB at ×100).
#[derive(Debug)]
pub struct Rubrics(pub Arc<Project>);

impl Object for Rubrics {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        super::incremental::record(super::incremental::Dep::Rubrics);
        let rubric = self.0.rubrics.get(key.as_usize()?)?;
        Some(Value::from(Serde(&**rubric)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        super::incremental::record(super::incremental::Dep::Rubrics);
        Enumerator::Seq(self.0.rubrics.len())
    }
}
