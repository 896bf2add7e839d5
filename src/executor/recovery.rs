//! `adopt` and `resolve` on the executor (see [`crate::recovery`]). A child
//! module so it shares the executor's lock, transaction and bookkeeping
//! plumbing instead of copying it.

use lithify_core::listing::first_few;

use super::{revisions_text, Executor};

/// The revisions of this chain that diesel's `__diesel_schema_migrations`
/// records, for a database lithify has not adopted yet.
pub(super) struct DieselApplied {
    /// Indexed like the chain: true where diesel applied the revision.
    pub applied: Vec<bool>,
    /// Every version in diesel's table, known to this chain or not.
    pub total: usize,
}

impl DieselApplied {
    /// How many of diesel's versions are revisions of this chain.
    pub fn known(&self) -> usize {
        self.applied.iter().filter(|a| **a).count()
    }
}
use crate::bookkeeping::{BookkeepingRow, Record, RowState};
use crate::dialects::MigrationConnection;
use crate::error::{db, Error, Inconsistency};
use crate::recovery::{AdoptReport, RecoveryError, ResolveAs, ResolveReport};

impl<C: MigrationConnection> Executor<'_, C> {
    /// Record every revision diesel applied (by version) as applied, with
    /// this binary's checksum, in one transaction under the migration lock.
    pub fn adopt(&mut self) -> Result<AdoptReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let report = ex.transaction(|ex| {
                let report = ex.adopt_rows()?;
                ex.write_state_from_rows()?;
                Ok(report)
            })?;
            ex.print_adopt(&report);
            Ok(report)
        })
    }

    /// Before a first upgrade: a database diesel migrated and lithify has
    /// never recorded would have its revisions run a second time (and fail
    /// on "table already exists" halfway), so it is refused with the fix.
    pub(super) fn refuse_unadopted(&mut self, applied: &[bool]) -> Result<(), Error> {
        match self.unadopted(applied)? {
            Some(diesel) => Err(RecoveryError::NotAdopted {
                known: diesel.known(),
                total: diesel.total,
            }
            .into()),
            None => Ok(()),
        }
    }

    /// What diesel applied, when lithify has recorded nothing (`applied`
    /// is empty) and diesel's table lists revisions of this chain: the
    /// database waits for `adopt`. `None` otherwise.
    pub(super) fn unadopted(&mut self, applied: &[bool]) -> Result<Option<DieselApplied>, Error> {
        if applied.iter().any(|a| *a) {
            return Ok(None);
        }
        let versions = self
            .conn
            .load_diesel_versions()
            .map_err(db("reading __diesel_schema_migrations"))?
            .unwrap_or_default();
        let mut by_diesel = self.view.none_applied();
        for version in &versions {
            if let Some(ix) = self.view.graph.index_of(version.trim()) {
                by_diesel[ix] = true;
            }
        }
        if !by_diesel.iter().any(|a| *a) {
            return Ok(None);
        }
        Ok(Some(DieselApplied {
            applied: by_diesel,
            total: versions.len(),
        }))
    }

    fn adopt_rows(&mut self) -> Result<AdoptReport, Error> {
        let versions = self
            .conn
            .load_diesel_versions()
            .map_err(db("reading __diesel_schema_migrations"))?
            .ok_or(RecoveryError::NoDieselTable)?;
        // The lithify record must be consistent before anything is added to it.
        let mut applied = self.applied()?;
        let mut adopted = Vec::new();
        let mut already = Vec::new();
        let mut unknown = Vec::new();
        for version in versions {
            // diesel stores the version without dashes, which is lithify's id.
            let Some(ix) = self.view.graph.index_of(version.trim()) else {
                unknown.push(version);
                continue;
            };
            let revision = self.view.revision(ix);
            if applied[ix] {
                already.push(revision.id);
                continue;
            }
            self.record(&Record::Applied {
                revision,
                duration_ms: None,
            })
            .map_err(db("recording an adopted revision"))?;
            applied[ix] = true;
            adopted.push(ix);
        }
        let order = self.view.graph.topological_order();
        let adopted = order
            .iter()
            .filter(|ix| adopted.contains(ix))
            .map(|&ix| self.view.revision(ix).id)
            .collect();
        let gaps = order
            .iter()
            .filter(|&&ix| !applied[ix])
            .filter(|&&ix| {
                let below = self.view.graph.descendants_inclusive(ix);
                below.iter().zip(&applied).any(|(d, a)| *d && *a)
            })
            .map(|&ix| self.view.revision(ix).id)
            .collect();
        Ok(AdoptReport {
            adopted,
            already,
            unknown,
            gaps,
            now_at: self.view.describe(&applied),
        })
    }

    /// One line per kind of outcome, however many revisions: a real
    /// directory adopts hundreds (the report lists every one).
    fn print_adopt(&self, report: &AdoptReport) {
        let out = self.options.output;
        if !report.adopted.is_empty() {
            out.line(&format!(
                "adopt: recorded {} as applied (applied by diesel)",
                revisions_text(&report.adopted)
            ));
        }
        let unknown = match report.unknown.as_slice() {
            [] => None,
            [one] => Some(format!("diesel version {one} is not a revision")),
            many => Some(format!(
                "{} diesel versions are not revisions ({})",
                many.len(),
                first_few(many)
            )),
        };
        if let Some(unknown) = unknown {
            out.line(&format!(
                "adopt: warning: {unknown} of this binary; left in __diesel_schema_migrations and not recorded"
            ));
        }
        if !report.gaps.is_empty() {
            out.line(&format!(
                "adopt: note: {} never applied although later revisions were; `upgrade` will run {}",
                match report.gaps.as_slice() {
                    [one] => format!("{one} was"),
                    many => format!("{} revisions ({}) were", many.len(), first_few(many)),
                },
                if report.gaps.len() == 1 { "it" } else { "them" }
            ));
        }
        let verb = if report.adopted.is_empty() {
            "nothing new to adopt"
        } else {
            "adopted"
        };
        out.line(&format!(
            "{verb}: {} revision(s) recorded, {} already recorded, {} unknown; database now recorded at {}",
            report.adopted.len(),
            report.already.len(),
            report.unknown.len(),
            report.now_at
        ));
    }

    /// Settle a revision left `started`: mark it applied, or forget it.
    pub fn resolve(&mut self, given: &str, how: ResolveAs) -> Result<ResolveReport, Error> {
        self.locked(|ex| {
            ex.ensure_table()?;
            let report = ex.transaction(|ex| {
                let report = ex.resolve_row(given, how)?;
                ex.write_state_from_rows()?;
                Ok(report)
            })?;
            ex.options.output.line(&format!(
                "resolve: {} recorded as {}; database now recorded at {}",
                report.id, report.resolved_as, report.now_at
            ));
            Ok(report)
        })
    }

    fn resolve_row(&mut self, given: &str, how: ResolveAs) -> Result<ResolveReport, Error> {
        let rows = self.load()?;
        let started: Vec<&BookkeepingRow> = rows
            .iter()
            .filter(|r| r.state == RowState::Started.as_str())
            .collect();
        let matches: Vec<&BookkeepingRow> = match started.iter().find(|r| r.id == given) {
            Some(exact) => vec![exact],
            None => started
                .iter()
                .copied()
                .filter(|r| !given.is_empty() && r.id.starts_with(given))
                .collect(),
        };
        let row = match matches.as_slice() {
            [row] => *row,
            [] => {
                return Err(RecoveryError::NotStarted {
                    given: given.to_owned(),
                    started: started.iter().map(|r| r.id.clone()).collect(),
                }
                .into())
            }
            _ => {
                return Err(RecoveryError::Ambiguous {
                    given: given.to_owned(),
                    matches: matches.iter().map(|r| r.id.clone()).collect(),
                }
                .into())
            }
        };
        let Some(ix) = self.view.graph.index_of(&row.id) else {
            return Err(Inconsistency::UnknownRevision {
                id: row.id.clone(),
                message: row.message.clone(),
            }
            .into());
        };
        let id = self.view.revision(ix).id;
        let record = match how {
            ResolveAs::Applied => Record::Finished {
                id,
                duration_ms: None,
            },
            ResolveAs::Reverted => Record::Removed { id },
        };
        self.record(&record).map_err(db("resolving the revision"))?;
        let applied = self.view.verify_with(&self.load()?, false)?;
        Ok(ResolveReport {
            id,
            resolved_as: how,
            now_at: self.view.describe(&applied),
        })
    }
}
