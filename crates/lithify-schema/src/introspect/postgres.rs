//! PostgreSQL's catalog queries, in the layout [`super::Query`] describes.

/// Relations outside the system schemas; `public` is the default schema.
const SCHEMA: &str = "CASE WHEN n.nspname = 'public' THEN NULL ELSE n.nspname END";
const USER_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

pub(super) fn relations() -> String {
    format!(
        "SELECT {SCHEMA} AS c0, c.relname AS c1, \
         CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END AS c2, \
         obj_description(c.oid, 'pg_class') AS c3, NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, \
         NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11 \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relkind IN ('r', 'p', 'v', 'm') AND {USER_SCHEMAS}"
    )
}

pub(super) fn columns() -> String {
    format!(
        "SELECT {SCHEMA} AS c0, c.relname AS c1, a.attnum::text AS c2, a.attname AS c3, \
         pg_catalog.format_type(a.atttypid, a.atttypmod) AS c4, \
         CASE WHEN a.attnotnull THEN '1' ELSE '0' END AS c5, \
         CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS c6, \
         CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS c7, \
         CASE a.attgenerated WHEN 's' THEN 'stored' END AS c8, \
         pg_catalog.col_description(c.oid, a.attnum) AS c9, \
         CASE WHEN tn.nspname = 'pg_catalog' THEN '1' ELSE '0' END AS c10, NULL AS c11 \
         FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
         JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace \
         LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
         WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND {USER_SCHEMAS}"
    )
}

pub(super) fn constraints() -> String {
    format!(
        "SELECT {SCHEMA} AS c0, t.relname AS c1, k.contype::text AS c2, k.conname AS c3, \
         k.conname AS c4, u.ord::text AS c5, a.attname AS c6, \
         CASE WHEN fn.nspname = 'public' THEN NULL ELSE fn.nspname END AS c7, ft.relname AS c8, \
         fa.attname AS c9, k.confdeltype::text AS c10, k.confupdtype::text AS c11 \
         FROM pg_catalog.pg_constraint k \
         JOIN pg_catalog.pg_class t ON t.oid = k.conrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
         LEFT JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) ON true \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum \
         LEFT JOIN pg_catalog.pg_class ft ON ft.oid = k.confrelid \
         LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = ft.relnamespace \
         LEFT JOIN pg_catalog.pg_attribute fa ON fa.attrelid = k.confrelid AND fa.attnum = k.confkey[u.ord] \
         WHERE k.contype IN ('p', 'u', 'c', 'f') AND {USER_SCHEMAS}"
    )
}

pub(super) fn indexes() -> String {
    format!(
        "SELECT {SCHEMA} AS c0, t.relname AS c1, i.relname AS c2, \
         CASE WHEN x.indisunique THEN '1' ELSE '0' END AS c3, k.ord::text AS c4, a.attname AS c5, \
         CASE WHEN x.indpred IS NOT NULL THEN '1' END AS c6, \
         CASE WHEN am.amname = 'btree' THEN NULL ELSE am.amname::text END AS c7, \
         NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11 \
         FROM pg_catalog.pg_index x \
         JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
         JOIN pg_catalog.pg_class t ON t.oid = x.indrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
         JOIN pg_catalog.pg_am am ON am.oid = i.relam \
         CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) \
         LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum AND k.attnum > 0 \
         WHERE k.ord <= x.indnkeyatts AND {USER_SCHEMAS} \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
                         WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))"
    )
}

pub(super) fn types() -> String {
    let tail = "NULL AS c7, NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11";
    format!(
        "SELECT {SCHEMA} AS c0, t.typname AS c1, 'e' AS c2, e.enumsortorder::text AS c3, \
         e.enumlabel AS c4, NULL AS c5, NULL AS c6, {tail} \
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE {USER_SCHEMAS} \
         UNION ALL \
         SELECT {SCHEMA}, t.typname, 'c', a.attnum::text, a.attname, \
         pg_catalog.format_type(a.atttypid, a.atttypmod), NULL, {tail} \
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_class c ON c.oid = t.typrelid AND c.relkind = 'c' \
         JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE {USER_SCHEMAS} \
         UNION ALL \
         SELECT {SCHEMA}, t.typname, 'd', '0', NULL, \
         pg_catalog.format_type(t.typbasetype, t.typtypmod), CASE WHEN t.typnotnull THEN '1' ELSE '0' END, {tail} \
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'd' AND {USER_SCHEMAS} \
         UNION ALL \
         SELECT {SCHEMA}, t.typname, 'o', '0', NULL, NULL, NULL, {tail} \
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
         WHERE t.typtype = 'r' AND {USER_SCHEMAS}"
    )
}
