//! diesel: the `table!` schema printed from the model exactly as
//! `diesel print-schema` prints it for a database migrated by the same
//! chain, honouring diesel.toml's `[print_schema]`; and a committed
//! `schema.rs` read back and compared with it.
//!
//! [`infer`](mod@infer) is diesel_cli's schema inference with the model in place of the
//! catalog; [`printer`] is its printer with rustfmt's layout built in;
//! [`reader`] reads `schema.rs` with diesel's own `table!` grammar, and
//! [`into_model`] turns what it read into the schema it asks for (the
//! engine types of diesel's types from [`sql_type`]), for `lithify new
//! --autogenerate`.

pub mod compare;
pub mod config;
pub mod infer;
pub mod into_model;
mod keys;
pub mod patch;
pub mod printer;
pub mod reader;
pub mod sql_type;
pub mod types;

pub use config::{
    AllowTablesConfig, ColumnSorting, DieselToml, DocConfig, Filtering, PrintSchemaConfig,
};
pub use infer::{infer, Inferred, LeftOut};

use crate::model::Schema;

/// The schema text for `schema`, and the tables it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printed {
    /// The `schema.rs` text.
    pub text: String,
    /// Tables not printed (unknown shape, no primary key, a type diesel
    /// cannot map), each with the reason.
    pub left_out: Vec<LeftOut>,
}

/// Print `schema` as `diesel print-schema` would with `config` (its
/// `patch_file` applied).
///
/// # Errors
/// When the patch does not apply.
pub fn print_schema(
    schema: &Schema,
    config: &PrintSchemaConfig,
) -> Result<Printed, patch::PatchError> {
    let inferred = infer(schema, config);
    let mut text = printer::print(&inferred, config);
    if let Some(p) = &config.patch {
        text = patch::apply(&text, p)?;
    }
    Ok(Printed {
        text,
        left_out: inferred.left_out,
    })
}
