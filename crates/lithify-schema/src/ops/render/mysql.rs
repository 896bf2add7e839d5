//! MySQL and MariaDB: a column is redefined whole (`MODIFY COLUMN` with its
//! full definition from the model), UNIQUE constraints are unique indexes,
//! and foreign keys, CHECKs and the primary key are dropped each their own
//! way.

use super::{
    column_definition, create_index_head, index_parts, qualified, string_literal, Plan, Render,
};
use crate::model::{
    same_name, Dialect, ForeignKey, Identity, Index, IndexPart, NameKind, ObjectName, Schema,
    SqlType, Table,
};
use crate::ops::change::{Change, Constraint, Position};
use crate::ops::PortableType;

/// The MySQL renderer.
pub(crate) struct Mysql;

/// Backquoted unless plain.
fn backquoted(name: &str) -> String {
    super::quoted(name, '`')
}

impl Render for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn ident(&self, name: &str) -> String {
        backquoted(name)
    }

    fn builtin_type(&self, ty: &PortableType) -> String {
        match ty {
            PortableType::Integer => "INT".into(),
            PortableType::BigInt => "BIGINT".into(),
            PortableType::SmallInt => "SMALLINT".into(),
            PortableType::Text => "TEXT".into(),
            PortableType::Varchar(n) => format!("VARCHAR({n})"),
            PortableType::Boolean => "BOOLEAN".into(),
            // MySQL's TIMESTAMP is UTC-converted and ends in 2038; DATETIME
            // is the plain date and time `timestamp` means elsewhere.
            PortableType::Timestamp => "DATETIME".into(),
            PortableType::Timestamptz => "TIMESTAMP".into(),
            PortableType::Date => "DATE".into(),
            PortableType::Time => "TIME".into(),
            PortableType::Numeric(p, s) => format!("DECIMAL({p},{s})"),
            PortableType::Real => "FLOAT".into(),
            PortableType::Double => "DOUBLE".into(),
            PortableType::Uuid => "CHAR(36)".into(),
            PortableType::Json => "JSON".into(),
            PortableType::Binary => "BLOB".into(),
            PortableType::PerDialect(_) | PortableType::Referenced => String::new(),
        }
    }

    fn identity_clause(&self, _identity: Identity) -> &'static str {
        " AUTO_INCREMENT"
    }

    fn inline_comment(&self, comment: &str) -> Option<String> {
        Some(format!(
            "COMMENT {}",
            string_literal(comment, Dialect::Mysql)
        ))
    }

    fn explicit_null(&self) -> bool {
        true
    }

    fn table_comment(&self, table: &ObjectName, comment: Option<&str>) -> Plan {
        Plan::Sql(vec![format!(
            "ALTER TABLE {} COMMENT = {}",
            qualified(self, &table.clone()),
            string_literal(comment.unwrap_or(""), Dialect::Mysql)
        )])
    }

    fn table_options(&self, table: &Table) -> String {
        table
            .comment
            .as_deref()
            .map(|c| format!(" COMMENT = {}", string_literal(c, Dialect::Mysql)))
            .unwrap_or_default()
    }

    fn table_constraints(&self, table: &Table) -> Vec<Constraint> {
        // The primary key is always called PRIMARY: no name to write.
        Constraint::all_of(table)
            .into_iter()
            .map(|c| match c {
                Constraint::PrimaryKey(mut p) => {
                    p.name = None;
                    Constraint::PrimaryKey(p)
                }
                other => other,
            })
            .collect()
    }

    fn indexes_to_create<'t>(&self, table: &'t Table) -> Vec<&'t Index> {
        // InnoDB makes a foreign key's index itself, named after the key.
        table
            .indexes
            .iter()
            .filter(|i| !i.for_foreign_key)
            .collect()
    }

    fn change(&self, _schema: &Schema, table: &Table, change: &Change) -> Plan {
        let t = qualified(self, &table.name);
        let alter = |what: String| format!("ALTER TABLE {t} {what}");
        Plan::Sql(match change {
            Change::AddColumn {
                column,
                position,
                constraints,
            } => {
                let at = match position {
                    Position::End => String::new(),
                    Position::First => " FIRST".to_owned(),
                    Position::After(c) => format!(" AFTER {}", self.ident(c)),
                };
                let mut out = vec![alter(format!(
                    "ADD COLUMN {}{at}",
                    column_definition(self, table, column)
                ))];
                out.extend(
                    constraints
                        .iter()
                        .map(|c| alter(format!("ADD {}", self.constraint_clause(c)))),
                );
                out
            }
            Change::DropColumn(c) => vec![alter(format!("DROP COLUMN {}", self.ident(c)))],
            Change::RenameColumn { from, to } => vec![alter(format!(
                "RENAME COLUMN {} TO {}",
                self.ident(from),
                self.ident(to)
            ))],
            Change::AlterColumn { from, to, .. } => {
                let only_default = {
                    let mut f = from.clone();
                    f.default.clone_from(&to.default);
                    f == *to
                };
                let c = self.ident(&to.name);
                if only_default {
                    vec![match &to.default {
                        Some(d) => alter(format!("ALTER COLUMN {c} SET DEFAULT {d}")),
                        None => alter(format!("ALTER COLUMN {c} DROP DEFAULT")),
                    }]
                } else {
                    vec![alter(format!(
                        "MODIFY COLUMN {}",
                        column_definition(self, table, to)
                    ))]
                }
            }
            Change::AddConstraint(c) => vec![alter(format!("ADD {}", self.constraint_clause(c)))],
            Change::DropConstraint(c) => vec![alter(match c {
                Constraint::PrimaryKey(_) => "DROP PRIMARY KEY".to_owned(),
                Constraint::ForeignKey(f) => match &f.name {
                    Some(n) => format!("DROP FOREIGN KEY {}", self.ident(n)),
                    None => {
                        return Plan::Unsupported(
                            "a foreign key without a name cannot be dropped".into(),
                        )
                    }
                },
                Constraint::Check(k) => match &k.name {
                    Some(n) => format!("DROP CONSTRAINT {}", self.ident(n)),
                    None => {
                        return Plan::Unsupported("a CHECK without a name cannot be dropped".into())
                    }
                },
                Constraint::Unique(u) => match &u.name {
                    Some(n) => {
                        let drop = alter(format!("DROP INDEX {}", self.ident(n)));
                        return Plan::Sql(keeping_foreign_keys(self, table, n, &u.columns, drop));
                    }
                    None => {
                        return Plan::Unsupported(
                            "a UNIQUE without a name cannot be dropped".into(),
                        )
                    }
                },
            })],
            Change::CreateIndex { index, .. } => match self.create_index(table, index, false) {
                Ok(s) => vec![s],
                Err(e) => return Plan::Unsupported(e),
            },
            Change::DropIndex(index) => {
                let columns = index.leading_columns();
                let drop = self.drop_index(table, index);
                keeping_foreign_keys(self, table, &index.name, &columns, drop)
            }
            Change::SetComment(c) => return self.table_comment(&table.name, c.as_deref()),
        })
    }

    fn create_index(
        &self,
        table: &Table,
        index: &Index,
        _concurrently: bool,
    ) -> Result<String, String> {
        if index.predicate.is_some() {
            return Err(format!(
                "index `{}` has a WHERE condition, and MySQL has no partial indexes",
                index.name
            ));
        }

        let (kind, using) = match index.method.as_deref() {
            Some("fulltext") => ("FULLTEXT ", String::new()),
            Some("spatial") => ("SPATIAL ", String::new()),
            Some(m) => ("", format!(" USING {}", m.to_ascii_uppercase())),
            None => ("", String::new()),
        };
        let head = create_index_head(self, table, index, false, &self.ident(&index.name));
        let head = if kind.is_empty() {
            head
        } else {
            head.replacen("CREATE ", &format!("CREATE {kind}"), 1)
        };
        Ok(format!(
            "{head} ({}){using}",
            index_parts(self, &index.parts)
        ))
    }

    fn check_table(&self, table: &Table) -> Result<(), String> {
        match blob_in_key(table) {
            Some((key, column)) => Err(format!(
                "{key} of `{}` covers `{column}`, a TEXT or BLOB column, which MySQL indexes only with a prefix length",
                table.name
            )),
            None => Ok(()),
        }
    }

    fn drop_index(&self, table: &Table, index: &Index) -> String {
        format!(
            "DROP INDEX {} ON {}",
            self.ident(&index.name),
            qualified(self, &table.name)
        )
    }
}

/// A key or index of `table` over a TEXT or BLOB column whole (MySQL:
/// "BLOB/TEXT column used in key specification without a key length"):
/// what it is, and the column. FULLTEXT indexes take such columns.
fn blob_in_key(table: &Table) -> Option<(String, &str)> {
    let blob = |name: &str| {
        let column = table.find_column(Dialect::Mysql, name)?;
        match &column.ty {
            SqlType::Mysql(t) if t.name.ends_with("text") || t.name.ends_with("blob") => {
                Some(column.name.as_str())
            }
            _ => None,
        }
    };
    let named = |kind: &str, name: Option<&str>| match name {
        Some(n) => format!("{kind} `{n}`"),
        None => kind.to_owned(),
    };
    let pk = table.primary_key.iter().flat_map(|p| {
        p.columns
            .iter()
            .map(move |c| (named("the primary key", p.name.as_deref()), c.as_str()))
    });
    let uniques = table.uniques.iter().flat_map(|u| {
        u.columns
            .iter()
            .map(move |c| (named("UNIQUE", u.name.as_deref()), c.as_str()))
    });
    let indexes = table
        .indexes
        .iter()
        .filter(|i| i.method.as_deref() != Some("fulltext"))
        .flat_map(|i| {
            i.parts.iter().filter_map(move |p| match p {
                IndexPart::Column(c) => Some((named("index", Some(&i.name)), c.as_str())),
                IndexPart::Expression(_) => None,
            })
        });
    pk.chain(uniques)
        .chain(indexes)
        .find_map(|(key, c)| blob(c).map(|column| (key, column)))
}

/// `drop` (of index `name` over `columns`), and, where InnoDB refuses it
/// because a foreign key has no other index, the key dropped before and
/// added again after: InnoDB then makes the key's own index again, named
/// after it, as it did when the key was first made, so the table ends as
/// on every other engine.
fn keeping_foreign_keys(
    r: &Mysql,
    table: &Table,
    name: &str,
    columns: &[String],
    drop: String,
) -> Vec<String> {
    let d = Dialect::Mysql;
    let starts_with = |cols: &[String], key: &[String]| {
        key.len() <= cols.len()
            && key
                .iter()
                .zip(cols)
                .all(|(a, b)| same_name(d, NameKind::Member, a, b))
    };
    let others = || {
        let indexes = table
            .indexes
            .iter()
            .filter(|i| !same_name(d, NameKind::Member, &i.name, name))
            .map(Index::leading_columns);
        let uniques = table
            .uniques
            .iter()
            .filter(|u| {
                !u.name
                    .as_deref()
                    .is_some_and(|n| same_name(d, NameKind::Member, n, name))
            })
            .map(|u| u.columns.clone());
        let pk = table.primary_key.iter().map(|p| p.columns.clone());
        indexes.chain(uniques).chain(pk).collect::<Vec<_>>()
    };
    let needing: Vec<&ForeignKey> = table
        .foreign_keys
        .iter()
        .filter(|f| f.name.is_some() && starts_with(columns, &f.columns))
        .filter(|f| !others().iter().any(|o| starts_with(o, &f.columns)))
        .collect();
    if needing.is_empty() {
        return vec![drop];
    }
    let t = qualified(r, &table.name);
    let mut out: Vec<String> = needing
        .iter()
        .filter_map(|f| f.name.as_deref())
        .map(|n| format!("ALTER TABLE {t} DROP FOREIGN KEY {}", r.ident(n)))
        .collect();
    out.push(drop);
    out.extend(needing.iter().map(|f| {
        format!(
            "ALTER TABLE {t} ADD {}",
            r.constraint_clause(&Constraint::ForeignKey((*f).clone()))
        )
    }));
    out
}
