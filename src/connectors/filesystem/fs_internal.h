/* fs_internal.h - what the filesystem connector's source, sink and option handling share. */
#ifndef WR_FS_INTERNAL_H
#define WR_FS_INTERNAL_H

#include "connectors/conn_internal.h"

/* Source configuration: the files (splits) in path-name order, listed when the source is
 * made, and the format. Read-only once built; shared by the subtasks. */
typedef struct wr_fs_source_config {
    char *root;   /* the 'path' option with any file:// removed */
    char **files; /* full paths, sorted */
    uint32_t nfiles;
    wr_format_choice fmt;
    wr_schema *schema; /* copy of the table schema the format was checked against */
    /* Metadata: the schema's columns from nphys on are metadata columns (named
     * WR_METADATA_PREFIX + key); meta[i] is the fs_meta of column nphys + i. */
    wr_schema *phys; /* the physical columns: what the format decodes */
    uint32_t nphys, nmeta;
    uint8_t *meta;
    char *cwd; /* prefix of relative file paths in file.path */
} wr_fs_source_config;

/* The filesystem source's metadata keys, in the order of its readable metadata table. */
enum { WR_FS_META_PATH = 0, WR_FS_META_NAME, WR_FS_META_SIZE, WR_FS_META_MTIME };

typedef struct wr_fs_sink_config {
    char *dir;
    wr_format_choice fmt;
    wr_schema *schema;
    int64_t roll_size;   /* bytes */
    int64_t rollover_us; /* max age of an open part file */
    int64_t check_us;    /* accepted; the sink arms one timer per part file instead */
    char uuid[37];       /* shared by all subtasks: part-<uuid>-<subtask>-<n> */
} wr_fs_sink_config;

extern const wr_option_table wr_fs_options;

/* The 'path' option without a file:// scheme; other schemes are rejected. */
int wr_fs_local_path(const char *path, char **out, wr_error *err);
/* Every file under root (or root itself when it is a file), skipping entries whose names
 * start with '.' or '_', recursively, sorted by path. */
int wr_fs_list_files(const char *root, char ***files, uint32_t *nfiles, wr_error *err);
void wr_fs_free_list(char **files, uint32_t nfiles);

int wr_fs_make_source(const wr_options *o, const wr_schema *schema, wr_source_def *out,
                      wr_error *err);
int wr_fs_make_sink(const wr_options *o, const wr_schema *schema, wr_sink_def *out, wr_error *err);

#endif
