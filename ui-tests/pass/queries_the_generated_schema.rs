// Queries are checked against `migrations::schema`, the diesel schema the
// migrations produce, generated at build time with no database.
use diesel::prelude::*;

mod migrations {
    include!(env!("LITHIFY_UI_MODULE"));
}

use migrations::schema::{companies, jobs};

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let query = jobs::table
        .inner_join(companies::table)
        .filter(jobs::salary_currency.eq("EUR"))
        .select((companies::name, jobs::title));
    // Nothing to load from an empty database; the point is that it compiles.
    let _ = query.load::<(String, String)>(&mut conn);
}
