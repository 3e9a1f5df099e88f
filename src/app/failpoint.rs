//! Failpoints for crash tests: `MADINATI_FAILPOINT=name` makes the process abort (as a kill -9
//! would stop it: no destructor, no rollback, no flush) when it reaches the point of that name.
//! Unset, a failpoint costs one read of a cached value.

use std::sync::OnceLock;

fn armed() -> Option<&'static str> {
    static ARMED: OnceLock<Option<String>> = OnceLock::new();
    ARMED
        .get_or_init(|| std::env::var("MADINATI_FAILPOINT").ok())
        .as_deref()
}

/// Aborts the process if `name` is the armed failpoint.
pub fn hit(name: &str) {
    if armed() == Some(name) {
        eprintln!("failpoint {name}: aborting");
        std::process::abort();
    }
}
