/* filesystem.c - the `filesystem` connector's options and the parts its source and sink
 * share: the option table (path, format, rolling policy), local paths (file:// accepted,
 * other schemes rejected), and the recursive, sorted listing of a directory's files that
 * skips hidden ('.') and private ('_') entries, as Flink's file enumerator does. */
#include "connectors/filesystem/fs_internal.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const wr_option_def fs_defs[] = {
    {"path", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_REQUIRED,
     "A file or a directory (file:// URIs accepted). A directory's files, in subdirectories "
     "too, are read in path-name order, each as its own split with its own watermark; names "
     "starting with '.' or '_' are skipped. A sink writes part files into the directory, "
     "creating it when absent."},
    {"format", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_REQUIRED,
     "Format of the files: csv or json (JSON lines)."},
    {"sink.rolling-policy.file-size", WR_OPT_SIZE, "128MB", 1, INFINITY, NULL,
     WR_OPT_BOUNDED | WR_OPT_SINK,
     "A part file that reached this size is closed and committed, and the next rows go to a "
     "new part file."},
    {"sink.rolling-policy.rollover-interval", WR_OPT_DURATION, "30 min", 1000, INFINITY, NULL,
     WR_OPT_BOUNDED | WR_OPT_SINK,
     "A part file open for this long is closed and committed (checked when rows arrive and by "
     "a timer)."},
    {"sink.rolling-policy.check-interval", WR_OPT_DURATION, "1 min", 1000, INFINITY, NULL,
     WR_OPT_BOUNDED | WR_OPT_SINK,
     "Accepted for compatibility: weir arms one timer per part file at its rollover time "
     "instead of polling."},
    WR_CONN_SINK_PARALLELISM_DEF,
    {"source.monitor-interval", WR_OPT_DURATION, NULL, 0, 0, NULL, WR_OPT_SOURCE | WR_OPT_NOT_YET,
     "Flink: keep watching the directory for new files."},
    {"source.path.regex-pattern", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_SOURCE | WR_OPT_NOT_YET,
     "Flink: read only the files whose path matches."},
    {"partition.default-name", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_NOT_YET,
     "Flink: directory name of NULL partition values (PARTITIONED BY)."},
    {"auto-compaction", WR_OPT_BOOL, NULL, 0, 0, NULL, WR_OPT_SINK | WR_OPT_NOT_YET,
     "Flink: merge the small files of a checkpoint."},
    {"compaction.file-size", WR_OPT_SIZE, NULL, 0, 0, NULL, WR_OPT_SINK | WR_OPT_NOT_YET,
     "Flink: target size of compacted files."},
    {"sink.partition-commit.trigger", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_SINK | WR_OPT_NOT_YET,
     "Flink: when a partition is committed."},
    {"sink.partition-commit.delay", WR_OPT_DURATION, NULL, 0, 0, NULL, WR_OPT_SINK | WR_OPT_NOT_YET,
     "Flink: delay before committing a partition."},
    {"sink.partition-commit.policy.kind", WR_OPT_STRING, NULL, 0, 0, NULL,
     WR_OPT_SINK | WR_OPT_NOT_YET, "Flink: how a partition is committed (success-file, ...)."},
    {"sink.partition-commit.success-file.name", WR_OPT_STRING, NULL, 0, 0, NULL,
     WR_OPT_SINK | WR_OPT_NOT_YET, "Flink: name of the success file."},
    {"partition.time-extractor.timestamp-pattern", WR_OPT_STRING, NULL, 0, 0, NULL, WR_OPT_NOT_YET,
     "Flink: how partition values become a time."},
    {NULL, 0, NULL, 0, 0, NULL, 0, NULL},
};

const wr_option_table wr_fs_options = {"connector", "filesystem", fs_defs};

int wr_fs_local_path(const char *path, char **out, wr_error *err)
{
    *out = NULL;
    const char *p = path;
    if (strncmp(p, "file://", 7) == 0) {
        p += 7;
        /* file://localhost/x and file:///x */
        if (strncmp(p, "localhost/", 10) == 0) p += 9;
    } else {
        const char *colon = strstr(p, "://");
        if (colon)
            return wr_error_set(err, WR_EUNSUPPORTED, WR_DOMAIN_USER,
                                "option 'path': the scheme of '%s' is not supported yet (only "
                                "local paths and file://)",
                                path);
    }
    if (!*p) return wr_error_set(err, WR_ECONFIG, WR_DOMAIN_USER, "option 'path' is empty");
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    *out = wr_strndup(p, n);
    if (!*out) return wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
    return WR_OK;
}

typedef struct file_list {
    char **v;
    uint32_t n, cap;
} file_list;

static int list_add(file_list *l, char *path)
{
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 16;
        char **v = wr_realloc(l->v, cap * sizeof *v);
        if (!v) return WR_ENOMEM;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = path;
    return WR_OK;
}

static int walk(const char *dir, file_list *l, int depth, wr_error *err)
{
    if (depth > 64)
        return wr_error_set(err, WR_ELIMIT, WR_DOMAIN_USER,
                            "directory '%s' is nested more than 64 levels deep", dir);
    DIR *d = opendir(dir);
    if (!d)
        return wr_error_set(err, WR_EIO, WR_DOMAIN_EXTERNAL, "cannot read directory '%s': %s", dir,
                            strerror(errno));
    int rc = WR_OK;
    struct dirent *e;
    while (rc == WR_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_') continue;
        size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
        char *path = wr_malloc(len);
        if (!path) {
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            break;
        }
        snprintf(path, len, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0) {
            /* Vanished meanwhile, or a dangling link: not a file to read. */
            wr_free(path);
            continue;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = walk(path, l, depth + 1, err);
            wr_free(path);
        } else if (S_ISREG(st.st_mode)) {
            if (list_add(l, path) != WR_OK) {
                wr_free(path);
                rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
            }
        } else {
            wr_free(path);
        }
    }
    closedir(d);
    return rc;
}

static int cmp_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void wr_fs_free_list(char **files, uint32_t nfiles)
{
    for (uint32_t i = 0; i < nfiles; i++)
        wr_free(files[i]);
    wr_free(files);
}

int wr_fs_list_files(const char *root, char ***files, uint32_t *nfiles, wr_error *err)
{
    *files = NULL;
    *nfiles = 0;
    struct stat st;
    if (stat(root, &st) != 0)
        return wr_error_set(err, errno == ENOENT ? WR_ENOENT : WR_EIO, WR_DOMAIN_USER,
                            "option 'path': '%s' %s", root,
                            errno == ENOENT ? "does not exist" : strerror(errno));
    file_list l = {0};
    int rc = WR_OK;
    if (S_ISDIR(st.st_mode)) {
        rc = walk(root, &l, 0, err);
    } else {
        char *p = wr_strdup(root);
        if (!p || list_add(&l, p) != WR_OK) {
            wr_free(p);
            rc = wr_error_set(err, WR_ENOMEM, WR_DOMAIN_INTERNAL, "out of memory");
        }
    }
    if (rc) {
        wr_fs_free_list(l.v, l.n);
        return rc;
    }
    if (l.n > 1) qsort(l.v, l.n, sizeof *l.v, cmp_paths);
    *files = l.v;
    *nfiles = l.n;
    return WR_OK;
}

/* Flink's filesystem connector's readable metadata. */
static const wr_metadata_def fs_readable_metadata[] = {
    {"file.path", WR_TYPE_VARCHAR, 0, true, "Full path of the file the row was read from."},
    {"file.name", WR_TYPE_VARCHAR, 0, true, "Name of the file (the last path segment)."},
    {"file.size", WR_TYPE_BIGINT, 0, true, "Size of the file in bytes."},
    {"file.modification-time", WR_TYPE_TIMESTAMP_LTZ, 3, true, "Modification time of the file."},
    {NULL, 0, 0, false, NULL},
};

const wr_connector_vt wr_connector_filesystem = {
    .abi_version = WR_ABI_VERSION,
    .name = "filesystem",
    .description =
        "Reads and writes files of a local directory in a row format (csv, json). As a "
        "source it reads a file, or every file of a directory tree in path-name order, each "
        "file a split with its own watermark; it ends after the last file. As a sink it writes "
        "part files `part-<uuid>-<subtask>-<n>.<ext>`, first as hidden in-progress files "
        "(`.part-...inprogress`) renamed to their final name when committed: when they roll "
        "(size or age) and when the input ends. The sink is append-only: update and delete "
        "rows fail the job.",
    .options = &wr_fs_options,
    .takes_format = true,
    .make_source = wr_fs_make_source,
    .make_sink = wr_fs_make_sink,
    .readable_metadata = fs_readable_metadata,
};
