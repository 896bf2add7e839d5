//! The compiler's entry point: [`Builder`], and the compiled chain it produces.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use lithify_core::listing::{split_first_few, FIRST_FEW};
use lithify_core::{ChainHash, Checksum, Dialect, Graph, GraphError, RevisionNode};

use crate::config::{read_config, Config};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::seal::{read_lock, verify, Lock, LockEntry, VerifyOptions};
use crate::sources::{read_dir, SourceDir, SourceRevision};

/// Environment variable that makes every build require seals (`1` or `true`).
pub const REQUIRE_SEALS_ENV: &str = "LITHIFY_REQUIRE_SEALS";

/// Environment variable that makes the build list every warning and note
/// (`1` or `true`) instead of one summary line per kind.
pub const VERBOSE_ENV: &str = "LITHIFY_VERBOSE";

/// How a build's summary says to see every finding it stands for.
pub const BUILD_LIST_HINT: &str =
    "LITHIFY_VERBOSE=1 cargo build, or `lithify check --verbose`, lists each one";

/// SQL of one direction (up or down) of a revision: a shared file and/or
/// per-dialect overrides (`up.sql`, `up.postgres.sql`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DialectSql {
    /// Contents of `up.sql` / `down.sql`, canonicalised (no BOM, LF line ends).
    pub shared: Option<String>,
    /// Contents of `up.<dialect>.sql` / `down.<dialect>.sql`, canonicalised.
    pub per_dialect: BTreeMap<Dialect, String>,
}

impl DialectSql {
    /// The SQL to run on `dialect`: its own file if present, else the shared one.
    pub fn for_dialect(&self, dialect: Dialect) -> Option<&str> {
        self.per_dialect
            .get(&dialect)
            .or(self.shared.as_ref())
            .map(String::as_str)
    }
}

/// One revision after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRevision {
    /// Revision id (diesel version with `-` removed, or `id` from metadata.toml).
    pub id: String,
    /// Directory name, e.g. `2024-01-01-000000_create_companies`.
    pub dir_name: String,
    /// Path of the revision directory.
    pub dir: PathBuf,
    /// Human message (metadata `message`, else the directory name's words).
    pub message: String,
    /// Parent ids.
    pub parents: Vec<String>,
    /// Dependency ids.
    pub depends_on: Vec<String>,
    /// Branch labels.
    pub branch_labels: Vec<String>,
    /// Whether up and down run inside a transaction with their bookkeeping.
    pub transactional: bool,
    /// Checksum of the revision's canonical bytes.
    pub checksum: Checksum,
    /// Earlier checksums accepted through amendments in the lock file.
    pub accepted_checksums: Vec<Checksum>,
    /// True when recorded in lithify.lock.
    pub sealed: bool,
    /// Upgrade SQL.
    pub up: DialectSql,
    /// Downgrade SQL; `None` when the revision has no `down.sql` (irreversible).
    pub down: Option<DialectSql>,
}

/// A validated migrations directory, revisions in topological order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledChain {
    /// The directory compiled.
    pub dir: PathBuf,
    /// Revisions in the graph's deterministic topological order.
    pub revisions: Vec<CompiledRevision>,
    /// Hash over (id, checksum) of every revision in that order.
    pub chain_hash: Checksum,
    /// Head ids, in topological order (one, unless branches are labelled).
    pub heads: Vec<String>,
    /// The directory's `lithify.toml` (empty without one). Not part of any
    /// checksum: its `[session]` SQL is embedded beside the revisions.
    pub config: Config,
    /// Warnings and notes (never errors) found while compiling.
    pub diagnostics: crate::Diagnostics,
    /// The diesel schema the chain produces for the builder's schema
    /// dialect (`None` when the build generates no schema module).
    pub schema: Option<crate::schema::GeneratedSchema>,
}

/// Configures and runs the compiler, in the style of `prost_build::Config`.
#[derive(Debug, Clone)]
pub struct Builder {
    dir: PathBuf,
    require_seals: bool,
    dialects: BTreeSet<Dialect>,
    module_file: String,
    schema_dialect: Option<Dialect>,
    schema_file: Option<PathBuf>,
    require_schema: bool,
    crate_root: Option<PathBuf>,
}

impl Builder {
    /// Compile the migrations in `dir` (relative to the crate root in a build script).
    pub fn new(dir: impl Into<PathBuf>) -> Builder {
        Builder {
            dir: dir.into(),
            require_seals: false,
            dialects: Dialect::ALL.into_iter().collect(),
            module_file: "lithify_migrations.rs".to_owned(),
            schema_dialect: None,
            schema_file: None,
            require_schema: false,
            crate_root: None,
        }
    }

    /// The dialect whose diesel schema the generated module holds as
    /// `migrations::schema` (default: the only dialect embedded; with several
    /// and none named, there is no schema module).
    pub fn schema_dialect(mut self, dialect: Dialect) -> Builder {
        self.schema_dialect = Some(dialect);
        self
    }

    /// Check the committed `schema.rs` at `path` (relative to the crate
    /// root) against the schema the migrations produce: a stale file fails
    /// the build with every difference and the command that regenerates it.
    pub fn schema_file(mut self, path: impl Into<PathBuf>) -> Builder {
        self.schema_file = Some(path.into());
        self
    }

    /// Make every statement the schema model cannot follow an error instead
    /// of a note, for projects that want the generated schema guaranteed
    /// (`lithify check --strict-schema` does the same).
    pub fn require_schema(mut self, required: bool) -> Builder {
        self.require_schema = required;
        self
    }

    /// The crate whose diesel.toml configures the schema (default: the
    /// build script's `CARGO_MANIFEST_DIR`, else the nearest directory with
    /// a Cargo.toml above the migrations directory).
    pub fn crate_root(mut self, dir: impl Into<PathBuf>) -> Builder {
        self.crate_root = Some(dir.into());
        self
    }

    /// The dialect of the schema module, if the build generates one.
    pub fn resolved_schema_dialect(&self) -> Option<Dialect> {
        match (self.schema_dialect, self.dialects.len()) {
            (Some(d), _) => Some(d),
            (None, 1) => self.dialects.iter().next().copied(),
            (None, _) => None,
        }
    }

    fn root(&self) -> PathBuf {
        self.crate_root
            .clone()
            .or_else(|| std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from))
            .unwrap_or_else(|| crate::schema::crate_root(&self.dir))
    }

    /// Make unsealed (draft) revisions an error instead of a warning, e.g. for
    /// release builds. Setting `LITHIFY_REQUIRE_SEALS=1` (or `true`) does the same.
    pub fn require_seals(mut self, required: bool) -> Builder {
        self.require_seals = required;
        self
    }

    /// The dialects whose SQL is embedded (default: all three).
    pub fn dialects(mut self, dialects: impl IntoIterator<Item = Dialect>) -> Builder {
        self.dialects = dialects.into_iter().collect();
        self
    }

    /// File name of the generated module in `OUT_DIR` (default `lithify_migrations.rs`).
    pub fn module_file(mut self, name: impl Into<String>) -> Builder {
        self.module_file = name.into();
        self
    }

    /// The directory being compiled.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// True when unsealed revisions fail the build (option or environment).
    pub fn seals_required(&self) -> bool {
        self.require_seals || env_requires_seals()
    }

    /// Read and validate the directory: sources, graph (including heads) and
    /// seals. Pure apart from reading files; the `lithify` CLI uses it too.
    pub fn compile(&self) -> Result<CompiledChain, Diagnostics> {
        let analysis = analyse(&self.dir)?;
        let mut diags = analysis.sources.diagnostics.clone();
        let ordered = analysis.ordered();
        let opts = VerifyOptions {
            require_seals: self.seals_required(),
            ignore_unsealed: false,
            amending: None,
        };
        diags
            .0
            .extend(verify(&self.dir, analysis.lock.as_ref(), &ordered, opts).0);
        for rev in &ordered {
            self.check_dialects(rev, &mut diags);
        }
        if diags.has_errors() {
            return Err(diags);
        }
        let mut chain = analysis.into_chain(diags);
        self.add_schema(&mut chain)?;
        Ok(chain)
    }

    /// The schema half: fold the chain, print the diesel schema, check the
    /// committed schema file.
    fn add_schema(&self, chain: &mut CompiledChain) -> Result<(), Diagnostics> {
        let Some(dialect) = self.resolved_schema_dialect() else {
            if self.schema_file.is_some() {
                return Err(Diagnostics(vec![Diagnostic::error(
                    "`schema_file` is set, but this build embeds several dialects and names none for the schema",
                )
                .with_help("name the dialect the committed schema.rs is for: `.schema_dialect(Dialect::Postgres)` (or Sqlite, Mysql)")]));
            }
            return Ok(());
        };
        let root = self.root();
        let toml = crate::schema::read_diesel_toml(&root)?;
        let folded = crate::schema::fold_chain(chain, dialect, None)?;
        let printed = crate::schema::print_one(&folded, "default", &toml.default_config(), &root)?;
        let notes = crate::schema::notes_as_diagnostics(&folded.notes, self.require_schema);
        let failed = notes.has_errors();
        chain.diagnostics.0.extend(notes.0);
        chain
            .diagnostics
            .0
            .extend(crate::schema::left_out_diagnostics(&printed.left_out));
        if let Some(file) = &self.schema_file {
            let path = root.join(file);
            if let Some(stale) = crate::schema::stale_check(&path, file, &printed.text, dialect)? {
                chain.diagnostics.push(stale);
            }
        }
        if failed || chain.diagnostics.has_errors() {
            return Err(Diagnostics(chain.diagnostics.0.clone()));
        }
        for other in self.dialects.iter().filter(|d| **d != dialect) {
            let theirs = crate::schema::fold_chain(chain, *other, None)?;
            if let Some(w) = crate::schema::dialects_differ(&folded, &theirs) {
                chain.diagnostics.push(w);
            }
        }
        chain.schema = Some(printed);
        Ok(())
    }

    fn check_dialects(&self, rev: &SourceRevision, diags: &mut Diagnostics) {
        if self
            .dialects
            .iter()
            .any(|d| rev.up.for_dialect(*d).is_some())
        {
            return;
        }
        let wanted: Vec<&str> = self.dialects.iter().map(|d| d.name()).collect();
        diags.push(
            Diagnostic::error(format!(
                "revision `{}` has no upgrade SQL for any dialect this build embeds",
                rev.id
            ))
            .at(&rev.dir)
            .with_note(format!("this build embeds: {}", wanted.join(", ")))
            .with_help("add up.sql (shared by every dialect) or up.<dialect>.sql for one of them"),
        );
    }

    /// File name of the packed chain data, written next to the module: the
    /// module's name with the extension `.chain` (`lithify_migrations.chain`).
    pub fn packed_file(&self) -> String {
        let path = Path::new(&self.module_file).with_extension("chain");
        let name = path.to_string_lossy().into_owned();
        // A module named `x.chain` must not be overwritten by its own data.
        if name == self.module_file {
            format!("{name}.chain")
        } else {
            name
        }
    }

    /// The Rust module embedding `chain` and the packed data it includes,
    /// with the SQL of this builder's dialects.
    pub fn generate(&self, chain: &CompiledChain) -> Generated {
        let packed_file = self.packed_file();
        // The module includes the data relative to itself.
        let included = Path::new(&packed_file)
            .file_name()
            .map_or_else(|| packed_file.clone(), |n| n.to_string_lossy().into_owned());
        let schema_file = self.schema_module_file();
        let schema = chain.schema.as_ref().map(|s| s.text.clone());
        let schema_included = schema.as_ref().map(|_| file_name_of(&schema_file));
        Generated {
            module: crate::codegen::generate(
                chain,
                &included,
                &self.dialects,
                schema_included.as_deref(),
            ),
            packed: crate::codegen::pack(chain, &self.dialects),
            packed_file,
            schema,
            schema_file,
        }
    }

    /// File name of the diesel schema the module includes as
    /// `migrations::schema`: the module's name with `_schema.rs`
    /// (`lithify_migrations_schema.rs`).
    pub fn schema_module_file(&self) -> String {
        let path = Path::new(&self.module_file);
        let stem = path
            .file_stem()
            .map_or_else(|| "lithify_migrations".into(), |s| s.to_string_lossy());
        let name = format!("{stem}_schema.rs");
        match path.parent().filter(|p| !p.as_os_str().is_empty()) {
            Some(parent) => parent.join(name).to_string_lossy().into_owned(),
            None => name,
        }
    }

    /// For build scripts: compile, print cargo instructions, write
    /// `OUT_DIR/<module_file>` and the packed data beside it, and return the
    /// chain. On errors, print them and exit with status 1 (no panic
    /// backtrace to wade through).
    pub fn compile_or_exit(&self) -> CompiledChain {
        // A directory makes cargo rescan it recursively, so added files count too.
        println!("cargo:rerun-if-changed={}", self.dir.display());
        println!("cargo:rerun-if-env-changed={REQUIRE_SEALS_ENV}");
        println!("cargo:rerun-if-env-changed={VERBOSE_ENV}");
        self.rerun_if_schema_inputs_change();
        let mut chain = match self.compile() {
            Ok(chain) => chain,
            Err(diags) => exit_with(&diags),
        };
        if self.resolved_schema_dialect().is_none() {
            // Only a build has a module to say this about.
            chain.diagnostics.push(Diagnostic::note(
                "no `migrations::schema` module: this build embeds several dialects; \
                 name the schema's with `Builder::schema_dialect(Dialect::Postgres)` (or Sqlite, Mysql)",
            ));
        }
        emit_cargo_warnings(&chain.diagnostics);
        let written = std::env::var_os("OUT_DIR")
            .ok_or_else(|| Diagnostic::error("OUT_DIR is not set: compile_or_exit is meant for build scripts; use compile() and write_to() elsewhere"))
            .and_then(|out_dir| self.write_to(&chain, Path::new(&out_dir)));
        if let Err(d) = written {
            exit_with(&Diagnostics(vec![d]));
        }
        chain
    }

    /// diesel.toml, its patch file and the committed schema file are inputs
    /// of the schema module and the stale check.
    fn rerun_if_schema_inputs_change(&self) {
        if self.resolved_schema_dialect().is_none() && self.schema_file.is_none() {
            return;
        }
        let root = self.root();
        println!(
            "cargo:rerun-if-changed={}",
            root.join("diesel.toml").display()
        );
        if let Ok(toml) = lithify_schema::diesel::DieselToml::read(&root) {
            for patch in toml.configs.values().filter_map(|c| c.patch_file.as_ref()) {
                println!("cargo:rerun-if-changed={}", patch.display());
            }
        }
        if let Some(file) = &self.schema_file {
            println!("cargo:rerun-if-changed={}", root.join(file).display());
        }
    }

    /// Write the generated module and its packed data into `dir` (what
    /// [`Builder::compile_or_exit`] does with `OUT_DIR`); returns the module's path.
    pub fn write_to(&self, chain: &CompiledChain, dir: &Path) -> Result<PathBuf, Diagnostic> {
        let generated = self.generate(chain);
        // The data first: the module is useless without it.
        write_if_changed(
            &dir.join(&generated.packed_file),
            &generated.packed,
            "packed chain data",
        )?;
        if let Some(schema) = &generated.schema {
            write_if_changed(&dir.join(&generated.schema_file), schema, "diesel schema")?;
        }
        let module = dir.join(&self.module_file);
        write_if_changed(&module, &generated.module, "generated module")?;
        Ok(module)
    }
}

/// What the build writes: the module and the packed data it includes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The Rust module (`Builder::module_file`).
    pub module: String,
    /// Every revision's data in [`lithify_core::packed`]'s format, which the
    /// module includes with `include_str!` from beside itself.
    pub packed: String,
    /// File name of `packed`, next to the module ([`Builder::packed_file`]).
    pub packed_file: String,
    /// The diesel schema the module includes as `migrations::schema`, when
    /// the build generates one.
    pub schema: Option<String>,
    /// File name of `schema`, next to the module ([`Builder::schema_module_file`]).
    pub schema_file: String,
}

/// The last component of `path` (the module includes its neighbours by name).
fn file_name_of(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_owned(), |n| n.to_string_lossy().into_owned())
}

/// Write `text` to `path` unless it already holds exactly that, so an
/// unchanged file keeps its mtime and triggers no rebuild.
fn write_if_changed(path: &Path, text: &str, what: &str) -> Result<(), Diagnostic> {
    if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| {
        Diagnostic::error(format!("cannot write the {what}: {e}")).at(path.to_path_buf())
    })
}

fn env_requires_seals() -> bool {
    env_is_on(REQUIRE_SEALS_ENV)
}

fn env_is_on(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| is_truthy(&v))
}

/// `1`, `true` or `yes` (any case); anything else, `0` and `false` included, is off.
fn is_truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes"
    )
}

/// Every line of the warnings and notes as `cargo:warning=` instructions:
/// one summary line per kind of which there are several, unless
/// `LITHIFY_VERBOSE` asks for each one.
fn emit_cargo_warnings(diags: &Diagnostics) {
    let mut shown = diags.without_errors();
    if !env_is_on(VERBOSE_ENV) {
        shown = shown.summarised(BUILD_LIST_HINT);
    }
    // cargo prefixes every line with `warning: <package>:`, so the blank
    // line between two diagnostics would be a warning of its own.
    for line in shown.to_string().lines().filter(|l| !l.is_empty()) {
        println!("cargo:warning={line}");
    }
}

/// Print the diagnostics to stderr (cargo shows it on failure): every
/// error, and the warnings around them summarised as in a successful build;
/// then one summary warning, and exit 1.
fn exit_with(diags: &Diagnostics) -> ! {
    let shown = if env_is_on(VERBOSE_ENV) {
        diags.clone()
    } else {
        diags.summarised(BUILD_LIST_HINT)
    };
    let _ = writeln!(std::io::stderr(), "{shown}");
    let errors = diags.errors().count();
    let first = diags
        .errors()
        .next()
        .map(|d| d.message.as_str())
        .unwrap_or("unknown error");
    println!("cargo:warning=lithify: {errors} error(s) in the migrations directory; first: {first} (full report below)");
    std::process::exit(1)
}

/// A directory read and its graph validated; shared by compiling and sealing.
pub(crate) struct Analysis {
    pub sources: SourceDir,
    pub graph: Graph,
    pub lock: Option<Lock>,
    pub config: Config,
}

/// Read `dir` and its `lithify.toml`, validate the graph (heads included)
/// and parse the lock.
pub(crate) fn analyse(dir: &Path) -> Result<Analysis, Diagnostics> {
    let sources = read_dir(dir);
    let config = sources.config.as_deref().map(read_config).transpose();
    let config = match config {
        Ok(config) if !sources.diagnostics.has_errors() => config.unwrap_or_default(),
        // Every error of both at once: the sources' and the settings'.
        result => {
            let mut diags = sources.diagnostics;
            if let Err(errors) = result {
                diags.0.extend(errors.0);
            }
            return Err(diags);
        }
    };
    let nodes = sources
        .revisions
        .iter()
        .map(|r| RevisionNode {
            id: r.id.clone(),
            parents: r.parents.clone(),
            depends_on: r.depends_on.clone(),
            branch_labels: r.branch_labels.clone(),
        })
        .collect();
    let graph_result =
        Graph::new(nodes).and_then(|g| g.check_heads().map(|()| g).map_err(|e| vec![e]));
    let graph = match graph_result {
        Ok(graph) => graph,
        Err(errors) => {
            let mut diags = sources.diagnostics.clone();
            for e in &errors {
                diags.push(graph_diagnostic(&sources, e));
            }
            return Err(diags);
        }
    };
    let lock = match &sources.lock {
        Some(path) => Some(read_lock(path)?),
        None => None,
    };
    Ok(Analysis {
        sources,
        graph,
        lock,
        config,
    })
}

impl Analysis {
    /// Revisions in the graph's topological order.
    pub fn ordered(&self) -> Vec<&SourceRevision> {
        self.graph
            .topological_order()
            .iter()
            .map(|&ix| &self.sources.revisions[ix])
            .collect()
    }

    /// The revision `target` names: an exact id, else the target grammar
    /// (unique prefix, `head`, ...).
    pub fn find(&self, target: &str) -> Result<&SourceRevision, Diagnostics> {
        if let Some(ix) = self.graph.index_of(target) {
            return Ok(&self.sources.revisions[ix]);
        }
        let err = |msg: String| Diagnostics(vec![Diagnostic::error(msg).at(&self.sources.dir)]);
        let none = vec![false; self.graph.len()];
        match lithify_core::target::resolve(target, &self.graph, &none) {
            Ok(ixs) if ixs.len() == 1 => Ok(&self.sources.revisions[ixs[0]]),
            Ok(ixs) => Err(err(format!(
                "`{target}` names {} revisions; name exactly one",
                ixs.len()
            ))),
            Err(e) => Err(err(e.to_string())),
        }
    }

    /// Head ids in topological order.
    pub fn head_ids(&self) -> Vec<String> {
        self.graph
            .heads()
            .into_iter()
            .map(|ix| self.graph.id(ix).to_owned())
            .collect()
    }

    fn into_chain(self, diagnostics: Diagnostics) -> CompiledChain {
        let heads = self.head_ids();
        let order: Vec<usize> = self.graph.topological_order().to_vec();
        let lock = self.lock;
        // A map, not `Lock::entry`, keeps ten thousand sealed revisions linear.
        let sealed: HashMap<&str, &LockEntry> = lock
            .iter()
            .flat_map(|l| l.entries.iter().map(|e| (e.id.as_str(), e)))
            .collect();
        let mut slots: Vec<Option<SourceRevision>> =
            self.sources.revisions.into_iter().map(Some).collect();
        let mut hash = ChainHash::new();
        let mut revisions = Vec::with_capacity(order.len());
        for ix in order {
            let Some(rev) = slots.get_mut(ix).and_then(Option::take) else {
                continue;
            };
            hash.push(&rev.id, &rev.checksum);
            revisions.push(compiled(rev, &sealed));
        }
        CompiledChain {
            dir: self.sources.dir,
            revisions,
            chain_hash: hash.finish(),
            heads,
            config: self.config,
            diagnostics,
            schema: None,
        }
    }
}

fn compiled(rev: SourceRevision, sealed: &HashMap<&str, &LockEntry>) -> CompiledRevision {
    let entry = sealed.get(rev.id.as_str()).copied();
    let mut accepted: Vec<Checksum> = Vec::new();
    for a in entry.map(|e| e.amendments.as_slice()).unwrap_or_default() {
        if a.from != rev.checksum && !accepted.contains(&a.from) {
            accepted.push(a.from);
        }
    }
    CompiledRevision {
        id: rev.id,
        dir_name: rev.dir_name,
        dir: rev.dir,
        message: rev.message,
        parents: rev.parents,
        depends_on: rev.depends_on,
        branch_labels: rev.branch_labels,
        transactional: rev.transactional,
        checksum: rev.checksum,
        accepted_checksums: accepted,
        sealed: entry.is_some(),
        up: rev.up,
        down: rev.down,
    }
}

/// Turn a graph error into a diagnostic that points at the file to fix.
fn graph_diagnostic(sources: &SourceDir, err: &GraphError) -> Diagnostic {
    let by_id: HashMap<&str, &SourceRevision> = sources
        .revisions
        .iter()
        .map(|r| (r.id.as_str(), r))
        .collect();
    let dir_of = |id: &str| {
        by_id
            .get(id)
            .map(|r| shown(&r.dir))
            .unwrap_or_else(|| id.to_owned())
    };
    let base = Diagnostic::error(err.to_string());
    match err {
        GraphError::DuplicateId { id } => {
            let dirs: Vec<&SourceRevision> =
                sources.revisions.iter().filter(|r| &r.id == id).collect();
            let d = base.at(dirs
                .first()
                .map(|r| r.dir.clone())
                .unwrap_or_else(|| sources.dir.clone()));
            let notes = dirs
                .iter()
                .map(|r| format!("`{}` has id `{id}`", shown(&r.dir)));
            with_notes(d, notes.collect())
                .with_help("ids must be unique: give one of the directories a different version (`lithify new` picks a fresh one)")
        }
        GraphError::DanglingParent { id, parent } => edge_missing(
            sources,
            by_id.get(id.as_str()).copied(),
            base,
            parent,
            "parents",
        ),
        GraphError::DanglingDependency { id, dependency } => edge_missing(
            sources,
            by_id.get(id.as_str()).copied(),
            base,
            dependency,
            "depends_on",
        ),
        GraphError::SelfParent { id } => {
            at_metadata(base, by_id.get(id.as_str()).copied(), |l| l.parents)
                .with_help("remove the revision's own id from `parents` / `depends_on`")
        }
        GraphError::Cycle { ids } => {
            let d = at_metadata(
                base,
                ids.first().and_then(|id| by_id.get(id.as_str()).copied()),
                |l| l.parents,
            );
            let on_cycle = ids.iter().take(ids.len().saturating_sub(1));
            let notes = on_cycle.map(|id| format!("on the cycle: `{id}` ({})", dir_of(id)));
            with_notes(d, notes.collect())
                .with_help("break the cycle: a revision's `parents` must name only older revisions")
        }
        GraphError::DuplicateBranchLabel { label, ids } => {
            let d = at_metadata(
                base,
                ids.first().and_then(|id| by_id.get(id.as_str()).copied()),
                |l| l.branch_labels,
            );
            let notes = ids
                .iter()
                .map(|id| format!("`{label}` is on `{id}` ({})", dir_of(id)));
            with_notes(d, notes.collect()).with_help(
                "a branch label names one branch: keep it on the branch's first revision only",
            )
        }
        GraphError::LabelIsRevisionId { id, .. } => {
            at_metadata(base, by_id.get(id.as_str()).copied(), |l| l.branch_labels)
                .with_help("rename the branch label")
        }
        GraphError::MultipleHeads { heads } => multiple_heads(sources, base, heads, &dir_of),
    }
}

fn multiple_heads(
    sources: &SourceDir,
    base: Diagnostic,
    heads: &[String],
    dir_of: &dyn Fn(&str) -> String,
) -> Diagnostic {
    let notes = heads.iter().map(|h| format!("head `{h}`: {}", dir_of(h)));
    // The merge command names every head: it is to be run, not read.
    with_notes(base.at(&sources.dir), notes.collect())
        .with_note("two revisions were added on the same parent (typically on two branches that were then merged)")
        .with_help(format!("merge them: `lithify merge {} -m \"merge heads\"`", heads.join(" ")))
        .with_help("or, to keep separate branches on purpose, give each one a `branch_labels` entry in its metadata.toml")
}

/// `notes` on `d`, one per item for the first few, then one saying how many
/// more there are.
fn with_notes(mut d: Diagnostic, notes: Vec<String>) -> Diagnostic {
    let (shown, hidden) = split_first_few(&notes, FIRST_FEW);
    for note in shown {
        d = d.with_note(note.clone());
    }
    if hidden > 0 {
        d = d.with_note(format!("and {hidden} more"));
    }
    d
}

fn at_metadata(
    base: Diagnostic,
    rev: Option<&SourceRevision>,
    line: impl Fn(&crate::sources::MetadataLines) -> Option<u32>,
) -> Diagnostic {
    let Some(rev) = rev else { return base };
    let d = base.at(rev.metadata_path());
    match line(&rev.metadata_lines) {
        Some(l) if rev.metadata_lines.present => d.line(l),
        _ => d,
    }
}

/// A parent or dependency that names no revision: point at the key, and
/// say which revision was meant when the text is a directory name or a
/// version with `-` (`2018-04-23-132822_create_posts`), else list the ids
/// nearest to the missing one (a typo is the usual cause).
fn edge_missing(
    sources: &SourceDir,
    rev: Option<&SourceRevision>,
    base: Diagnostic,
    missing: &str,
    key: &str,
) -> Diagnostic {
    let line = |l: &crate::sources::MetadataLines| {
        if key == "parents" {
            l.parents
        } else {
            l.depends_on
        }
    };
    let mut d = at_metadata(base, rev, line);
    if let Some(meant) = meant_id(sources, missing) {
        return d.with_help(format!(
            "did you mean `{meant}`? `{key}` names revisions by id, the directory's version without `-`"
        ));
    }
    let own = rev.map(|r| r.id.as_str());
    let nearby: Vec<&str> = nearest_ids(sources, missing, 6)
        .into_iter()
        .filter(|id| Some(*id) != own)
        .take(5)
        .collect();
    if !nearby.is_empty() {
        d = d.with_note(format!("existing revisions near it: {}", nearby.join(", ")));
    }
    d.with_help(format!(
        "fix the id in `{key}`, or restore the missing revision's directory"
    ))
}

/// The id of the revision `text` names by its directory name or its version
/// written with `-`, when `text` is not itself an id.
fn meant_id<'a>(sources: &'a SourceDir, text: &str) -> Option<&'a str> {
    if let Some(rev) = sources.revisions.iter().find(|r| r.dir_name == text) {
        return Some(&rev.id);
    }
    let version = text.split_once('_').map_or(text, |(version, _)| version);
    let id = version.replace('-', "");
    if id == text {
        return None;
    }
    sources
        .revisions
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.id.as_str())
}

fn nearest_ids<'a>(sources: &'a SourceDir, missing: &str, n: usize) -> Vec<&'a str> {
    // `revisions` is sorted by id, so the neighbours in sort order are the closest.
    let ids: Vec<&str> = sources.revisions.iter().map(|r| r.id.as_str()).collect();
    let at = ids.partition_point(|id| *id < missing);
    let start = at.saturating_sub(n / 2 + 1);
    ids.iter().skip(start).take(n).copied().collect()
}

fn shown(path: &Path) -> String {
    path.display().to_string().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::is_truthy;

    #[test]
    fn require_seals_flag_values() {
        for on in ["1", "true", "TRUE", " yes "] {
            assert!(is_truthy(on), "{on}");
        }
        for off in ["", "0", "false", "no", "2"] {
            assert!(!is_truthy(off), "{off}");
        }
    }
}
