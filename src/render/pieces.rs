//! Pieces of the whole-site files kept between `dudao serve`'s builds.
//!
//! A few files are made of every rubric at once (the tailor page's and the
//! workspace's data, and `api/rubrics/*.json` one by one): at ×100 serialising the 800
//! rubrics again was 0.6 s of every rebuild, though an edit changes one
//! rubric at most. Each rubric's serialised form is kept here under its
//! `content_hash` (the SHA-256 of every field of the rubric), so only an
//! edited rubric is serialised again and the rest are copied.
//!
//! The two API files made of the whole catalogue or every guide are kept
//! the same way, keyed by what they are made of ([`Form::WholeApi`]).
//!
//! A piece not used by a build is dropped when that build finishes, so the
//! memo holds one build's pieces (an edited rubric's old form goes).

use std::sync::Arc;

use crate::kept::Kept;

/// What a piece is, besides the rubric it is made of: the same rubric is
/// serialised differently for the tailor page and for the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// Compact, keys sorted, safe inside `<script>` (the tailor data).
    Script,
    /// `api/rubrics/ID.json`: pretty, with a final newline.
    Api,
    /// Compact, in the model's field order, safe inside `<script>` (the
    /// workspace's `site-rubrics`).
    Workspace,
    /// The whole of `api/evidence.json` or `api/catalog.json`, keyed by
    /// what it is made of.
    WholeApi,
}

#[derive(Default)]
pub struct Pieces {
    kept: Kept<(Form, String), Arc<str>>,
}

impl Pieces {
    /// Starts a build. Nothing to do: a build that failed forgot nothing,
    /// so its pieces are as good as the last build's.
    pub(super) fn begin(&self) {}

    /// Ends a build: what it used is what the next build may reuse.
    pub(super) fn finish(&self) {
        self.kept.forget_unused();
    }

    /// The piece of `form` made of what `key` stands for: the last build's,
    /// or made now by `make` (outside the lock: the families run on every
    /// core).
    pub(super) fn piece(&self, form: Form, key: &str, make: impl FnOnce() -> String) -> Arc<str> {
        self.kept
            .get_or_make((form, key.to_owned()), || Arc::from(make()))
    }
}

/// [`Pieces::piece`] under `dudao serve`; `make` itself for `dudao build`,
/// which keeps nothing.
pub(super) fn piece(
    pieces: Option<&Pieces>,
    form: Form,
    key: &str,
    make: impl FnOnce() -> String,
) -> Arc<str> {
    match pieces {
        Some(pieces) => pieces.piece(form, key, make),
        None => Arc::from(make()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_piece_is_made_once_and_dropped_when_a_build_does_not_use_it() {
        let pieces = Pieces::default();
        let made = std::cell::Cell::new(0);
        let make = |text: &str| {
            made.set(made.get() + 1);
            text.to_owned()
        };
        pieces.begin();
        assert_eq!(&*pieces.piece(Form::Api, "a", || make("A")), "A");
        assert_eq!(&*pieces.piece(Form::Script, "a", || make("a")), "a");
        pieces.finish();
        assert_eq!(made.get(), 2);

        pieces.begin();
        assert_eq!(&*pieces.piece(Form::Api, "a", || make("never")), "A");
        pieces.finish();
        assert_eq!(made.get(), 2, "reused");

        // The script form of `a` went unused by the last build: gone.
        pieces.begin();
        assert_eq!(&*pieces.piece(Form::Script, "a", || make("a2")), "a2");
        pieces.finish();
        assert_eq!(made.get(), 3);
    }

    #[test]
    fn a_failed_build_keeps_what_the_last_one_made() {
        let pieces = Pieces::default();
        pieces.begin();
        pieces.piece(Form::Api, "a", || "A".into());
        pieces.finish();
        pieces.begin();
        pieces.piece(Form::Api, "a", || unreachable!());
        // No finish: the build failed.
        pieces.begin();
        assert_eq!(&*pieces.piece(Form::Api, "a", || unreachable!()), "A");
    }
}
