// A column no migration creates cannot be queried.
use diesel::prelude::*;

mod migrations {
    include!(env!("LITHIFY_UI_MODULE"));
}

use migrations::schema::jobs;

fn main() {
    let _ = jobs::table.select(jobs::salary);
}
