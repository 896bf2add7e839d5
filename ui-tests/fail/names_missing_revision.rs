// A revision that is not in the migrations directory (deleted, renamed, or
// never merged) cannot be named: the build fails instead of the deploy.
mod migrations {
    include!(env!("LITHIFY_UI_MODULE"));
}

fn main() {
    let _ = &migrations::revisions::CREATE_INVOICES;
}
