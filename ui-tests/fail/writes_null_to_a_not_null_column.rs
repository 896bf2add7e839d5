// `jobs.salary_currency` was added nullable, then made NOT NULL by a later
// revision: writing NULL to it is a compile error, not a failed deploy.
use diesel::prelude::*;

mod migrations {
    include!(env!("LITHIFY_UI_MODULE"));
}

use migrations::schema::jobs;

fn main() {
    let mut conn = SqliteConnection::establish(":memory:").unwrap();
    let _ = diesel::update(jobs::table)
        .set(jobs::salary_currency.eq(None::<String>))
        .execute(&mut conn);
}
