/* cmd_help.c - `weir help [TOPIC]` and `weir version`. The configuration topic is generated
 * from the settings table, so it can never disagree with what `--set` accepts. */
#include "main/main.h"

#include <stdio.h>
#include <string.h>

int wr_cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("weir %s\n", WEIR_VERSION);
    return WR_EXIT_OK;
}

int wr_cmd_help(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "config") == 0) {
        wr_buf b;
        wr_buf_init(&b);
        if (wr_config_doc_markdown(&b) != WR_OK) {
            wr_buf_free(&b);
            return WR_EXIT_FAILED;
        }
        fputs(b.ptr, stdout);
        wr_buf_free(&b);
        return WR_EXIT_OK;
    }
    if (argc >= 2) {
        wr_main_error("no help topic '%s' (topics: config)", argv[1]);
        return WR_EXIT_USAGE;
    }
    fputs("weir - stream processing with Flink SQL semantics, in one binary\n"
          "\n"
          "  weir run FILE.sql [--set KEY=VALUE]... [--parallelism N]\n"
          "  weir explain FILE.sql [--set KEY=VALUE]... [--parallelism N]\n"
          "  weir sql [--set KEY=VALUE]... [--parallelism N]\n"
          "            the interactive shell (a script when piped in)\n"
          "  weir demo [--rows N] [--rate R] [--keys K] [--seed S] [--parallelism N]\n"
          "            [--sink print|blackhole] [--json] [--stats]\n"
          "  weir help config      every setting accepted by --set\n"
          "  weir version\n"
          "\n"
          "Exit status: 0 success, 1 the job failed, 2 usage/SQL/configuration error.\n",
          stdout);
    return WR_EXIT_OK;
}
