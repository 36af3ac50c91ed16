//! The emulator's state, in SQLite: a file (WAL) when persisted, `:memory:` otherwise, so both
//! modes run the same code. One connection behind a mutex, and one transaction per call, make
//! every request atomic; unique indexes keep names unique even if a check were missed.

mod page;
mod row;
mod table;

pub mod builds;
pub mod code;
pub mod deployments;
pub mod environments;
pub mod invocations;
pub mod live;
pub mod logs;
pub mod services;
pub mod variables;
pub mod versions;

pub use page::{Cursor, Listed, PageRequest};

use crate::clock;
use crate::error::{ApiError, ApiResult};
use anyhow::Context as _;
use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use switchboard_models::sid::{SidKind, format_sid};

#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
    generation: Arc<AtomicU64>,
}

/// A store that does not keep the emulator alive, for the background build worker.
pub struct WeakStore(Weak<Mutex<Connection>>, Arc<AtomicU64>);

impl Store {
    pub fn open(path: Option<&Path>) -> anyhow::Result<Store> {
        let connection = match path {
            Some(path) => {
                let connection = Connection::open(path).with_context(|| {
                    format!("cannot open the emulator database {}", path.display())
                })?;
                connection.pragma_update(None, "journal_mode", "WAL")?;
                // Acknowledged writes must survive a crash of the process and of the machine.
                connection.pragma_update(None, "synchronous", "FULL")?;
                connection
            }
            None => Connection::open_in_memory()?,
        };
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection
            .execute_batch(include_str!("schema.sql"))
            .context("cannot migrate the emulator database")?;
        add_build_outcome_columns(&connection).context("cannot migrate the emulator database")?;
        Ok(Store {
            connection: Arc::new(Mutex::new(connection)),
            generation: Arc::default(),
        })
    }

    pub fn downgrade(&self) -> WeakStore {
        WeakStore(Arc::downgrade(&self.connection), self.generation.clone())
    }

    /// Changes whenever a call has changed the data, except [`Store::append`]'s: what was read
    /// at one generation may be kept (and used without asking the store) while it lasts. Read
    /// it before the read it vouches for.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Runs `work` in one transaction on a blocking thread, committing only if it succeeds, so
    /// a response is sent only once its change is durable.
    pub async fn call<T, F>(&self, work: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> ApiResult<T> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.call_blocking(work))
            .await
            .map_err(|error| ApiError::Internal(error.to_string()))?
    }

    /// The same as [`Store::call`], for code that is not async (start-up, seeding).
    pub fn call_blocking<T>(&self, work: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        self.transaction(true, work)
    }

    /// Writes only what no kept read depends on (an execution's log entries), so the
    /// [`generation`](Store::generation) stays: live URLs keep their lookups across executions.
    pub async fn append<F>(&self, work: F) -> ApiResult<()>
    where
        F: FnOnce(&Connection) -> ApiResult<()> + Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.transaction(false, work))
            .await
            .map_err(|error| ApiError::Internal(error.to_string()))?
    }

    fn transaction<T>(
        &self,
        versioned: bool,
        work: impl FnOnce(&Connection) -> ApiResult<T>,
    ) -> ApiResult<T> {
        // A panic while the lock was held has rolled its transaction back, so the data is sound.
        let mut connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let before = connection.total_changes();
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let value = work(&transaction)?;
        transaction.commit()?;
        // Still under the lock, so no read can see the change and yet carry the old generation.
        if versioned && connection.total_changes() != before {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        Ok(value)
    }
}

/// Stores written before builds really ran lack the columns of their outcome.
fn add_build_outcome_columns(connection: &Connection) -> rusqlite::Result<()> {
    let has_failure: bool = connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info('builds') WHERE name = 'failure')",
        [],
        |row| row.get(0),
    )?;
    if !has_failure {
        connection.execute_batch(
            "ALTER TABLE builds ADD COLUMN failure TEXT; ALTER TABLE builds ADD COLUMN node_version TEXT;",
        )?;
    }
    Ok(())
}

impl WeakStore {
    pub fn upgrade(&self) -> Option<Store> {
        self.0.upgrade().map(|connection| Store {
            connection,
            generation: self.1.clone(),
        })
    }
}

/// Issues a new random SID of `kind`, recorded so that it is never issued again.
/// Returns the SID and its position in creation order.
pub fn new_sid(
    db: &Connection,
    kind: SidKind,
    account_sid: &str,
    now: i64,
) -> ApiResult<(String, i64)> {
    loop {
        let sid = issue_sid(kind);
        if let Some(seq) = claim_sid(db, &sid, account_sid, now)? {
            return Ok((sid, seq));
        }
    }
}

/// A new SID of `kind`, not yet recorded. Log entries and request SIDs are issued by the
/// thousand, so theirs begin with the time in milliseconds (48 bits, then 80 random ones, as a
/// UUIDv7 does): each then lands at the end of the store's indexes instead of at a random page.
/// Measured with SQLite 3.46 in memory, an execution's three SIDs and two entries cost 12 µs of
/// CPU that way against 44 µs with random SIDs, and random ones made most of what a live URL's
/// request cost the emulator. Twilio's SIDs are opaque: nothing may read a time out of them.
pub fn issue_sid(kind: SidKind) -> String {
    let bits = match kind {
        SidKind::Log | SidKind::Request => {
            let millis = clock::now_millis().max(0) as u128 & ((1 << 48) - 1);
            (millis << 80) | (rand::random::<u128>() >> 48)
        }
        _ => rand::random(),
    };
    format_sid(kind, bits)
}

/// Records a SID issued before its first write (an execution's request SID, sent to the
/// function before anything is stored): its position, or `None` if it was issued already.
pub fn claim_sid(
    db: &Connection,
    sid: &str,
    account_sid: &str,
    now: i64,
) -> ApiResult<Option<i64>> {
    // Cached: every execution claims three SIDs (its request's and two log entries').
    let inserted = db
        .prepare_cached(
            "INSERT OR IGNORE INTO sids (sid, account_sid, created) VALUES (?1, ?2, ?3)",
        )?
        .execute((sid, account_sid, now))?;
    Ok((inserted == 1).then(|| db.last_insert_rowid()))
}

/// The one row `sql` selects, or Twilio's 404 when there is none.
pub fn one<T>(
    db: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    from_row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> ApiResult<T> {
    use rusqlite::OptionalExtension;
    db.query_row(sql, params, from_row)
        .optional()?
        .ok_or_else(ApiError::not_found)
}

/// Whether a SQLite error is a unique index refusing a duplicate.
pub fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error,
        rusqlite::Error::SqliteFailure(e, _) if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
    )
}
