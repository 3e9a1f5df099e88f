//! Publishing committed changes from HTTP-side callers (tests, tools): the work is done by
//! `app::publish`; this keeps `AppState::publish` as a shorthand.

use std::sync::Arc;

use super::AppState;
use crate::app::App;
use crate::app::auth::AuthConfig;
use crate::app::documents::DocumentsConfig;
use crate::domain::LayerKind;
use crate::domain::checks::SplitRules;
use crate::index::ChangeSet;
use crate::tiles::cache::{Published, TileCache};

impl AppState {
    /// Applies `changes` of `layer` to the index and purges the affected tiles (see
    /// `app::publish`). Call it only after the store has committed.
    pub fn publish(&self, layer: LayerKind, changes: ChangeSet) -> Published {
        crate::app::publish::publish(&self.index, &self.tiles, layer, changes)
    }

    /// The same state with another tile cache (e.g. sized by `tile_cache_mb`).
    pub fn with_tile_cache(mut self, cache: TileCache) -> AppState {
        self.tiles = Arc::new(cache);
        let (rules, auth) = (self.app.rules.clone(), self.app.auth.config().clone());
        self.with_policy(rules, auth)
    }

    /// The same state with the municipality's rules and session settings.
    pub fn with_policy(self, rules: SplitRules, auth: AuthConfig) -> AppState {
        self.rebuilt(rules, auth, |_| {})
    }

    /// The same state with the settings of documents attached to requests (`[documents]`).
    pub fn with_documents(self, documents: DocumentsConfig) -> AppState {
        self.same_policy(|app| app.documents = documents)
    }

    /// The same state printing `sketch` on survey sketches.
    pub fn with_sketch(self, sketch: crate::app::sketch::SketchSettings) -> AppState {
        self.same_policy(|app| app.sketch = sketch)
    }

    /// The same state writing notifications with `notify`'s templates and channels.
    pub fn with_notify(self, notify: crate::app::notify::Notifier) -> AppState {
        self.same_policy(|app| app.notify = notify)
    }

    fn same_policy(self, change: impl FnOnce(&mut App)) -> AppState {
        let (rules, auth) = (self.app.rules.clone(), self.app.auth.config().clone());
        self.rebuilt(rules, auth, change)
    }

    /// A new `App` over the same store, index and caches, keeping every setting but the rules
    /// and sessions given, then `change`d.
    fn rebuilt(
        mut self,
        rules: SplitRules,
        auth: AuthConfig,
        change: impl FnOnce(&mut App),
    ) -> AppState {
        let mut app = App::new(
            self.store.clone(),
            self.index.clone(),
            self.tiles.clone(),
            self.categories.clone(),
            rules,
            auth,
            self.app.history.clone(),
        );
        app.documents = self.app.documents.clone();
        app.sketch = self.app.sketch.clone();
        app.notify = self.app.notify.clone();
        change(&mut app);
        self.app = Arc::new(app);
        self
    }
}
