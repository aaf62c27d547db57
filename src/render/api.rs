//! `api/`: the model as JSON for other tools (documented in
//! docs/json-schema.md, section "Site API").

use serde::Serialize;

use super::incremental::{self, Dep};
use super::pieces::{Form, piece};
use super::{Output, Site};
use crate::diagnostic::Diagnostics;
use crate::model::{Catalogue, Kind, Points};

#[derive(Serialize)]
struct CatalogDocument<'a> {
    schema_version: u32,
    catalogue: &'a Catalogue,
    rubrics: Vec<RubricEntry<'a>>,
}

/// A rubric's summary in `api/catalog.json`; the rubric itself is at `href`.
#[derive(Serialize)]
struct RubricEntry<'a> {
    id: &'a str,
    title: &'a str,
    kind: Kind,
    total: Points,
    content_hash: &'a str,
    /// Relative to `api/catalog.json`.
    href: String,
}

pub fn render(site: &Site, output: &mut Output) -> Result<(), Diagnostics> {
    let project = site.project;
    let catalog = CatalogDocument {
        schema_version: project.schema_version,
        catalogue: &project.catalogue,
        rubrics: project
            .rubrics
            .iter()
            .map(|r| RubricEntry {
                id: &r.id,
                title: &r.title,
                kind: r.kind,
                total: r.total,
                content_hash: &r.content_hash,
                href: format!("rubrics/{}.json", r.id),
            })
            .collect(),
    };
    // Under `dudao serve` kept while the catalogue (its hash in the page
    // memo) and the rubric entries are the same: it was printed whole on
    // every rebuild.
    let json = match site.cache {
        Some(cache) => {
            let catalogue = cache.pages.part(&Dep::Catalogue(String::new()));
            let made_of = (catalogue, catalog.schema_version, &catalog.rubrics);
            let key = format!("catalog {:016x}", incremental::hash(&made_of));
            cache
                .pieces
                .piece(Form::WholeApi, &key, || pretty(&catalog))
        }
        None => pretty(&catalog).into(),
    };
    output.insert("api/catalog.json".into(), json.as_bytes().to_vec());
    let pieces = site.cache.map(|c| &c.pieces);
    for rubric in &project.rubrics {
        // Under `dudao serve`, only an edited rubric is serialised again,
        // and its piece is handed to the served site shared, not copied
        // (most of `api/`'s 49 MB at ×100).
        let json = piece(pieces, Form::Api, &rubric.content_hash, || {
            pretty(&**rubric)
        });
        let path = format!("api/rubrics/{}.json", rubric.id);
        match site.cache {
            Some(cache) => {
                // Not known to be new: the served copy is compared unless it
                // is this very buffer.
                cache
                    .pages
                    .share(&path, bytes::Bytes::from_owner(Piece(json)), false);
                output.insert(path, Vec::new());
            }
            None => {
                output.insert(path, json.as_bytes().to_vec());
            }
        }
    }
    Ok(())
}

/// A kept piece as the bytes of a served file.
struct Piece(std::sync::Arc<str>);

impl AsRef<[u8]> for Piece {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

fn pretty<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("the model always serialises");
    text.push('\n');
    text
}
