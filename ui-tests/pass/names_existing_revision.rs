// Application code may name revisions and the head it was built for.
mod migrations {
    include!(env!("LITHIFY_UI_MODULE"));
}

fn main() {
    let revision: &lithify::Revision = &migrations::revisions::CREATE_COMPANIES;
    assert_eq!(revision.id, "20240101000000");
    assert!(migrations::REVISIONS
        .iter()
        .any(|r| r.id == migrations::HEAD));
}
