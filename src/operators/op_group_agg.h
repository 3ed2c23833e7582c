/* op_group_agg.h - regular (non-windowed, unbounded) GROUP BY aggregation producing a
 * changelog, in one phase or split into a local (pre-shuffle) and a global phase.
 *
 * Output per key, per input batch (mini-batch semantics, see README.md):
 *   first result of a key                     +I(new)
 *   result changed                            -U(old) +U(new)   (-U only with
 *                                                                emit_update_before)
 *   result unchanged                          nothing
 *   row count of the key back to zero         -D(old), state removed
 * where old is the result before the batch and new the result after it.
 *
 * Rows: one-phase input is the input table; the output is the key columns (in the order of
 * cfg->keys) followed by one column per aggregate. Two-phase: the LOCAL operator turns each
 * input batch into partial rows (keys, the aggregates' partial columns, a BIGINT row-count
 * delta; see wr_group_agg_partial_schema), which go over a hash edge on columns
 * 0..nkeys-1 to the GLOBAL operator, whose output is the one-phase output. */
#ifndef WR_OP_GROUP_AGG_H
#define WR_OP_GROUP_AGG_H

#include "operators/agg.h"
#include "runtime/runtime.h"

typedef struct wr_group_agg_cfg {
    uint32_t nkeys;
    uint32_t *keys; /* key columns of the input table; owned */
    uint32_t naggs;
    wr_agg_spec *aggs;       /* owned copies (names copied too) */
    bool emit_update_before; /* false for upsert consumers: -U is never emitted */
    wr_agg_layout *layout;   /* built from aggs; owned */
    uint32_t *pkeys;         /* 0..nkeys-1: key columns of partial rows; owned */
} wr_group_agg_cfg;

/* New config (copies keys and specs, builds the layout). NULL and *err on bad specs. */
wr_group_agg_cfg *wr_group_agg_cfg_new(const uint32_t *keys, uint32_t nkeys,
                                       const wr_agg_spec *aggs, uint32_t naggs,
                                       bool emit_update_before, wr_error *err);
void wr_group_agg_cfg_free(void *cfg);

/* Output schema (keys named and typed as in `input`, then the aggregates named spec.name or
 * "EXPR$<i>"); the caller frees it with wr_schema_free. NULL and *err on failure. */
wr_schema *wr_group_agg_output_schema(const wr_group_agg_cfg *cfg, const wr_schema *input,
                                      wr_error *err);
/* Schema of the partial rows between LOCAL and GLOBAL: keys, the layout's partial columns,
 * then "$row_count" BIGINT NOT NULL (net +I/+U minus -U/-D rows). Fails with
 * WR_EUNSUPPORTED when the aggregates have no partial form. */
wr_schema *wr_group_agg_partial_schema(const wr_group_agg_cfg *cfg, const wr_schema *input,
                                       wr_error *err);

/* Whether local/global aggregation is possible for these aggregates: not with COUNT
 * DISTINCT (its value map is not a fixed set of columns), and not with MIN/MAX when the
 * input retracts (a retractable MIN/MAX needs every value: its multiset cannot be
 * pre-aggregated into one value). COUNT, SUM and AVG merge with negative deltas, so they
 * split over retracting inputs too. The planner calls this. */
bool wr_group_agg_can_two_phase(const wr_agg_spec *specs, uint32_t n, bool input_is_changelog);

extern const wr_op_vt wr_op_group_agg_vt;        /* one phase: input rows -> changelog */
extern const wr_op_vt wr_op_local_group_agg_vt;  /* input rows -> partial rows per batch */
extern const wr_op_vt wr_op_global_group_agg_vt; /* partial rows -> changelog */

#endif
