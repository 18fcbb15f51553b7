/*
 * cli: what the mmusim subcommands share — parsed common options, building
 * the machine from --config / --setup / --map, and output helpers.
 *
 * Exit status: 0 success (a fault is a successful answer), 2 bad input, 1
 * internal error.  Errors go to stderr as one line "mmusim: message".
 */
#ifndef MMUSIM_TOOLS_CLI_H
#define MMUSIM_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pt/mm_error.h"
#include "sim/image.h"
#include "sim/machine.h"
#include "sim/replay.h"

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2 };

/* One --setup TRACE or --map 'LINE', kept in command-line order. */
struct setup_item {
	bool is_map;
	const char *text;   /* path or map line */
};

struct cli {
	const char *config;         /* --config NAME|FILE (default x86_64) */
	bool json;                  /* --json */
	struct setup_item *setup;   /* --setup / --map in order */
	int nr_setup;
	/* --image FILE [--image-base PA] with --root PA | --cr3 V | --satp V */
	const char *image;
	const char *image_base;
	const char *root;
	const char *root_reg;       /* the --cr3 / --satp value */
	const char *root_reg_name;  /* "cr3" or "satp", as given */
};

/*
 * What translate and mappings look at: the machine built from --setup/--map,
 * or the page tables inside a physical-memory image (--image).
 */
struct view {
	struct machine_config cfg;
	struct machine *m;          /* the built machine; NULL for an image */
	struct image *img;
	struct pt_mem img_mem;
	struct walker walker;
	uint64_t root;              /* root of the address space looked at */
	struct page_table *pt;      /* the same, for iteration */
	struct page_table *attached;
};

int cli_open_view(const struct cli *cli, struct view *v, struct mm_error *err);
void cli_close_view(struct view *v);

/* Argument cursor over one command's arguments. */
struct args {
	int argc;
	char **argv;
	int i;
};

/*
 * If argv[i] is `--name VALUE` or `--name=VALUE`, consumes it, sets *value and
 * returns 1; returns -1 (with a message printed) when the value is missing;
 * 0 when argv[i] is not this option.
 */
int args_value(struct args *a, const char *name, const char **value);
/* Consumes argv[i] when it is exactly `--name`. */
bool args_flag(struct args *a, const char *name);
/* Handles --config, --json, --setup, --map; returns 1 if consumed, -1 on error. */
int cli_common_option(struct cli *cli, struct args *a);

/* Prints "mmusim: msg" to stderr; returns EXIT_BAD_INPUT or EXIT_INTERNAL by err->code. */
int cli_fail(const struct mm_error *err);
/* Prints "mmusim: <fmt>" and returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads the config, creates the machine and applies --setup / --map in order. */
int cli_build_machine(const struct cli *cli, struct machine **out, struct mm_error *err);
void cli_free(struct cli *cli);

/* Writes s as a JSON string literal, quoted and escaped. */
void json_write_str(FILE *out, const char *s);

/* Parses a VA given on the command line. */
int cli_parse_va(const char *s, uint64_t *va, struct mm_error *err);

/* "4K", "2M", "1G", "64K", or the byte count when it is not a round unit. */
void format_size(uint64_t bytes, char *buf, size_t len);
/* A page size in words: "64-byte" below a round K, else as format_size ("4K", "2M"). */
void format_page_size(uint64_t bytes, char *buf, size_t len);

int cmd_translate(struct cli *cli, struct args *a);
int cmd_mappings(struct cli *cli, struct args *a);
int cmd_replay(struct cli *cli, struct args *a);
int cmd_convert(struct cli *cli, struct args *a);
int cmd_dump(struct cli *cli, struct args *a);
int cmd_explain(struct cli *cli, struct args *a);
int cmd_show(struct cli *cli, struct args *a);
int cmd_report(struct cli *cli, struct args *a);
int cmd_sweep(struct cli *cli, struct args *a);
int cmd_run(struct cli *cli, struct args *a);
int cmd_merge(struct cli *cli, struct args *a);
int cmd_quiz(struct cli *cli, struct args *a);
int cmd_shell(struct cli *cli, struct args *a);
/* Writes the machine's physical memory and every address space's root as ELF64. */
int dump_machine(struct machine *m, const char *path, struct mm_error *err);

struct replay_report_info {
	const char *trace;
	const char *format;
};

/* The statistics of a replay: a readable table, or one JSON object. */
void replay_report(FILE *out, bool json, const struct replay *r, const struct replay_report_info *info);

/* Checks --demand-paging's size against the machine (1 = its base page); sets it. */
int cli_resolve_demand_size(const struct machine *m, struct replay_options *opt, struct mm_error *err);

/* One row of the sweep / merge comparison table: a (trace, config) pair. */
struct sweep_row {
	char *trace, *format, *config;   /* malloc'd */
	uint64_t accesses, walks, pte_reads, faults, demand_paged, cycles;
};

/* Copies the names into the row; returns 0 or -1 (out of memory). */
int sweep_row_fill(struct sweep_row *row, const char *trace, const char *format, const char *config);
/* The row's numbers from a replay's statistics. */
void sweep_row_from_stats(struct sweep_row *row, const struct mmu_stats *s);
void sweep_rows_free(struct sweep_row *rows, size_t n);
/* The comparison table; the same rows as CSV (with a header line). */
void sweep_table(FILE *out, const struct sweep_row *rows, size_t n);
void sweep_csv(FILE *out, const struct sweep_row *rows, size_t n);

/* Writes the --explain text for one walk. */
void explain_walk(FILE *out, const struct machine_config *cfg, const struct walk_request *req,
		  const struct walk_result *res);
#endif
