//! MySQL's and MariaDB's catalog queries (`information_schema` of the
//! current database), in the layout [`super::Query`] describes.

const HERE: &str = "TABLE_SCHEMA = DATABASE()";

pub(super) fn version() -> String {
    "SELECT VERSION() AS c0, NULL AS c1, NULL AS c2, NULL AS c3, NULL AS c4, NULL AS c5, \
     NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11"
        .to_owned()
}

pub(super) fn relations() -> String {
    format!(
        "SELECT NULL AS c0, TABLE_NAME AS c1, \
         CASE TABLE_TYPE WHEN 'VIEW' THEN 'view' ELSE 'table' END AS c2, \
         CASE WHEN TABLE_TYPE = 'VIEW' THEN NULL ELSE NULLIF(TABLE_COMMENT, '') END AS c3, \
         NULL AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11 \
         FROM information_schema.TABLES WHERE {HERE}"
    )
}

pub(super) fn columns() -> String {
    // MariaDB reports a nullable column without a default as 'NULL'.
    format!(
        "SELECT NULL AS c0, TABLE_NAME AS c1, CAST(ORDINAL_POSITION AS CHAR) AS c2, \
         COLUMN_NAME AS c3, COLUMN_TYPE AS c4, \
         CASE IS_NULLABLE WHEN 'NO' THEN '1' ELSE '0' END AS c5, \
         NULLIF(COLUMN_DEFAULT, 'NULL') AS c6, \
         CASE WHEN EXTRA LIKE '%auto_increment%' THEN 'auto_increment' END AS c7, \
         CASE WHEN EXTRA LIKE '%STORED GENERATED%' THEN 'stored' \
              WHEN EXTRA LIKE '%VIRTUAL GENERATED%' THEN 'virtual' END AS c8, \
         NULLIF(COLUMN_COMMENT, '') AS c9, NULL AS c10, NULL AS c11 \
         FROM information_schema.COLUMNS WHERE {HERE}"
    )
}

pub(super) fn constraints() -> String {
    format!(
        "SELECT NULL AS c0, TABLE_NAME AS c1, 'p' AS c2, 'PRIMARY' AS c3, 'PRIMARY' AS c4, \
         CAST(SEQ_IN_INDEX AS CHAR) AS c5, COLUMN_NAME AS c6, NULL AS c7, NULL AS c8, NULL AS c9, \
         NULL AS c10, NULL AS c11 \
         FROM information_schema.STATISTICS WHERE {HERE} AND INDEX_NAME = 'PRIMARY' \
         UNION ALL \
         SELECT NULL, k.TABLE_NAME, 'f', k.CONSTRAINT_NAME, k.CONSTRAINT_NAME, \
         CAST(k.ORDINAL_POSITION AS CHAR), k.COLUMN_NAME, \
         CASE WHEN k.REFERENCED_TABLE_SCHEMA = DATABASE() THEN NULL ELSE k.REFERENCED_TABLE_SCHEMA END, \
         k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE \
         FROM information_schema.KEY_COLUMN_USAGE k \
         JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
           ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
          AND r.TABLE_NAME = k.TABLE_NAME \
         WHERE k.{HERE} AND k.REFERENCED_TABLE_NAME IS NOT NULL \
         UNION ALL \
         SELECT NULL, TABLE_NAME, 'c', CONSTRAINT_NAME, CONSTRAINT_NAME, NULL, NULL, NULL, NULL, \
         NULL, NULL, NULL \
         FROM information_schema.TABLE_CONSTRAINTS WHERE {HERE} AND CONSTRAINT_TYPE = 'CHECK'"
    )
}

pub(super) fn indexes() -> String {
    format!(
        "SELECT NULL AS c0, TABLE_NAME AS c1, INDEX_NAME AS c2, \
         CASE NON_UNIQUE WHEN 0 THEN '1' ELSE '0' END AS c3, CAST(SEQ_IN_INDEX AS CHAR) AS c4, \
         COLUMN_NAME AS c5, NULL AS c6, \
         CASE WHEN INDEX_TYPE IN ('FULLTEXT', 'SPATIAL') THEN LOWER(INDEX_TYPE) END AS c7, \
         NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11 \
         FROM information_schema.STATISTICS WHERE {HERE} AND INDEX_NAME <> 'PRIMARY'"
    )
}
