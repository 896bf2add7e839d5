
diesel::table! {
    companies (id) {
        id -> Int8,
        name -> Text,
        website -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        company_id -> Int8,
        title -> Text,
        description -> Text,
        location -> Nullable<Text>,
        salary_min -> Nullable<Int4>,
        salary_max -> Nullable<Int4>,
        posted_at -> Timestamp,
        #[max_length = 3]
        salary_currency -> Varchar,
    }
}

diesel::joinable!(jobs -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(companies, jobs,);
