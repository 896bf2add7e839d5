
diesel::table! {
    companies (id) {
        id -> Bigint,
        #[max_length = 255]
        name -> Varchar,
        website -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> Bigint,
        company_id -> Bigint,
        #[max_length = 255]
        title -> Varchar,
        description -> Text,
        #[max_length = 255]
        location -> Nullable<Varchar>,
        salary_min -> Nullable<Integer>,
        salary_max -> Nullable<Integer>,
        posted_at -> Timestamp,
        #[max_length = 3]
        salary_currency -> Varchar,
    }
}

diesel::joinable!(jobs -> companies (company_id));

diesel::allow_tables_to_appear_in_same_query!(companies, jobs,);
