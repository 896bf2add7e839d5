//! SQLite's catalog queries (its pragmas as table-valued functions), in the
//! layout [`super::Query`] describes.

/// User tables of `sqlite_master m` (not SQLite's own `sqlite_*`).
const USER_TABLES: &str = "m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";

pub(super) fn relations() -> String {
    "SELECT NULL AS c0, m.name AS c1, m.type AS c2, NULL AS c3, \
     CASE WHEN l.wr THEN '1' ELSE '0' END AS c4, NULL AS c5, NULL AS c6, NULL AS c7, NULL AS c8, \
     NULL AS c9, NULL AS c10, NULL AS c11 \
     FROM sqlite_master m LEFT JOIN pragma_table_list l ON l.name = m.name AND l.schema = 'main' \
     WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        .to_owned()
}

pub(super) fn columns() -> String {
    format!(
        "SELECT NULL AS c0, m.name AS c1, CAST(p.cid AS TEXT) AS c2, p.name AS c3, p.type AS c4, \
         CAST(p.\"notnull\" AS TEXT) AS c5, p.dflt_value AS c6, NULL AS c7, \
         CASE p.hidden WHEN 2 THEN 'virtual' WHEN 3 THEN 'stored' END AS c8, NULL AS c9, \
         NULL AS c10, NULL AS c11 \
         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE p.hidden <> 1 AND {USER_TABLES}"
    )
}

pub(super) fn constraints() -> String {
    format!(
        "SELECT NULL AS c0, m.name AS c1, 'p' AS c2, NULL AS c3, 'pk' AS c4, CAST(p.pk AS TEXT) AS c5, \
         p.name AS c6, NULL AS c7, NULL AS c8, NULL AS c9, NULL AS c10, NULL AS c11 \
         FROM sqlite_master m JOIN pragma_table_xinfo(m.name) p WHERE p.pk > 0 AND {USER_TABLES} \
         UNION ALL \
         SELECT NULL, m.name, 'f', NULL, CAST(f.id AS TEXT), CAST(f.seq AS TEXT), f.\"from\", NULL, \
         f.\"table\", f.\"to\", f.on_delete, f.on_update \
         FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f WHERE {USER_TABLES} \
         UNION ALL \
         SELECT NULL, m.name, 'u', NULL, il.name, CAST(ii.seqno AS TEXT), ii.name, NULL, NULL, NULL, \
         NULL, NULL \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_info(il.name) ii \
         WHERE il.origin = 'u' AND {USER_TABLES}"
    )
}

pub(super) fn indexes() -> String {
    format!(
        "SELECT NULL AS c0, m.name AS c1, il.name AS c2, CAST(il.\"unique\" AS TEXT) AS c3, \
         CAST(ix.seqno AS TEXT) AS c4, CASE WHEN ix.cid = -2 THEN NULL ELSE ix.name END AS c5, \
         CASE WHEN il.partial THEN '1' END AS c6, NULL AS c7, NULL AS c8, NULL AS c9, NULL AS c10, \
         NULL AS c11 \
         FROM sqlite_master m JOIN pragma_index_list(m.name) il JOIN pragma_index_xinfo(il.name) ix \
         WHERE il.origin = 'c' AND ix.key = 1 AND {USER_TABLES}"
    )
}
