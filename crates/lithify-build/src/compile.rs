//! The compiler's entry point: [`Builder`], and the compiled chain it produces.

use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use lithify_core::Dialect;

use crate::analysis::analyse;
pub use crate::chain::{CompiledChain, CompiledRevision, DialectSql, SchemaModule};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::lint::LintReport;
use crate::seal::{verify, VerifyOptions};
use crate::sources::SourceRevision;

/// Environment variable that makes every build require seals (`1` or `true`).
pub const REQUIRE_SEALS_ENV: &str = "LITHIFY_REQUIRE_SEALS";

/// Environment variable that makes the build list every warning and note
/// (`1` or `true`) instead of one summary line per kind.
pub const VERBOSE_ENV: &str = "LITHIFY_VERBOSE";

/// How a build's summary says to see every finding it stands for.
pub const BUILD_LIST_HINT: &str =
    "LITHIFY_VERBOSE=1 cargo build, or `lithify check --verbose`, lists each one";

/// Configures and runs the compiler, in the style of `prost_build::Config`.
#[derive(Debug, Clone)]
pub struct Builder {
    dir: PathBuf,
    require_seals: bool,
    dialects: BTreeSet<Dialect>,
    /// `dialects` was called: the application runs on those.
    dialects_named: bool,
    module_file: String,
    schema_dialect: Option<Dialect>,
    schema_file: Option<PathBuf>,
    require_schema: bool,
    crate_root: Option<PathBuf>,
    lint: bool,
}

impl Builder {
    /// Compile the migrations in `dir` (relative to the crate root in a build script).
    pub fn new(dir: impl Into<PathBuf>) -> Builder {
        Builder {
            dir: dir.into(),
            require_seals: false,
            dialects: Dialect::ALL.into_iter().collect(),
            dialects_named: false,
            module_file: "lithify_migrations.rs".to_owned(),
            schema_dialect: None,
            schema_file: None,
            require_schema: false,
            crate_root: None,
            lint: true,
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

    /// Lint the draft revisions (default: on): findings are warnings, or
    /// errors for the rules `[lint]` in lithify.toml sets to `deny`
    /// (README, "Lint"). `lithify lint` turns it off to lint on its own terms.
    pub fn lint(mut self, lint: bool) -> Builder {
        self.lint = lint;
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

    /// The dialects whose SQL is embedded (default: all three). Naming them
    /// also says the application runs on them: the lint's `deny` findings on
    /// any of them fail the build (with the default, a finding on only some
    /// dialects is a warning).
    pub fn dialects(mut self, dialects: impl IntoIterator<Item = Dialect>) -> Builder {
        self.dialects_named = true;
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
        let mut dialects: Vec<Dialect> = self.dialects.iter().copied().collect();
        if let Some(d) = self.schema_dialect.filter(|d| !dialects.contains(d)) {
            dialects.push(d);
        }
        let naming = chain.config.naming.clone();
        crate::typed::compile_typed(&mut chain, &dialects, &naming)?;
        let changed = crate::typed::verify_compiled_seals(&chain, &dialects);
        if changed.has_errors() {
            return Err(changed);
        }
        // The lint and the schema module each fold the chain on their own:
        // side by side, then reported in that order (a lint error stops the
        // build before the schema's findings, as if one ran after the other).
        let (lint, schema) = std::thread::scope(|scope| {
            let lint = self.lint.then(|| scope.spawn(|| self.lint_report(&chain)));
            let schema = self.schema_part(&chain);
            (lint.map(|l| l.join()), schema)
        });
        if let Some(lint) = lint {
            let report = lint.unwrap_or_else(|_| Err(internal_lint_error()))?;
            add_lint(&mut chain, &report)?;
        }
        if let Some(part) = schema? {
            add_schema(&mut chain, part)?;
        }
        Ok(chain)
    }

    /// Lint the drafts for the dialects the build embeds.
    fn lint_report(&self, chain: &CompiledChain) -> Result<LintReport, Diagnostics> {
        let dialects: Vec<Dialect> = self.dialects.iter().copied().collect();
        let mut report = crate::lint::lint_chain(chain, &dialects, false)?;
        report.dialects_named |= self.dialects_named;
        Ok(report.unnamed_dialects_warn())
    }

    /// The schema half: fold the chain, print the diesel schema, check the
    /// committed schema file; `None` when the build has no schema module.
    fn schema_part(&self, chain: &CompiledChain) -> Result<Option<SchemaPart>, Diagnostics> {
        let Some(dialect) = self.resolved_schema_dialect() else {
            if self.schema_file.is_some() {
                return Err(Diagnostics(vec![Diagnostic::error(
                    "`schema_file` is set, but this build embeds several dialects and names none for the schema",
                )
                .with_help("name the dialect the committed schema.rs is for: `.schema_dialect(Dialect::Postgres)` (or Sqlite, Mysql)")]));
            }
            return Ok(None);
        };
        let root = self.root();
        let toml = crate::schema::read_diesel_toml(&root)?;
        let folded = crate::schema::fold_chain(chain, dialect, None)?;
        let printed = crate::schema::print_one(&folded, "default", &toml.default_config(), &root)?;
        let mut diagnostics =
            crate::schema::notes_as_diagnostics(&folded.notes, self.require_schema);
        diagnostics
            .0
            .extend(crate::schema::left_out_diagnostics(&printed.left_out));
        if let Some(file) = &self.schema_file {
            let path = root.join(file);
            if let Some(stale) = crate::schema::stale_check(&path, file, &printed.text, dialect)? {
                diagnostics.push(stale);
            }
        }
        if diagnostics.has_errors() {
            return Ok(Some(SchemaPart {
                diagnostics,
                module: None,
            }));
        }
        for other in self.dialects.iter().filter(|d| **d != dialect) {
            let theirs = crate::schema::fold_chain(chain, *other, None)?;
            if let Some(w) = crate::schema::dialects_differ(&folded, &theirs) {
                diagnostics.push(w);
            }
        }
        Ok(Some(SchemaPart {
            diagnostics,
            module: Some(SchemaModule {
                dialect,
                text: printed.text,
            }),
        }))
    }

    fn check_dialects(&self, rev: &SourceRevision, diags: &mut Diagnostics) {
        // A typed revision's SQL is compiled for every dialect.
        if rev.typed.is_some() {
            return;
        }
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

/// What the schema half adds to a chain: its findings, and the module
/// unless one of them is an error.
struct SchemaPart {
    diagnostics: Diagnostics,
    module: Option<SchemaModule>,
}

/// The lint's findings joined to the chain's; an error-level one fails the
/// build with everything said so far.
fn add_lint(chain: &mut CompiledChain, report: &LintReport) -> Result<(), Diagnostics> {
    chain.diagnostics.0.extend(report.diagnostics().0);
    if report.has_errors() {
        return Err(Diagnostics(chain.diagnostics.0.clone()));
    }
    Ok(())
}

/// The schema half's findings joined to the chain's, and its module.
fn add_schema(chain: &mut CompiledChain, part: SchemaPart) -> Result<(), Diagnostics> {
    chain.diagnostics.0.extend(part.diagnostics.0);
    if part.module.is_none() || chain.diagnostics.has_errors() {
        return Err(Diagnostics(chain.diagnostics.0.clone()));
    }
    chain.schema = part.module;
    Ok(())
}

/// The lint's thread stopped (a panic in lithify): the build says so
/// instead of panicking itself.
fn internal_lint_error() -> Diagnostics {
    Diagnostics(vec![Diagnostic::error(
        "the lint stopped on an internal error: a bug in lithify, please report it",
    )
    .with_help("build with `Builder::lint(false)` until it is fixed")])
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
