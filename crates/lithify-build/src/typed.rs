//! Typed revisions (`revision.toml`) compiled into SQL for each dialect the
//! build embeds, each against the schema its ancestors leave on that
//! dialect; from then on a typed revision is like any other: its SQL is
//! embedded, run, shown by `lithify sql` and folded into the schema.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use lithify_core::{Checksum, Dialect};
use lithify_schema::fold::{Fold, RevisionSql};
use lithify_schema::model::Schema;
use lithify_schema::naming::convention::NamingConvention;
use lithify_schema::ops::compile::{compile_revision, CompileError, CompileInput};

use crate::chain::{ChainSchema, CompiledChain, CompiledRevision, DialectSql, ForeignKeysOff};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::schema::fold_revision;

/// Compile every typed revision of `chain` for `dialects`, filling its
/// `up` and `down` SQL.
///
/// # Errors
/// Operations that do not compile, with their lines, once for all the
/// dialects they fail on.
pub fn compile_typed(
    chain: &mut CompiledChain,
    dialects: &[Dialect],
    naming: &NamingConvention,
) -> Result<(), Diagnostics> {
    if !chain.revisions.iter().any(|r| r.typed.is_some()) {
        return Ok(());
    }
    let mut failures: BTreeMap<(usize, u32, String, Option<String>), BTreeSet<Dialect>> =
        BTreeMap::new();
    for &dialect in dialects {
        compile_for(chain, dialect, naming, &mut failures);
    }
    if failures.is_empty() {
        return Ok(());
    }
    let all: BTreeSet<Dialect> = dialects.iter().copied().collect();
    let diags = failures
        .into_iter()
        .map(|((ix, line, message, help), on)| {
            let rev = &chain.revisions[ix];
            let file = rev
                .typed
                .as_ref()
                .map_or_else(|| rev.dir.clone(), |t| t.file.clone());
            let mut d = Diagnostic::error(message).at(file).line(line);
            if on != all {
                let names: Vec<&str> = on.iter().map(|d| d.name()).collect();
                d = d.with_note(format!("when compiling for {}", names.join(", ")));
            }
            match help {
                Some(h) => d.with_help(h),
                None => d,
            }
        })
        .collect();
    Err(Diagnostics(diags))
}

/// Fold `chain` on `dialect`, compiling typed revisions on the way.
fn compile_for(
    chain: &mut CompiledChain,
    dialect: Dialect,
    naming: &NamingConvention,
    failures: &mut BTreeMap<(usize, u32, String, Option<String>), BTreeSet<Dialect>>,
) {
    if !chain.revisions.iter().any(|r| r.typed.is_some()) {
        return;
    }
    let positions: HashMap<String, usize> = chain
        .revisions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let mut running = Fold::new(dialect);
    let mut notes = Vec::new();
    // True while every revision so far has all the ones before it as
    // ancestors (a straight chain, the usual case): the running fold is then
    // the schema a database has when it runs the next one.
    let mut straight = true;
    for ix in 0..chain.revisions.len() {
        straight = straight && follows_all_before(&chain.revisions[ix], &positions, ix);
        if chain.revisions[ix].typed.is_some() {
            let folded;
            let schema = if straight {
                running.schema()
            } else {
                let applied = applied_before(&chain.revisions, &positions, ix);
                folded = if applied.len() == ix {
                    running.schema().clone()
                } else {
                    fold_some(&chain.revisions, &applied, dialect)
                };
                &folded
            };
            let after = compile_one(
                &mut chain.revisions[ix],
                ix,
                dialect,
                schema,
                naming,
                failures,
            );
            // The compiler folded its own SQL on the schema the running fold
            // has: its schema after is what folding the SQL again would give.
            if let Some(after) = after.filter(|_| straight) {
                running = Fold::from_schema(after);
                let rev = &chain.revisions[ix];
                notes.extend(
                    rev.typed
                        .iter()
                        .flat_map(|t| t.notes.get(&dialect))
                        .flatten()
                        .cloned(),
                );
                continue;
            }
        }
        fold_revision(&mut running, &chain.revisions[ix], &mut notes);
    }
    // The whole chain is folded now: the schema module's fold takes it.
    chain.folded.insert(
        dialect,
        ChainSchema {
            dialect,
            schema: running.into_schema(),
            notes,
        },
    );
}

/// Compile the typed revision `rev` against `schema`, filling its SQL for
/// `dialect`; the schema after it, when it compiles.
fn compile_one(
    rev: &mut CompiledRevision,
    ix: usize,
    dialect: Dialect,
    schema: &Schema,
    naming: &NamingConvention,
    failures: &mut BTreeMap<(usize, u32, String, Option<String>), BTreeSet<Dialect>>,
) -> Option<Schema> {
    let typed = rev.typed.as_mut()?;
    let input = CompileInput {
        revision: &rev.id,
        file: &typed.file,
        schema,
        naming,
    };
    match compile_revision(input, &typed.revision) {
        Ok(compiled) => {
            if dialect == Dialect::Sqlite {
                rev.foreign_keys_off = ForeignKeysOff {
                    up: compiled.up.rebuilds_tables,
                    down: compiled.down.as_ref().is_some_and(|d| d.rebuilds_tables),
                };
                // Halfway through a rebuild the table is a copy under another
                // name: only a transaction makes a failure there harmless.
                let rebuilds = rev.foreign_keys_off.up || rev.foreign_keys_off.down;
                if rebuilds && (!rev.transactional || !compiled.transactional) {
                    let message = "on SQLite this revision rebuilds a table, which must run in a transaction, and the revision runs without one".to_owned();
                    let help = "remove `transactional = false` (or move the `concurrently` index into a revision of its own)".to_owned();
                    failures
                        .entry((ix, 1, message, Some(help)))
                        .or_default()
                        .insert(dialect);
                }
            }
            rev.up.per_dialect.insert(dialect, compiled.up.sql);
            if let Some(down) = compiled.down {
                rev.down
                    .get_or_insert_with(DialectSql::default)
                    .per_dialect
                    .insert(dialect, down.sql);
            }
            if !compiled.transactional {
                rev.transactional = false;
            }
            typed.notes.insert(dialect, compiled.notes);
            Some(compiled.schema)
        }
        Err(errors) => {
            for CompileError {
                line,
                message,
                help,
            } in errors
            {
                failures
                    .entry((ix, line, message, help))
                    .or_default()
                    .insert(dialect);
            }
            None
        }
    }
}

/// True when the revision at `ix` has the one before it as its only parent
/// (none at 0) and depends on nothing after it: if every revision before it
/// did the same, its ancestors are exactly the revisions before it.
fn follows_all_before(
    rev: &CompiledRevision,
    positions: &HashMap<String, usize>,
    ix: usize,
) -> bool {
    let parent_is_previous = match (rev.parents.as_slice(), ix) {
        ([], 0) => true,
        ([p], _) => positions.get(p).is_some_and(|&p| p + 1 == ix),
        _ => false,
    };
    parent_is_previous
        && rev
            .depends_on
            .iter()
            .all(|d| positions.get(d).is_some_and(|&p| p < ix))
}

/// Positions of the revisions a database has applied when it runs the one
/// at `ix`: its ancestors and what it depends on, with theirs.
fn applied_before(
    revisions: &[CompiledRevision],
    positions: &HashMap<String, usize>,
    ix: usize,
) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<usize> = Vec::new();
    let push_refs = |r: &CompiledRevision, stack: &mut Vec<usize>| {
        for id in r.parents.iter().chain(&r.depends_on) {
            if let Some(&p) = positions.get(id) {
                stack.push(p);
            }
        }
    };
    push_refs(&revisions[ix], &mut stack);
    while let Some(p) = stack.pop() {
        if seen.insert(p) {
            push_refs(&revisions[p], &mut stack);
        }
    }
    seen
}

/// The schema the revisions at `positions` leave, folded in chain order.
fn fold_some(
    revisions: &[CompiledRevision],
    positions: &BTreeSet<usize>,
    dialect: Dialect,
) -> Schema {
    let mut fold = Fold::new(dialect);
    for &p in positions {
        let rev = &revisions[p];
        if let Some(sql) = rev.up.for_dialect(dialect) {
            fold.apply(&RevisionSql {
                revision: &rev.id,
                file: &rev.dir,
                sql,
            });
        }
    }
    fold.into_schema()
}

/// The checksum of what a revision runs on `dialect`: its upgrade and
/// downgrade SQL. What `[revision.compiled]` of `lithify.lock` records for
/// a sealed typed revision; `None` when it has no SQL there.
pub fn compiled_checksum(rev: &CompiledRevision, dialect: Dialect) -> Option<Checksum> {
    let up = rev.up.for_dialect(dialect)?;
    let down = rev.down.as_ref().and_then(|d| d.for_dialect(dialect));
    let mut files = vec![("up", up.as_bytes())];
    files.extend(down.map(|d| ("down", d.as_bytes())));
    Some(Checksum::of_files(files))
}

/// Sealed typed revisions must compile, on each of `dialects` the seal
/// recorded, to what they compiled to when sealed: their SQL follows
/// `[naming]`, the model of the revisions before them and lithify's
/// compiler, none of which the file's checksum covers.
pub fn verify_compiled_seals(chain: &CompiledChain, dialects: &[Dialect]) -> Diagnostics {
    let mut out = Diagnostics::default();
    for rev in &chain.revisions {
        let Some(typed) = &rev.typed else { continue };
        let changed: Vec<&str> = dialects
            .iter()
            .filter(|d| {
                typed
                    .sealed_compiled
                    .get(d)
                    .is_some_and(|sealed| compiled_checksum(rev, **d).as_ref() != Some(sealed))
            })
            .map(|d| d.name())
            .collect();
        if changed.is_empty() {
            continue;
        }
        out.push(
            Diagnostic::error(format!(
                "sealed revision `{}` now compiles to other SQL than when it was sealed (on {})",
                rev.id,
                changed.join(", ")
            ))
            .at(&typed.file)
            .with_note("a typed revision's SQL follows `[naming]` in lithify.toml, the schema the revisions before it leave, and lithify's compiler; its file is unchanged, so one of those changed")
            .with_note("databases that applied the sealed revision ran the SQL it compiled to then")
            .with_help(format!(
                "restore what changed (`lithify sql --dialect {} {}:{}` shows the SQL now), or, if the new SQL is wanted, amend the seal: `lithify seal --amend {} --reason \"...\"`",
                changed[0],
                rev.parents.first().map_or("base", String::as_str),
                rev.id,
                rev.id
            )),
        );
    }
    out
}

/// What every typed revision of `chain` compiles to on each dialect it
/// compiles for (a dialect an operation cannot be written for is left
/// out), for `lithify seal` to record.
pub(crate) fn compiled_checksums(
    chain: &CompiledChain,
) -> BTreeMap<String, BTreeMap<Dialect, Checksum>> {
    let mut out: BTreeMap<String, BTreeMap<Dialect, Checksum>> = BTreeMap::new();
    let naming = chain.config.naming.clone();
    for dialect in Dialect::ALL {
        let mut one = chain.clone();
        if compile_typed(&mut one, &[dialect], &naming).is_err() {
            continue;
        }
        for rev in one.revisions.iter().filter(|r| r.typed.is_some()) {
            if let Some(sum) = compiled_checksum(rev, dialect) {
                out.entry(rev.id.clone()).or_default().insert(dialect, sum);
            }
        }
    }
    out
}
