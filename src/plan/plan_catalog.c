/* plan_catalog.c - the session catalog: tables (physical, metadata and computed columns,
 * watermark, primary key, connector options checked against the connector's option table)
 * and views (their query, bound once at CREATE VIEW to check it and fix its schema).
 * Names are case-sensitive as in Flink; a TEMPORARY object shadows a permanent one of the
 * same name. Also SHOW TABLES / SHOW VIEWS and DESCRIBE in Flink's tableau form.
 * Entries live in the session arena; the catalog only owns their option maps. */
#include "plan/plan_bind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sql/sql.h"

struct wr_catalog {
    wr_catalog_entry **live; /* visible objects, in creation order */
    uint32_t nlive, caplive;
    wr_catalog_entry **all; /* every entry ever created (dropped ones too: plans may use them) */
    uint32_t nall, capall;
};

wr_catalog *wr_catalog_new(void)
{
    return wr_calloc(1, sizeof(wr_catalog));
}

void wr_catalog_free(wr_catalog *cat)
{
    if (!cat) return;
    for (uint32_t i = 0; i < cat->nall; i++)
        wr_options_free(&cat->all[i]->options);
    wr_free(cat->live);
    wr_free(cat->all);
    wr_free(cat);
}

static int push(wr_catalog_entry ***arr, uint32_t *n, uint32_t *cap, wr_catalog_entry *e)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        wr_catalog_entry **p = wr_realloc(*arr, sizeof(*p) * nc);
        if (!p) return WR_ENOMEM;
        *arr = p;
        *cap = nc;
    }
    (*arr)[(*n)++] = e;
    return WR_OK;
}

static int find_idx(wr_catalog *cat, const char *name, int temporary)
{
    /* temporary < 0: either kind, temporary first. */
    int best = -1;
    for (uint32_t i = 0; i < cat->nlive; i++) {
        const wr_catalog_entry *e = cat->live[i];
        if (strcmp(e->name, name) != 0) continue;
        if (temporary >= 0 && e->temporary != (temporary > 0)) continue;
        if (best < 0 || e->temporary) best = (int)i;
    }
    return best;
}

const wr_catalog_entry *wr_catalog_lookup(wr_catalog *cat, const char *name)
{
    int i = find_idx(cat, name, -1);
    return i < 0 ? NULL : cat->live[i];
}

const char *wr_catalog_suggest(wr_catalog *cat, const char *name)
{
    const char **cands = wr_malloc(sizeof(char *) * (cat->nlive + 1));
    if (!cands) return NULL;
    for (uint32_t i = 0; i < cat->nlive; i++)
        cands[i] = cat->live[i]->name;
    cands[cat->nlive] = NULL;
    const char *s = wr_plan_suggest(name, cands);
    wr_free(cands);
    return s;
}

const char *wr_catalog_object_name(wr_pctx *c, const wr_sql_name *n)
{
    if (n->nparts == 1) return n->parts[0].name;
    if (n->nparts > 3) {
        wr_pctx_error(c, n->parts[0].pos, "invalid object name '%s'", wr_name_str(c->a, n));
        return NULL;
    }
    if (n->nparts == 3 && strcmp(n->parts[0].name, "default_catalog") != 0) {
        wr_pctx_error(c, n->parts[0].pos,
                      "catalog '%s' does not exist (weir has one in-memory catalog, "
                      "'default_catalog')",
                      n->parts[0].name);
        return NULL;
    }
    const wr_sql_ident *db = &n->parts[n->nparts - 2];
    if (strcmp(db->name, "default_database") != 0) {
        wr_pctx_error(c, db->pos,
                      "database '%s' does not exist (weir has one database, 'default_database')",
                      db->name);
        return NULL;
    }
    return n->parts[n->nparts - 1].name;
}

/* ------------------------------------------------------------------------------------------
 * CREATE TABLE
 * ---------------------------------------------------------------------------------------- */
static wr_sql_pos option_error_pos(const wr_sql_create_table *ct, const char *msg, wr_sql_pos dflt)
{
    char quoted[512];
    for (uint32_t i = 0; i < ct->noptions; i++) {
        const wr_sql_option *o = &ct->options[i];
        if (strcmp(o->key, "connector") == 0 && strstr(msg, "connector '") == msg + 0)
            return o->value_pos;
        snprintf(quoted, sizeof quoted, "'%s'", o->key);
        if (strstr(msg, quoted)) {
            /* A bad value points at the value, an unknown key at the key. */
            if (strstr(msg, "expected") || strstr(msg, "must") || strstr(msg, "invalid"))
                return o->value_pos;
            return o->key_pos;
        }
    }
    for (uint32_t i = 0; i < ct->noptions; i++) {
        const wr_sql_option *o = &ct->options[i];
        if (strcmp(o->key, "connector") == 0 && strstr(msg, "connector")) return o->value_pos;
    }
    return dflt;
}

static bool valid_rowtime_type(const wr_type *t)
{
    return (t->id == WR_TYPE_TIMESTAMP || t->id == WR_TYPE_TIMESTAMP_LTZ) && t->precision <= 3;
}

/* The connector named by the WITH clause, or NULL (its errors are reported later). */
static const wr_connector_vt *connector_of(const wr_sql_create_table *ct)
{
    for (uint32_t i = 0; i < ct->noptions; i++) {
        if (strcmp(ct->options[i].key, "connector") != 0) continue;
        const wr_connector_vt *conn = NULL;
        wr_error err = {0};
        return wr_connector_find(ct->options[i].value, &conn, &err) == WR_OK ? conn : NULL;
    }
    return NULL;
}

static void list_keys(wr_buf *b, const wr_metadata_def *defs)
{
    for (size_t i = 0; defs && defs[i].key; i++)
        wr_buf_printf(b, "%s'%s'", i ? ", " : "", defs[i].key);
}

/* Metadata columns: the key must be one the connector reads (or writes), and the declared
 * type castable from the key's type. Column i's produced slot is nphys + its rank among the
 * metadata columns; its `computed` is that slot cast to the declared type. */
static bool bind_metadata(wr_pctx *c, const wr_sql_create_table *ct, wr_catalog_entry *e,
                          wr_field *physf, wr_field *prodf, uint32_t nphys)
{
    const wr_connector_vt *conn = connector_of(ct);
    bool ok = true;
    uint32_t slot = nphys;
    for (uint32_t i = 0; i < ct->ncolumns; i++) {
        const wr_sql_column *sc = &ct->columns[i];
        wr_catalog_col *col = &e->cols[i];
        if (sc->kind != WR_SQL_COL_METADATA) continue;
        col->phys = slot++;
        physf[col->phys] = (wr_field){.name = col->name, .type = col->type};
        prodf[col->phys] = (wr_field){.name = col->name, .type = col->type};
        if (!conn) {
            ok = false;
            continue;
        }
        const wr_metadata_def *d = wr_metadata_find(conn->readable_metadata, col->metadata_key);
        if (!d) d = wr_metadata_find(conn->writable_metadata, col->metadata_key);
        if (!d) {
            wr_buf b;
            wr_buf_init(&b);
            bool any = (conn->readable_metadata && conn->readable_metadata[0].key) ||
                       (conn->writable_metadata && conn->writable_metadata[0].key);
            if (!any) {
                wr_buf_printf(&b,
                              "column '%s': connector '%s' has no metadata (METADATA columns "
                              "are not available for it)",
                              col->name, conn->name);
            } else {
                const char *cands[64];
                size_t n = 0;
                for (size_t k = 0; conn->readable_metadata && conn->readable_metadata[k].key &&
                                   n + 1 < WR_ARRAY_LEN(cands);
                     k++)
                    cands[n++] = conn->readable_metadata[k].key;
                for (size_t k = 0; conn->writable_metadata && conn->writable_metadata[k].key &&
                                   n + 1 < WR_ARRAY_LEN(cands);
                     k++)
                    cands[n++] = conn->writable_metadata[k].key;
                cands[n] = NULL;
                const char *sug = wr_plan_suggest(col->metadata_key, cands);
                wr_buf_printf(&b, "column '%s': unknown metadata key '%s' of connector '%s'",
                              col->name, col->metadata_key, conn->name);
                if (sug) wr_buf_printf(&b, "; did you mean '%s'?", sug);
                wr_buf_append_c(&b, " (available: ");
                list_keys(&b, conn->readable_metadata);
                if (conn->writable_metadata && conn->writable_metadata[0].key) {
                    if (conn->readable_metadata && conn->readable_metadata[0].key)
                        wr_buf_append_c(&b, "; writable: ");
                    list_keys(&b, conn->writable_metadata);
                }
                wr_buf_append_c(&b, ")");
            }
            wr_pctx_error(c, sc->pos, "%s", b.ptr);
            wr_buf_free(&b);
            ok = false;
            continue;
        }
        wr_type kt = wr_metadata_type(d);
        prodf[col->phys] = (wr_field){
            .name = wr_psprintf(c->a, "%s%s", WR_METADATA_PREFIX, col->metadata_key), .type = kt};
        wr_pexpr *ref = wr_px_col(c->a, col->phys, kt);
        if (!ref) return false;
        wr_type dt = col->type;
        if (wr_type_equal(&kt, &dt, true)) {
            col->computed = ref;
            continue;
        }
        wr_error err = {0};
        col->computed = wr_px_cast(c->a, ref, dt, false, &err);
        if (!col->computed) {
            wr_buf kb, db;
            wr_buf_init(&kb);
            wr_buf_init(&db);
            wr_type_format(&kt, &kb);
            wr_type_format(&dt, &db);
            wr_pctx_error(c, sc->type->pos,
                          "column '%s': metadata key '%s' of connector '%s' is %s, which cannot "
                          "be cast to %s",
                          col->name, col->metadata_key, conn->name, kb.ptr, db.ptr);
            wr_buf_free(&kb);
            wr_buf_free(&db);
            ok = false;
        }
    }
    return ok;
}

/* A computed column bound over physf (metadata slots with their declared types): the
 * metadata slots replaced by their casts from the key's type. */
static wr_pexpr *subst_metadata(wr_pctx *c, const wr_catalog_entry *e, wr_pexpr *p,
                                const wr_field *physf, uint32_t nphys, uint32_t nprod)
{
    wr_pexpr **repl = wr_arena_alloc(c->a, sizeof(wr_pexpr *) * (nprod ? nprod : 1));
    if (!repl) return NULL;
    for (uint32_t i = 0; i < nphys; i++)
        if (!(repl[i] = wr_px_col(c->a, i, physf[i].type))) return NULL;
    for (uint32_t i = 0; i < e->ncols; i++) {
        const wr_catalog_col *col = &e->cols[i];
        if (col->kind != WR_CCOL_METADATA) continue;
        repl[col->phys] = col->computed;
        if (!repl[col->phys]) return NULL; /* its error is reported */
    }
    wr_error err = {0};
    wr_pexpr *r = wr_px_subst(c->a, p, repl, &err);
    if (!r) wr_pctx_error(c, e->pos, "%s", err.msg);
    return r;
}

int wr_catalog_create_table(wr_pctx *c, const wr_sql_create_table *ct, wr_sql_pos pos)
{
    wr_catalog *cat = wr_session_catalog(c->sess);
    wr_arena *a = c->a;
    const char *name = wr_catalog_object_name(c, &ct->name);
    if (!name) return WR_EINVAL;
    wr_sql_pos name_pos = ct->name.parts[ct->name.nparts - 1].pos;
    int existing = find_idx(cat, name, ct->temporary ? 1 : 0);
    if (existing >= 0) {
        if (ct->if_not_exists) return WR_OK;
        return wr_pctx_error(c, name_pos,
                             "%s '%s' already exists (use CREATE %sTABLE IF NOT "
                             "EXISTS to keep the existing one)",
                             cat->live[existing]->is_view ? "a view named" : "table", name,
                             ct->temporary ? "TEMPORARY " : "");
    }
    if (ct->as_query)
        return wr_pctx_unsupported(c, ct->as_query->pos, "CREATE TABLE ... AS SELECT");
    if (ct->or_replace) return wr_pctx_unsupported(c, pos, "CREATE OR REPLACE TABLE");
    if (ct->npartitioned_by)
        return wr_pctx_unsupported(c, ct->partitioned_by[0].pos, "PARTITIONED BY");

    wr_catalog_entry *e = wr_arena_alloc(a, sizeof *e);
    if (!e) return WR_ENOMEM;
    memset(e, 0, sizeof *e);
    wr_options_init(&e->options);
    e->name = wr_pstrdup(a, name);
    e->temporary = ct->temporary;
    e->file = c->file;
    e->pos = pos;
    e->rowtime = -1;
    e->comment = ct->comment;
    e->with = ct->options;
    e->nwith = ct->noptions;
    e->ncols = ct->ncolumns;
    e->cols = wr_arena_alloc(a, sizeof(wr_catalog_col) * (ct->ncolumns ? ct->ncolumns : 1));
    if (!e->cols) return WR_ENOMEM;
    memset(e->cols, 0, sizeof(wr_catalog_col) * (ct->ncolumns ? ct->ncolumns : 1));
    bool ok = true;

    /* Physical columns first: computed columns are bound over them. */
    uint32_t nphys = 0, nmeta = 0;
    for (uint32_t i = 0; i < ct->ncolumns; i++) {
        const wr_sql_column *sc = &ct->columns[i];
        wr_catalog_col *col = &e->cols[i];
        col->name = sc->name.name;
        col->comment = sc->comment;
        for (uint32_t k = 0; k < i; k++) {
            if (strcmp(e->cols[k].name, col->name) == 0) {
                wr_pctx_error(c, sc->name.pos, "duplicate column '%s' in table '%s'", col->name,
                              name);
                ok = false;
            }
        }
        if (sc->kind == WR_SQL_COL_METADATA) {
            col->kind = WR_CCOL_METADATA;
            col->type = sc->type->type;
            col->metadata_key = sc->metadata_key ? sc->metadata_key : col->name;
            col->is_virtual = sc->is_virtual;
            wr_error err = {0};
            if (wr_type_check_supported(&col->type, &err) != WR_OK) {
                wr_pctx_error(c, sc->type->pos, "column '%s': %s", col->name, err.msg);
                ok = false;
            }
            nmeta++;
            continue;
        }
        if (sc->kind != WR_SQL_COL_PHYSICAL) continue;
        col->kind = WR_CCOL_PHYSICAL;
        col->type = sc->type->type;
        wr_error err = {0};
        if (wr_type_check_supported(&col->type, &err) != WR_OK) {
            wr_pctx_error(c, sc->type->pos, "column '%s': %s", col->name, err.msg);
            ok = false;
        }
        col->phys = nphys++;
    }
    /* What the source produces: the physical columns, then one column per metadata column
     * (of the key's type; physf gives it the declared type for binding). */
    uint32_t nprod = nphys + nmeta;
    wr_field *physf = wr_arena_alloc(a, sizeof(wr_field) * (nprod ? nprod : 1));
    wr_field *prodf = wr_arena_alloc(a, sizeof(wr_field) * (nprod ? nprod : 1));
    if (!physf || !prodf) return WR_ENOMEM;
    for (uint32_t i = 0, k = 0; i < ct->ncolumns; i++)
        if (e->cols[i].kind == WR_CCOL_PHYSICAL && ct->columns[i].kind == WR_SQL_COL_PHYSICAL) {
            physf[k] = (wr_field){.name = e->cols[i].name, .type = e->cols[i].type};
            prodf[k] = physf[k];
            k++;
        }
    if (nmeta && !bind_metadata(c, ct, e, physf, prodf, nphys)) ok = false;

    /* Primary key: NOT NULL physical columns. */
    if (ct->primary_key) {
        const wr_sql_primary_key *pk = ct->primary_key;
        /* Only the columns found are kept (a DESCRIBE of the table after the error reads
         * them). */
        e->npk = 0;
        e->pk = wr_arena_alloc(a, sizeof(uint32_t) * (pk->ncols ? pk->ncols : 1));
        if (!e->pk) return WR_ENOMEM;
        for (uint32_t k = 0; k < pk->ncols; k++) {
            int found = -1;
            for (uint32_t i = 0; i < e->ncols; i++)
                if (strcmp(e->cols[i].name, pk->cols[k].name) == 0) found = (int)i;
            if (found < 0) {
                const char **cands = wr_arena_alloc(a, sizeof(char *) * (e->ncols + 1));
                for (uint32_t i = 0; cands && i < e->ncols; i++)
                    cands[i] = e->cols[i].name;
                if (cands) cands[e->ncols] = NULL;
                const char *sug = cands ? wr_plan_suggest(pk->cols[k].name, cands) : NULL;
                if (sug)
                    wr_pctx_error(c, pk->cols[k].pos,
                                  "primary key column '%s' is not a column of table '%s'; did "
                                  "you mean '%s'?",
                                  pk->cols[k].name, name, sug);
                else
                    wr_pctx_error(c, pk->cols[k].pos,
                                  "primary key column '%s' is not a column of table '%s'",
                                  pk->cols[k].name, name);
                ok = false;
                continue;
            }
            if (ct->columns[found].kind != WR_SQL_COL_PHYSICAL) {
                wr_pctx_error(c, pk->cols[k].pos,
                              "primary key column '%s' must be a physical column",
                              pk->cols[k].name);
                ok = false;
                continue;
            }
            e->pk[e->npk++] = (uint32_t)found;
            e->cols[found].type.nullable = false;
            physf[e->cols[found].phys].type.nullable = false;
        }
        if (pk->constraint_name) e->pk_name = pk->constraint_name->name;
    }

    /* Computed columns over the physical ones. */
    for (uint32_t i = 0; i < ct->ncolumns; i++) {
        const wr_sql_column *sc = &ct->columns[i];
        if (sc->kind != WR_SQL_COL_COMPUTED) continue;
        wr_catalog_col *col = &e->cols[i];
        col->kind = WR_CCOL_COMPUTED;
        wr_pexpr *p = wr_bind_table_expr(c, sc->expr, physf, nprod);
        if (p && nmeta) p = subst_metadata(c, e, p, physf, nphys, nprod);
        if (!p) {
            ok = false;
            continue;
        }
        col->computed = p;
        col->type = p->type;
        col->type.time_attr = p->type.time_attr; /* PROCTIME() */
        wr_slice src = {c->text + sc->expr->pos.offset, sc->expr->end - sc->expr->pos.offset};
        col->expr_text = wr_arena_strndup(a, src.ptr, src.len);
    }

    /* Watermark. */
    for (uint32_t w = 0; w < ct->nwatermarks; w++) {
        const wr_sql_watermark *wm = &ct->watermarks[w];
        if (w > 0) {
            wr_pctx_error(c, wm->pos, "a table can have only one WATERMARK definition");
            ok = false;
            break;
        }
        if (wm->column.nparts != 1) {
            wr_pctx_unsupported(c, wm->pos, "WATERMARK on a nested field");
            ok = false;
            break;
        }
        const char *cn = wm->column.parts[0].name;
        int found = -1;
        for (uint32_t i = 0; i < e->ncols; i++)
            if (strcmp(e->cols[i].name, cn) == 0) found = (int)i;
        if (found < 0) {
            const char **cands = wr_arena_alloc(a, sizeof(char *) * (e->ncols + 1));
            for (uint32_t i = 0; cands && i < e->ncols; i++)
                cands[i] = e->cols[i].name;
            if (cands) cands[e->ncols] = NULL;
            const char *sug = cands ? wr_plan_suggest(cn, cands) : NULL;
            if (sug)
                wr_pctx_error(c, wm->column.parts[0].pos,
                              "the rowtime column '%s' of the WATERMARK is not a column of "
                              "table '%s'; did you mean '%s'?",
                              cn, name, sug);
            else
                wr_pctx_error(c, wm->column.parts[0].pos,
                              "the rowtime column '%s' of the WATERMARK is not a column of "
                              "table '%s'",
                              cn, name);
            ok = false;
            break;
        }
        wr_catalog_col *col = &e->cols[found];
        if (col->kind == WR_CCOL_COMPUTED && !col->computed) {
            ok = false;
            break;
        }
        if (!valid_rowtime_type(&col->type)) {
            wr_buf tb;
            wr_buf_init(&tb);
            wr_type_format(&col->type, &tb);
            wr_pctx_error(c, wm->column.parts[0].pos,
                          "invalid data type of time field for watermark definition: '%s' is "
                          "%s, but it must be TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p from 0 "
                          "to 3",
                          cn, tb.ptr);
            wr_buf_free(&tb);
            ok = false;
            break;
        }
        /* The watermark expression sees every column of the table. */
        wr_field *all = wr_arena_alloc(a, sizeof(wr_field) * (e->ncols ? e->ncols : 1));
        if (!all) return WR_ENOMEM;
        bool cols_ok = true;
        for (uint32_t i = 0; i < e->ncols; i++) {
            all[i] = (wr_field){.name = e->cols[i].name, .type = e->cols[i].type};
            if (e->cols[i].kind == WR_CCOL_COMPUTED && !e->cols[i].computed) cols_ok = false;
        }
        if (!cols_ok) {
            ok = false;
            break;
        }
        wr_pexpr *p = wr_bind_table_expr(c, wm->expr, all, e->ncols);
        if (!p) {
            ok = false;
            break;
        }
        if (p->type.id != WR_TYPE_TIMESTAMP && p->type.id != WR_TYPE_TIMESTAMP_LTZ) {
            wr_buf tb;
            wr_buf_init(&tb);
            wr_type_format(&p->type, &tb);
            wr_pctx_error(c, wm->expr->pos,
                          "the WATERMARK expression must return TIMESTAMP(p) or "
                          "TIMESTAMP_LTZ(p), but returns %s",
                          tb.ptr);
            wr_buf_free(&tb);
            ok = false;
            break;
        }
        e->rowtime = found;
        e->watermark = p;
        col->type.time_attr = WR_TIME_ATTR_ROWTIME;
        wr_slice src = {c->text + wm->expr->pos.offset, wm->expr->end - wm->expr->pos.offset};
        e->watermark_text = wr_arena_strndup(a, src.ptr, src.len);
    }

    /* Physical schema (with the metadata columns behind) and connector options. */
    e->phys = NULL;
    wr_schema *phys = wr_schema_new(nprod);
    if (!phys) return WR_ENOMEM;
    for (uint32_t i = 0; i < nprod; i++) {
        wr_type t = prodf[i].type;
        t.time_attr = WR_TIME_ATTR_NONE;
        wr_schema_set(phys, i, prodf[i].name, t);
    }
    /* The schema is kept in the arena (copied) so the catalog frees nothing but options. */
    e->phys = wr_arena_alloc(a, sizeof(wr_schema));
    if (!e->phys) {
        wr_schema_free(phys);
        return WR_ENOMEM;
    }
    e->phys->ncols = nprod;
    e->phys->cols = wr_arena_alloc(a, sizeof(wr_field) * (nprod ? nprod : 1));
    for (uint32_t i = 0; e->phys->cols && i < nprod; i++)
        e->phys->cols[i] =
            (wr_field){.name = wr_pstrdup(a, phys->cols[i].name), .type = phys->cols[i].type};
    wr_schema_free(phys);
    if (!e->phys->cols) return WR_ENOMEM;

    bool have_connector = false;
    for (uint32_t i = 0; i < ct->noptions; i++) {
        const wr_sql_option *o = &ct->options[i];
        if (wr_options_get(&e->options, o->key)) {
            wr_pctx_error(c, o->key_pos, "option '%s' is given twice in the WITH clause", o->key);
            ok = false;
        }
        if (wr_options_set(&e->options, o->key, o->value) != WR_OK) {
            wr_options_free(&e->options);
            return WR_ENOMEM;
        }
        if (strcmp(o->key, "connector") == 0) have_connector = true;
    }
    if (!have_connector) {
        wr_pctx_error(c, ct->noptions ? ct->options[0].key_pos : name_pos,
                      "table '%s' has no 'connector' option in its WITH clause (e.g. "
                      "'connector' = 'datagen'; available: datagen, filesystem, print, "
                      "blackhole)",
                      name);
        ok = false;
    } else if (ok) {
        const wr_connector_vt *conn = NULL;
        wr_error err = {0};
        const char *cname = wr_options_get(&e->options, "connector");
        if (wr_connector_find(cname, &conn, &err) != WR_OK ||
            wr_connector_validate(conn, &e->options, e->phys, &err) != WR_OK) {
            wr_pctx_error(c, option_error_pos(ct, err.msg, name_pos), "%s", err.msg);
            ok = false;
        }
    }
    if (push(&cat->all, &cat->nall, &cat->capall, e) != WR_OK) {
        wr_options_free(&e->options);
        return WR_ENOMEM;
    }
    if (!ok) {
        /* Register it as broken, so that statements using it are not reported again. */
        e->broken = true;
    }
    if (push(&cat->live, &cat->nlive, &cat->caplive, e) != WR_OK) return WR_ENOMEM;
    return ok ? WR_OK : WR_EINVAL;
}

/* ------------------------------------------------------------------------------------------
 * CREATE VIEW, DROP
 * ---------------------------------------------------------------------------------------- */
int wr_catalog_create_view(wr_pctx *c, const wr_sql_create_view *cv, wr_sql_pos pos, uint32_t end)
{
    wr_catalog *cat = wr_session_catalog(c->sess);
    wr_arena *a = c->a;
    const char *name = wr_catalog_object_name(c, &cv->name);
    if (!name) return WR_EINVAL;
    wr_sql_pos name_pos = cv->name.parts[cv->name.nparts - 1].pos;
    int existing = find_idx(cat, name, cv->temporary ? 1 : 0);
    if (existing >= 0) {
        if (cv->if_not_exists) return WR_OK;
        return wr_pctx_error(c, name_pos,
                             "%s '%s' already exists (use CREATE %sVIEW IF NOT EXISTS to keep "
                             "the existing one)",
                             cat->live[existing]->is_view ? "view" : "a table named", name,
                             cv->temporary ? "TEMPORARY " : "");
    }
    wr_catalog_entry *e = wr_arena_alloc(a, sizeof *e);
    if (!e) return WR_ENOMEM;
    memset(e, 0, sizeof *e);
    wr_options_init(&e->options);
    e->name = wr_pstrdup(a, name);
    e->is_view = true;
    e->temporary = cv->temporary;
    e->file = c->file;
    e->pos = pos;
    e->rowtime = -1;
    e->comment = cv->comment;
    e->query = cv->query;
    e->query_text = wr_arena_strndup(a, c->text + cv->query->pos.offset,
                                     cv->query->end - cv->query->pos.offset);
    (void)end;
    bool ok = true;
    wr_lnode *n = wr_bind_query(c, cv->query);
    if (!n) {
        ok = false;
    } else {
        if (cv->ncols && cv->ncols != n->ncols) {
            wr_pctx_error(c, cv->cols[0].pos, "view '%s' names %u columns but its query has %u",
                          name, cv->ncols, n->ncols);
            ok = false;
        }
        e->nview_schema = n->ncols;
        e->view_schema = wr_fields_dup(a, n->cols, n->ncols);
        if (ok && cv->ncols) {
            e->nview_cols = cv->ncols;
            e->view_cols = wr_arena_alloc(a, sizeof(char *) * cv->ncols);
            if (!e->view_cols) return WR_ENOMEM;
            for (uint32_t i = 0; i < cv->ncols; i++) {
                e->view_cols[i] = cv->cols[i].name;
                e->view_schema[i].name = cv->cols[i].name;
            }
        }
    }
    e->broken = !ok;
    if (push(&cat->all, &cat->nall, &cat->capall, e) != WR_OK) return WR_ENOMEM;
    if (push(&cat->live, &cat->nlive, &cat->caplive, e) != WR_OK) return WR_ENOMEM;
    return ok ? WR_OK : WR_EINVAL;
}

int wr_catalog_drop(wr_pctx *c, const wr_sql_drop *d, wr_sql_pos pos)
{
    wr_catalog *cat = wr_session_catalog(c->sess);
    const char *name = wr_catalog_object_name(c, &d->name);
    if (!name) return WR_EINVAL;
    wr_sql_pos name_pos = d->name.parts[d->name.nparts - 1].pos;
    bool view = d->object == WR_SQL_OBJ_VIEW;
    int i = find_idx(cat, name, d->temporary ? 1 : -1);
    if (i < 0) {
        if (d->if_exists) return WR_OK;
        const char *sug = wr_catalog_suggest(cat, name);
        if (sug)
            return wr_pctx_error(c, name_pos, "%s '%s' does not exist; did you mean '%s'?",
                                 view ? "view" : "table", name, sug);
        return wr_pctx_error(c, name_pos, "%s '%s' does not exist", view ? "view" : "table", name);
    }
    if (cat->live[i]->is_view != view)
        return wr_pctx_error(c, name_pos, "'%s' is a %s; use DROP %s", name,
                             cat->live[i]->is_view ? "view" : "table",
                             cat->live[i]->is_view ? "VIEW" : "TABLE");
    (void)pos;
    memmove(&cat->live[i], &cat->live[i + 1],
            sizeof(cat->live[0]) * (cat->nlive - (uint32_t)i - 1));
    cat->nlive--;
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * SHOW, DESCRIBE
 * ---------------------------------------------------------------------------------------- */
static size_t utf8_width(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80) n++;
    return n;
}

void wr_tableau(wr_buf *out, const char *const *header, uint32_t ncols, const char *const *cells,
                uint32_t nrows)
{
    size_t w[32] = {0};
    if (ncols > 32) ncols = 32;
    for (uint32_t j = 0; j < ncols; j++) {
        w[j] = utf8_width(header[j]);
        for (uint32_t i = 0; i < nrows; i++) {
            size_t k = utf8_width(cells[i * ncols + j]);
            if (k > w[j]) w[j] = k;
        }
    }
    /* border, header, border, rows, border */
    for (int part = 0; part < 5; part++) {
        if (part == 0 || part == 2 || part == 4) {
            for (uint32_t j = 0; j < ncols; j++) {
                wr_buf_putc(out, '+');
                for (size_t k = 0; k < w[j] + 2; k++)
                    wr_buf_putc(out, '-');
            }
            wr_buf_append_c(out, "+\n");
            continue;
        }
        uint32_t to = part == 1 ? 1 : nrows;
        for (uint32_t i = 0; i < to; i++) {
            for (uint32_t j = 0; j < ncols; j++) {
                const char *v = part == 1 ? header[j] : cells[i * ncols + j];
                wr_buf_append_c(out, "| ");
                for (size_t k = utf8_width(v); k < w[j]; k++)
                    wr_buf_putc(out, ' ');
                wr_buf_append_c(out, v);
                wr_buf_putc(out, ' ');
            }
            wr_buf_append_c(out, "|\n");
        }
    }
    if (nrows == 1)
        wr_buf_append_c(out, "1 row in set\n");
    else
        wr_buf_printf(out, "%u rows in set\n", nrows);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int wr_catalog_show(wr_pctx *c, int what, wr_buf *out)
{
    wr_catalog *cat = wr_session_catalog(c->sess);
    const char **names = wr_arena_alloc(c->a, sizeof(char *) * (cat->nlive + 1));
    if (!names) return WR_ENOMEM;
    uint32_t n = 0;
    for (uint32_t i = 0; i < cat->nlive; i++) {
        if (what == WR_SQL_SHOW_VIEWS && !cat->live[i]->is_view) continue;
        bool dup = false;
        for (uint32_t k = 0; k < n && !dup; k++)
            dup = strcmp(names[k], cat->live[i]->name) == 0;
        if (!dup) names[n++] = cat->live[i]->name;
    }
    qsort(names, n, sizeof(char *), cmp_str);
    if (n == 0) {
        wr_buf_append_c(out, "Empty set\n");
        return WR_OK;
    }
    const char *hdr[1] = {what == WR_SQL_SHOW_VIEWS ? "view name" : "table name"};
    wr_tableau(out, hdr, 1, names, n);
    return WR_OK;
}

static const char *type_str(wr_arena *a, wr_type t)
{
    wr_buf b;
    wr_buf_init(&b);
    t.nullable = true;
    wr_type_format(&t, &b);
    const char *r = wr_arena_strndup(a, b.ptr ? b.ptr : "", b.len);
    wr_buf_free(&b);
    return r;
}

int wr_catalog_describe(wr_pctx *c, const wr_sql_name *nm, wr_buf *out)
{
    wr_catalog *cat = wr_session_catalog(c->sess);
    wr_arena *a = c->a;
    const char *name = wr_catalog_object_name(c, nm);
    if (!name) return WR_EINVAL;
    const wr_catalog_entry *e = wr_catalog_lookup(cat, name);
    if (!e) {
        const char *sug = wr_catalog_suggest(cat, name);
        wr_sql_pos p = nm->parts[nm->nparts - 1].pos;
        if (sug)
            return wr_pctx_error(c, p, "table or view '%s' does not exist; did you mean '%s'?",
                                 name, sug);
        return wr_pctx_error(c, p, "table or view '%s' does not exist", name);
    }
    static const char *const hdr[6] = {"name", "type", "null", "key", "extras", "watermark"};
    uint32_t n = e->is_view ? e->nview_schema : e->ncols;
    const char **cells = wr_arena_alloc(a, sizeof(char *) * 6 * (n ? n : 1));
    if (!cells) return WR_ENOMEM;
    const char *pk = "";
    if (e->npk) {
        wr_buf b;
        wr_buf_init(&b);
        wr_buf_append_c(&b, "PRI(");
        for (uint32_t k = 0; k < e->npk; k++) {
            if (k) wr_buf_append_c(&b, ", ");
            wr_buf_append_c(&b, e->cols[e->pk[k]].name);
        }
        wr_buf_putc(&b, ')');
        pk = wr_arena_strndup(a, b.ptr, b.len);
        wr_buf_free(&b);
    }
    for (uint32_t i = 0; i < n; i++) {
        const char **row = &cells[i * 6];
        wr_type t = e->is_view ? e->view_schema[i].type : e->cols[i].type;
        row[0] = e->is_view ? e->view_schema[i].name : e->cols[i].name;
        row[1] = type_str(a, t);
        row[2] = t.nullable ? "TRUE" : "FALSE";
        row[3] = "";
        row[4] = "";
        row[5] = "";
        if (e->is_view) continue;
        for (uint32_t k = 0; k < e->npk; k++)
            if (e->pk[k] == i) row[3] = pk;
        if (e->cols[i].kind == WR_CCOL_COMPUTED && e->cols[i].expr_text)
            row[4] = wr_psprintf(a, "AS %s", e->cols[i].expr_text);
        if (e->cols[i].kind == WR_CCOL_METADATA) /* Flink's extras text */
            row[4] = wr_psprintf(a, "METADATA FROM '%s'%s", e->cols[i].metadata_key,
                                 e->cols[i].is_virtual ? " VIRTUAL" : "");
        if ((int32_t)i == e->rowtime) row[5] = e->watermark_text;
    }
    wr_tableau(out, hdr, 6, cells, n);
    return WR_OK;
}

/* ------------------------------------------------------------------------------------------
 * What a scan's source produces
 * ---------------------------------------------------------------------------------------- */
/* Metadata projection pushdown (Flink's applyReadableMetadata with the used keys): the
 * physical columns (the format decodes whole records) and the metadata columns that the
 * scan's outputs, filter or the watermark use, directly or through computed columns. */
const wr_schema *wr_catalog_scan_schema(wr_arena *a, const wr_lnode *scan, wr_pexpr **repl)
{
    const wr_catalog_entry *t = scan->scan.table;
    uint32_t nprod = t->phys->ncols;
    bool *used_col = wr_arena_alloc(a, sizeof(bool) * (t->ncols + 1));
    bool *used = wr_arena_alloc(a, sizeof(bool) * (nprod + 1));
    int32_t *map = wr_arena_alloc(a, sizeof(int32_t) * (nprod + 1));
    if (!used_col || !used || !map) return NULL;
    memset(used_col, 0, sizeof(bool) * (t->ncols + 1));
    memset(used, 0, sizeof(bool) * (nprod + 1));
    for (uint32_t i = 0; i < scan->ncols; i++)
        wr_px_columns(scan->scan.exprs[i], used_col);
    if (scan->scan.filter) wr_px_columns(scan->scan.filter, used_col);
    if (t->rowtime >= 0) {
        wr_px_columns(t->watermark, used_col);
        used_col[t->rowtime] = true;
    }
    uint32_t nphys = 0;
    for (uint32_t i = 0; i < t->ncols; i++) {
        const wr_catalog_col *col = &t->cols[i];
        if (col->kind == WR_CCOL_PHYSICAL) {
            used[col->phys] = true;
            nphys++;
        } else if (col->kind == WR_CCOL_COMPUTED && used_col[i]) {
            wr_px_columns(col->computed, used);
        } else if (col->kind == WR_CCOL_METADATA && used_col[i]) {
            used[col->phys] = true;
        }
    }
    for (uint32_t i = 0; i < nphys; i++)
        used[i] = true;
    uint32_t n = 0;
    for (uint32_t i = 0; i < nprod; i++)
        map[i] = used[i] ? (int32_t)n++ : 0;
    wr_schema *s = wr_arena_alloc(a, sizeof(wr_schema));
    wr_field *f = wr_arena_alloc(a, sizeof(wr_field) * (n ? n : 1));
    if (!s || !f) return NULL;
    for (uint32_t i = 0; i < nprod; i++)
        if (used[i]) f[map[i]] = t->phys->cols[i];
    *s = (wr_schema){.ncols = n, .cols = f};
    for (uint32_t i = 0; i < t->ncols; i++) {
        const wr_catalog_col *col = &t->cols[i];
        if (col->kind == WR_CCOL_PHYSICAL) {
            repl[i] = wr_px_col(a, col->phys, t->phys->cols[col->phys].type);
        } else if (col->kind == WR_CCOL_METADATA && !used[col->phys]) {
            wr_value nv = {.is_null = true};
            repl[i] = wr_px_lit(a, wr_type_nullable(col->type), &nv); /* never read */
        } else {
            repl[i] = wr_px_remap(a, col->computed, map);
        }
        if (!repl[i]) return NULL;
    }
    return s;
}
