//! The application layer, between `http` and `store`/`index`: what the system does, whoever
//! asks (an HTTP handler, the command line, a test). Handlers parse and answer; everything else
//! happens here.
//!
//! - `auth`: accounts, sessions, roles;
//! - `workflow`: land requests on one lifecycle (a pure transition table), each command one
//!   unit of work with its audit rows;
//! - `publish`: after a commit, the index's change set and the purge of the tiles it touches;
//! - `audit`: the actor and the rows their actions leave;
//! - `documents`: files attached to land requests (who may add and read them, what is taken);
//! - `notify`: who hears of each step, the outbox written with it, and the sender;
//! - `queue`: the district a land request lies in, and the review queue's filters.

use std::sync::Arc;

use crate::domain::category::CategoryRegistry;
use crate::domain::checks::SplitRules;
use crate::index::Index;
use crate::store::Store;
use crate::tiles::cache::TileCache;

pub mod audit;
pub mod auth;
pub mod documents;
pub mod failpoint;
pub mod history;
pub mod notify;
pub mod plan_file;
pub mod proposal_file;
pub mod publish;
pub mod queue;
pub mod sketch;
pub mod verify;
pub mod workflow;

/// Everything the application's operations reach.
pub struct App {
    /// The truth.
    pub store: Arc<dyn Store>,
    /// The view every read is answered from.
    pub index: Arc<Index>,
    /// Rendered tiles (purged by `publish`).
    pub tiles: Arc<TileCache>,
    pub categories: Arc<CategoryRegistry>,
    /// The municipality's rule numbers for subdivisions and merges.
    pub rules: SplitRules,
    pub auth: auth::Auth,
    /// Retired versions, for reads of the register as of a past date.
    pub history: Arc<history::History>,
    /// Documents attached to requests (`[documents]`: the upload limit).
    pub documents: documents::DocumentsConfig,
    /// What survey sketches print (`[sketch]`: the Amanah's names, the public address).
    pub sketch: sketch::SketchSettings,
    /// Templates and channels of notifications (`[notify]`).
    pub notify: notify::Notifier,
}

impl App {
    pub fn new(
        store: Arc<dyn Store>,
        index: Arc<Index>,
        tiles: Arc<TileCache>,
        categories: Arc<CategoryRegistry>,
        rules: SplitRules,
        auth: auth::AuthConfig,
        history: Arc<history::History>,
    ) -> App {
        App {
            history,
            auth: auth::Auth::new(store.clone(), auth),
            store,
            index,
            tiles,
            categories,
            rules,
            documents: documents::DocumentsConfig::default(),
            sketch: sketch::SketchSettings::default(),
            notify: notify::Notifier::default(),
        }
    }
}
