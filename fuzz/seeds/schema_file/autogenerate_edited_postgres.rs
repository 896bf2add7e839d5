// @generated automatically by Diesel CLI.

diesel::table! {
    companies (id) {
        id -> Int4,
        name -> Text,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int4,
        company_id -> Int4,
        #[max_length = 200]
        title -> Varchar,
        salary -> Nullable<Int8>,
        notes -> Nullable<Text>,
        #[max_length = 3]
        currency -> Varchar,
    }
}

diesel::table! {
    tags (id) {
        id -> Int4,
        job_id -> Int4,
        #[max_length = 50]
        label -> Varchar,
    }
}

diesel::joinable!(jobs -> companies (company_id));
diesel::joinable!(tags -> jobs (job_id));

diesel::allow_tables_to_appear_in_same_query!(companies, jobs, tags,);
