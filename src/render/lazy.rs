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

/// `rubrics`: each item is a [`RubricView`] (converting all of them up
/// front held 28 MB at ×100). Reading the list records which rubrics there
/// are ([`Dep::RubricIds`]), not what they hold.
#[derive(Debug)]
pub struct Rubrics(pub Arc<Project>);

impl Object for Rubrics {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        record(Dep::RubricIds);
        let index = key.as_usize()?;
        (index < self.0.rubrics.len()).then(|| {
            Value::from_object(RubricView {
                project: Arc::clone(&self.0),
                index,
            })
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        record(Dep::RubricIds);
        Enumerator::Seq(self.0.rubrics.len())
    }
}

/// One rubric of `rubrics`, each field made a template value when read. A
/// list of rubrics (the home page, the notice's annexes) prints a few
/// fields of each, its head ([`Dep::RubricHead`]; the home page also quotes
/// one rubric's scoring rule and bands): it need not render again when a
/// rubric's criteria or notes change, and at ×100 it no longer makes a
/// template value of every rubric's whole table.
#[derive(Debug)]
pub struct RubricView {
    project: Arc<Project>,
    index: usize,
}

/// The fields of `model::Rubric`, in its order, as its JSON has them
/// (`labels` only when not the default).
const RUBRIC_FIELDS: [&str; 18] = [
    "id",
    "title",
    "label",
    "kind",
    "source",
    "based_on",
    "rationale",
    "total",
    "scoring_rule",
    "header_fields",
    "labels",
    "has_stages",
    "stages",
    "veto",
    "bands",
    "notes",
    "editorial_notes",
    "content_hash",
];

impl Object for RubricView {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        // Every field, named so that a new one does not compile unseen.
        let crate::model::Rubric {
            id,
            title,
            label,
            kind,
            source,
            based_on,
            rationale,
            total,
            scoring_rule,
            header_fields,
            labels,
            has_stages,
            stages,
            veto,
            bands,
            notes,
            editorial_notes,
            content_hash,
        } = &*self.project.rubrics[self.index];
        let key = key.as_str()?;
        record(match key {
            // Which rubric is at this index: recorded by the list already.
            "id" => Dep::RubricIds,
            "title" | "label" | "kind" | "source" | "based_on" | "total" | "scoring_rule"
            | "bands" => Dep::RubricHead(id.clone()),
            _ => Dep::Rubric(id.clone()),
        });
        Some(match key {
            "id" => Value::from(id.as_str()),
            "title" => Value::from(title.as_str()),
            "label" => Value::from(Serde(label)),
            "kind" => Value::from(Serde(kind)),
            "source" => Value::from(Serde(source)),
            "based_on" => Value::from(Serde(based_on)),
            "rationale" => Value::from(Serde(rationale)),
            "total" => Value::from(Serde(total)),
            "scoring_rule" => Value::from(scoring_rule.as_str()),
            "header_fields" => Value::from(Serde(header_fields)),
            "labels" if !labels.is_default() => Value::from(Serde(labels)),
            "has_stages" => Value::from(*has_stages),
            "stages" => Value::from(Serde(stages)),
            "veto" => Value::from(Serde(veto)),
            "bands" => Value::from(Serde(bands)),
            "notes" => Value::from(Serde(notes)),
            "editorial_notes" => Value::from(Serde(editorial_notes)),
            "content_hash" => Value::from(content_hash.as_str()),
            _ => return None,
        })
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let r = &self.project.rubrics[self.index];
        record(Dep::Rubric(r.id.clone()));
        if r.labels.is_default() {
            Enumerator::Values(
                RUBRIC_FIELDS
                    .iter()
                    .filter(|&&f| f != "labels")
                    .map(|&f| Value::from(f))
                    .collect(),
            )
        } else {
            Enumerator::Str(&RUBRIC_FIELDS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rubric_view_gives_templates_what_the_whole_rubric_would() {
        let (mut project, _) =
            crate::load_project(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
                .expect("the bundled content loads");
        // One rubric with labels of its own, which the JSON then carries.
        std::sync::Arc::make_mut(&mut project.rubrics[0])
            .labels
            .result = "评定结果".to_owned();
        let project = Arc::new(project);
        let json = |value: &Value| serde_json::to_value(value).unwrap();
        let list = Value::from_object(Rubrics(Arc::clone(&project)));
        for (index, rubric) in project.rubrics.iter().enumerate() {
            let view = list.get_item(&Value::from(index)).unwrap();
            assert_eq!(
                json(&view),
                json(&Value::from(Serde(&**rubric))),
                "{}",
                rubric.id
            );
        }
        assert!(
            list.get_item(&Value::from(project.rubrics.len()))
                .unwrap()
                .is_undefined()
        );
    }
}
