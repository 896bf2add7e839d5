//! Branches and merges end to end, through the `lithify` binary on real
//! SQLite files: the reference graph in `tests/fixtures/branching/`
//!
//! ```text
//! 1a2f0c9e create accounts
//! 3b7d44a1 create products                      (branchpoint)
//! ├─ 5c0e9b2d create invoices      [billing]
//! │  5c0e1f8a add invoice totals
//! └─ 8d4a6e13 create search index  [search]
//!    9e51b7c0 index invoice totals for search   (depends_on 5c0e1f8a)
//! b2c8d5f4 merge billing and search             (mergepoint)
//! e7f3a910 add account flags                    (head)
//! ```
//!
//! is walked with every target form up and down (the applied set is read
//! from the bookkeeping table after each step), every error a user can
//! trigger exits non-zero with a message naming the fix, and the views
//! (`history`, `show`, `branches`, `heads`) are snapshots. `5c0e` is an
//! ambiguous prefix on purpose. Without the merge and the revision after it,
//! the graph has two labelled heads ([`Graph::before_merge`]).
mod sqlite_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sqlite_support::{exec, recorded, tables};

const LITHIFY: &str = env!("CARGO_BIN_EXE_lithify");

const ACCOUNTS: &str = "1a2f0c9e";
const PRODUCTS: &str = "3b7d44a1";
const INVOICES: &str = "5c0e9b2d";
const TOTALS: &str = "5c0e1f8a";
const SEARCH: &str = "8d4a6e13";
const SEARCH_TOTALS: &str = "9e51b7c0";
const MERGE: &str = "b2c8d5f4";
const FLAGS: &str = "e7f3a910";
const ALL: &[&str] = &[
    ACCOUNTS,
    PRODUCTS,
    INVOICES,
    TOTALS,
    SEARCH,
    SEARCH_TOTALS,
    MERGE,
    FLAGS,
];

/// A copy of the fixture (or part of it) in a tempdir, with its own database file.
struct Graph {
    tmp: tempfile::TempDir,
    db: PathBuf,
}

impl Graph {
    /// The whole reference graph, sealed.
    fn full() -> Graph {
        Graph::copy(|_| true)
    }

    /// The graph before the merge: two labelled heads, no lock file (the
    /// revisions it would seal are gone).
    fn before_merge() -> Graph {
        Graph::copy(|name| {
            !name.starts_with(MERGE) && !name.starts_with(FLAGS) && name != "lithify.lock"
        })
    }

    fn copy(keep: impl Fn(&str) -> bool) -> Graph {
        let tmp = tempfile::tempdir().expect("tempdir");
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/branching");
        copy_dir(&source, &tmp.path().join("migrations"), &keep);
        let db = tmp.path().join("branching.db");
        Graph { tmp, db }
    }

    fn dir(&self) -> PathBuf {
        self.tmp.path().join("migrations")
    }

    /// Run `lithify --database-url <db> ARGS` in the tempdir.
    fn lithify(&self, args: &[&str]) -> Output {
        let db = self.db.to_string_lossy().into_owned();
        let mut all = vec!["--database-url", db.as_str()];
        all.extend_from_slice(args);
        lithify_in(self.tmp.path(), &all)
    }

    /// Run, expect exit 0, return stdout.
    fn ok(&self, args: &[&str]) -> String {
        let o = self.lithify(args);
        assert_eq!(code(&o), 0, "lithify {args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    }

    /// Run, expect exit `expected`, return stderr with the tempdir redacted.
    fn fails(&self, args: &[&str], expected: i32) -> String {
        let o = self.lithify(args);
        assert_eq!(
            code(&o),
            expected,
            "lithify {args:?}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        self.redact(&text(&o.stderr))
    }

    fn redact(&self, s: &str) -> String {
        s.replace(&self.tmp.path().to_string_lossy().into_owned(), "[TMP]")
    }

    fn conn(&self) -> diesel::SqliteConnection {
        diesel::Connection::establish(&self.db.to_string_lossy()).expect("open db")
    }

    /// Ids in the bookkeeping table, sorted.
    fn applied(&self) -> Vec<String> {
        recorded(&mut self.conn())
    }

    /// `lithify ARGS` must succeed and leave exactly `expected` applied.
    fn step(&self, args: &[&str], expected: &[&str]) {
        self.ok(args);
        assert_eq!(self.applied(), sorted(expected), "after lithify {args:?}");
    }
}

fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep(&name) {
            continue;
        }
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &to.join(&name), &|_| true);
        } else {
            fs::copy(entry.path(), to.join(&name)).expect("copy");
        }
    }
}

fn lithify_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(LITHIFY)
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .output()
        .expect("run lithify")
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn sorted(ids: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({
        snapshot_path => concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"),
        prepend_module_to_snapshot => false,
    }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn walk_up_with_every_form() {
    let g = Graph::full();
    g.step(&["upgrade", "+1"], &[ACCOUNTS]);
    g.step(&["upgrade", PRODUCTS], &[ACCOUNTS, PRODUCTS]);
    // The first revision of a branch nothing of which is applied is its +1.
    g.step(&["upgrade", "billing@+1"], &[ACCOUNTS, PRODUCTS, INVOICES]);
    g.step(
        &["upgrade", &format!("{INVOICES}+1")],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    // A unique four-character prefix.
    g.step(
        &["upgrade", "8d4a"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS, SEARCH],
    );
    g.step(&["upgrade", "search@+1"], &ALL[..6]);
    g.step(&["upgrade", "head-1"], &ALL[..7]);
    g.step(&["upgrade", "current"], &ALL[..7]);
    g.step(&["upgrade", "head"], ALL);
    assert_eq!(
        tables(&mut g.conn()),
        ["accounts", "invoices", "products", "search_documents"]
    );
}

#[test]
fn walk_down_with_every_form() {
    let g = Graph::full();
    g.step(&["upgrade", "heads"], ALL);
    g.step(&["downgrade", "-1"], &ALL[..7]);
    // REV-N: one below the search branch's second revision; what descends
    // from it (the merge) goes too.
    g.step(
        &["downgrade", &format!("{SEARCH_TOTALS}-1")],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS, SEARCH],
    );
    // label@base removes that branch only.
    g.step(
        &["downgrade", "search@base"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    g.step(
        &["downgrade", "billing@-1"],
        &[ACCOUNTS, PRODUCTS, INVOICES],
    );
    g.step(&["downgrade", "current"], &[ACCOUNTS, PRODUCTS, INVOICES]);
    g.step(&["downgrade", "billing@base"], &[ACCOUNTS, PRODUCTS]);
    // REV@head from the branchpoint is the one head above it.
    g.step(&["upgrade", &format!("{PRODUCTS}@head")], ALL);
    g.step(&["downgrade", &format!("{MERGE}+1")], ALL);
    g.step(&["downgrade", ACCOUNTS], &[ACCOUNTS]);
    g.step(&["downgrade", "base"], &[]);
    g.step(&["upgrade", "+2"], &[ACCOUNTS, PRODUCTS]);
    g.step(&["downgrade", "-2"], &[]);
    assert!(tables(&mut g.conn()).is_empty());
}

#[test]
fn walk_two_labelled_heads() {
    let g = Graph::before_merge();
    let all = &ALL[..6];
    g.step(
        &["upgrade", "billing@head"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    g.step(&["upgrade", "search@head"], all);
    // The billing branch goes, and with it the search revision that depends on it.
    g.step(
        &["downgrade", "billing@base"],
        &[ACCOUNTS, PRODUCTS, SEARCH],
    );
    g.step(&["upgrade", "heads"], all);
    g.step(&["downgrade", "search@-1"], &ALL[..5]);
    g.step(
        &["downgrade", &format!("{TOTALS}-1")],
        &[ACCOUNTS, PRODUCTS, INVOICES, SEARCH],
    );
    g.step(&["upgrade", &format!("{SEARCH}@head")], all);
    g.step(
        &["downgrade", "search@-2"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    g.step(
        &["downgrade", "search@base"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
}

/// Each error a user can trigger: exit 2 (usage), the identifier named,
/// and what would have been accepted.
#[test]
fn errors_name_the_identifier_and_the_fix() {
    let g = Graph::full();
    let mut transcript = String::new();
    let mut expect = |g: &Graph, args: &[&str], code: i32, needles: &[&str]| {
        let before = g.db.exists().then(|| g.applied());
        let err = g.fails(args, code);
        for needle in needles {
            assert!(err.contains(needle), "lithify {args:?}: {err}");
        }
        if let Some(before) = before {
            assert_eq!(g.applied(), before, "a failed command changes nothing");
        }
        transcript.push_str(&format!(
            "$ lithify {}\n[exit {code}]\n{err}\n",
            args.join(" ")
        ));
    };
    g.step(&["upgrade", "+1"], &[ACCOUNTS]);
    expect(
        &g,
        &["upgrade", "5c0e"],
        2,
        &["ambiguous", TOTALS, INVOICES],
    );
    expect(
        &g,
        &["upgrade", "nosuch@head"],
        2,
        &["nosuch", "branch label"],
    );
    expect(&g, &["downgrade", "-3"], 2, &["-3", "beyond the base"]);
    expect(
        &g,
        &["upgrade", &format!("{FLAGS}+2")],
        2,
        &["beyond the head"],
    );
    g.step(&["upgrade", PRODUCTS], &[ACCOUNTS, PRODUCTS]);
    expect(&g, &["upgrade", "+1"], 2, &["+1", "ambiguous"]);
    expect(&g, &["upgrade", "-1"], 2, &["downgrade -1"]);
    expect(&g, &["downgrade", "+1"], 2, &["upgrade +1"]);
    expect(&g, &["downgrade", FLAGS], 2, &["not applied", "upgrade"]);
    g.step(&["upgrade", MERGE], &ALL[..7]);
    expect(&g, &["downgrade", "-1"], 2, &["-1", "ambiguous"]);
    expect(
        &g,
        &["current", "--check-heads"],
        1,
        &["upgrade heads", FLAGS],
    );
    expect(&g, &["show", "base"], 2, &["names no revision"]);

    let two = Graph::before_merge();
    expect(
        &two,
        &["upgrade", "head"],
        2,
        &["multiple heads", TOTALS, SEARCH_TOTALS, "@head"],
    );
    expect(&two, &["show", "head"], 2, &["multiple heads"]);
    snapshot("branching_errors", &transcript);
}

#[test]
fn history_show_branches_heads() {
    let g = Graph::full();
    snapshot("branching_history", &g.ok(&["history"]));
    snapshot(
        "branching_history_verbose",
        &g.ok(&["history", "--verbose"]),
    );
    snapshot("branching_show_merge", &g.ok(&["show", MERGE]));
    snapshot("branching_show_dependency", &g.ok(&["show", "9e51"]));
    snapshot("branching_branches", &g.ok(&["branches"]));
    snapshot(
        "branching_branches_verbose",
        &g.ok(&["branches", "--verbose"]),
    );
    assert_eq!(g.ok(&["heads"]), format!("{FLAGS} (head)\n"));

    // Partway: the database is on both branches, short of the merge.
    g.ok(&["upgrade", "billing@+2"]);
    g.ok(&["upgrade", "8d4a"]);
    snapshot(
        "branching_history_indicate_current",
        &g.ok(&["history", "--indicate-current"]),
    );
    assert_eq!(
        g.ok(&["current"]).trim(),
        format!("{TOTALS}, {SEARCH}"),
        "current lists both applied heads"
    );
    // History of a range, and of the range up to what the database has.
    let out = g.ok(&["history", "-r", &format!("{PRODUCTS}:billing@head")]);
    assert!(
        out.starts_with(&format!("{MERGE} -> {FLAGS} (head)")),
        "{out}"
    );
    let out = g.ok(&["history", "-r", ":current"]);
    assert_eq!(out.lines().count(), 5, "{out}");

    let two = Graph::before_merge();
    let heads = two.ok(&["heads", "--verbose"]);
    let resolved = two.ok(&["heads", "--resolve-dependencies"]);
    snapshot(
        "branching_heads",
        &format!("$ lithify heads --verbose\n{heads}\n$ lithify heads --resolve-dependencies\n{resolved}"),
    );
}

#[test]
fn current_check_heads_and_verbose() {
    let g = Graph::full();
    g.ok(&["upgrade", "billing@+1"]);
    g.fails(&["current", "--check-heads"], 1);
    let out = g.ok(&["current", "--verbose"]);
    assert!(out.starts_with(INVOICES), "{out}");
    assert_eq!(
        out.lines().count(),
        4,
        "the head line and one line per row: {out}"
    );
    g.ok(&["upgrade", "heads"]);
    assert_eq!(
        g.ok(&["current", "--check-heads"]).trim(),
        format!("{FLAGS} (head)")
    );
}

#[test]
fn stamp_several_targets_a_new_branch_base_and_purge() {
    let g = Graph::before_merge();
    // Onto both branches at once, without running SQL.
    g.step(&["stamp", "billing@head", "search@head"], &ALL[..6]);
    assert!(tables(&mut g.conn()).is_empty(), "stamp runs no SQL");
    // `base` plus a branch: only what that branch needs stays.
    g.step(
        &["stamp", "base", "billing@head"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    // Onto a new branch: the other branch stays recorded.
    g.step(
        &["stamp", SEARCH],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS, SEARCH],
    );
    g.step(&["stamp", "base"], &[]);

    // A revision this binary does not know: refused until purged.
    g.step(
        &["stamp", "billing@head"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
    exec(
        &mut g.conn(),
        &format!(
            "CREATE TEMP TABLE orphan_row AS SELECT * FROM lithify_revisions WHERE id = '{ACCOUNTS}';
             UPDATE orphan_row SET id = 'abandoned1';
             INSERT INTO lithify_revisions SELECT * FROM orphan_row;"
        ),
    );
    let err = g.fails(&["upgrade", "heads"], 4);
    assert!(
        err.contains("abandoned1") && err.contains("--purge"),
        "{err}"
    );
    g.step(
        &["stamp", "--purge", "billing@head"],
        &[ACCOUNTS, PRODUCTS, INVOICES, TOTALS],
    );
}

#[test]
fn sql_ranges_in_both_directions() {
    let g = Graph::full();
    let up = g.ok(&["sql", &format!("{PRODUCTS}:billing@head")]);
    assert!(up.starts_with("-- lithify offline script: upgrade"), "{up}");
    let order: Vec<&str> = up
        .lines()
        .filter(|l| l.starts_with("-- upgrade "))
        .collect();
    assert_eq!(order.len(), 6, "{up}");
    assert!(
        order[0].contains(INVOICES) && order[5].contains(FLAGS),
        "{up}"
    );

    // END below START is a downgrade, with or without --downgrade.
    let down = g.ok(&["sql", &format!("head:{PRODUCTS}")]);
    assert_eq!(
        down,
        g.ok(&["sql", "--downgrade", &format!("head:{PRODUCTS}")])
    );
    assert!(
        down.starts_with("-- lithify offline script: downgrade"),
        "{down}"
    );
    snapshot("branching_sql_downgrade_to_branchpoint", &down);

    // The script does what the online migrator does.
    g.ok(&["upgrade", "head"]);
    let mut conn = g.conn();
    exec(&mut conn, &down);
    assert_eq!(g.applied(), sorted(&[ACCOUNTS, PRODUCTS]));
    assert_eq!(tables(&mut conn), ["accounts", "products"]);
}

#[test]
fn new_with_head_splice_label_and_dependency() {
    let g = Graph::before_merge();
    let dir = g.dir();
    let dir = dir.to_string_lossy();
    let new = |extra: &[&str]| {
        let mut args = vec!["--dir", &dir, "new"];
        args.extend_from_slice(extra);
        lithify_in(g.tmp.path(), &args)
    };
    // Several heads: `new` must be told where.
    let o = new(&["-m", "orphan"]);
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("--head"), "{}", text(&o.stderr));
    // On a revision that has children only with --splice.
    let o = new(&[
        "-m",
        "reports",
        "--head",
        PRODUCTS,
        "--branch-label",
        "reports",
    ]);
    assert_eq!(code(&o), 3);
    assert!(text(&o.stderr).contains("--splice"), "{}", text(&o.stderr));
    let o = new(&[
        "-m",
        "create reports",
        "--head",
        PRODUCTS,
        "--splice",
        "--branch-label",
        "reports",
        "--depends-on",
        "billing@head",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    let created = text(&o.stdout);
    let path = created.trim().trim_start_matches("created ");
    let meta = fs::read_to_string(Path::new(path).join("metadata.toml")).expect("metadata");
    assert!(
        meta.contains(&format!("parents = [\"{PRODUCTS}\"]"))
            && meta.contains("branch_labels = [\"reports\"]")
            && meta.contains(&format!("depends_on = [\"{TOTALS}\"]")),
        "{meta}"
    );
    // Three labelled heads are valid; a revision on one of them needs no --splice.
    assert_eq!(code(&lithify_in(g.tmp.path(), &["check"])), 0);
    assert_eq!(g.ok(&["heads"]).lines().count(), 3);
    let o = new(&["-m", "more reports", "--head", "reports@head"]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    g.ok(&["upgrade", "reports@head"]);
    assert_eq!(
        g.applied().len(),
        6,
        "reports, its parent chain and its dependency"
    );
}

/// Two developers each add a revision on the same head; the directory
/// check (what the build runs) fails with the merge command; running that
/// exact command fixes it, and `upgrade head` applies both.
#[test]
fn merge_workflow() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (alice, bob) = (tmp.path().join("alice"), tmp.path().join("bob"));
    fs::create_dir_all(&alice).expect("mkdir");
    let run = |cwd: &Path, args: &[&str]| {
        let o = lithify_in(cwd, args);
        (code(&o), text(&o.stdout), text(&o.stderr))
    };
    // `created migrations/...`, relative to the developer's checkout.
    let created = |cwd: &Path, out: &str| cwd.join(out.trim().trim_start_matches("created "));
    let (c, out, err) = run(&alice, &["new", "-m", "create widgets"]);
    assert_eq!(c, 0, "{err}");
    fs::write(
        created(&alice, &out).join("up.sql"),
        "CREATE TABLE widgets (id INTEGER PRIMARY KEY);",
    )
    .expect("up");
    fs::write(
        created(&alice, &out).join("down.sql"),
        "DROP TABLE widgets;",
    )
    .expect("down");
    copy_dir(&alice, &bob, &|_| true);

    // Each developer adds a revision on the shared head, a second apart.
    let mut added = Vec::new();
    for (who, table) in [(&alice, "colours"), (&bob, "sizes")] {
        std::thread::sleep(std::time::Duration::from_millis(1100));
        let (c, out, err) = run(who, &["new", "-m", &format!("create {table}")]);
        assert_eq!(c, 0, "{err}");
        let path = created(who, &out);
        fs::write(
            path.join("up.sql"),
            format!("CREATE TABLE {table} (id INTEGER);"),
        )
        .expect("up");
        fs::write(path.join("down.sql"), format!("DROP TABLE {table};")).expect("down");
        added.push(path);
    }
    // Bob's branch is merged into Alice's checkout.
    let bobs = &added[1];
    let name = bobs.file_name().expect("name");
    copy_dir(bobs, &alice.join("migrations").join(name), &|_| true);

    let (c, _, err) = run(&alice, &["check"]);
    assert_eq!(c, 1, "{err}");
    let command = merge_command(&err);
    assert!(command.starts_with("lithify merge "), "{err}");
    let args = shell_words(&command);
    let (c, out, err) = run(
        &alice,
        &args[1..].iter().map(String::as_str).collect::<Vec<_>>(),
    );
    assert_eq!(c, 0, "{command}: {err}");
    assert!(out.starts_with("created "), "{out}");

    let (c, out, err) = run(&alice, &["check"]);
    assert_eq!(c, 0, "{err}");
    assert!(out.contains("is valid (4 revisions)"), "{out}");
    let db = alice.join("app.db").to_string_lossy().into_owned();
    let (c, _, err) = run(&alice, &["--database-url", &db, "upgrade", "head"]);
    assert_eq!(c, 0, "{err}");
    let mut conn: diesel::SqliteConnection = diesel::Connection::establish(&db).expect("open db");
    assert_eq!(tables(&mut conn), ["colours", "sizes", "widgets"]);
    assert_eq!(recorded(&mut conn).len(), 4);
}

/// The command inside the "merge them: `...`" help line.
fn merge_command(stderr: &str) -> String {
    stderr
        .lines()
        .find_map(|l| l.split_once("merge them: `").map(|(_, rest)| rest))
        .and_then(|rest| rest.split_once('`').map(|(cmd, _)| cmd.to_owned()))
        .unwrap_or_else(|| panic!("no merge command in:\n{stderr}"))
}

/// Split a command line on spaces, keeping "double-quoted words" together.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            _ => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// The application's `--migrate` flag runs the same commands.
#[test]
fn the_migrate_flag_has_the_same_views() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let jobboard = |args: &[&str]| {
        let o = Command::new(env!("CARGO_BIN_EXE_jobboard"))
            .arg("--migrate")
            .args(args)
            .current_dir(tmp.path())
            .env_remove("DATABASE_URL")
            .output()
            .expect("run jobboard");
        assert_eq!(code(&o), 0, "{args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    let head = jobboard(&["heads", "--resolve-dependencies"]);
    let head = head.trim().trim_end_matches(" (head)");
    let shown = jobboard(&["show", "head"]);
    assert!(
        shown.starts_with(&format!("Rev: {head} (head)\n")),
        "{shown}"
    );
    assert!(shown.contains("\nChildren: none\n"), "{shown}");
    assert_eq!(jobboard(&["branches"]), "", "the reference chain is linear");
    let verbose = jobboard(&["history", "--verbose"]);
    assert!(
        verbose.starts_with(&format!("Rev: {head} (head)\n")),
        "{verbose}"
    );
}
