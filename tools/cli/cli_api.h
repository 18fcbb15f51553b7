/*
 * cli_api: the part of the command line that needs only the public API
 * (include/mmusim.h) — parsed common options, argument cursors, the machine
 * the options describe, output helpers.  Every command is built on the API
 * alone: nothing here or in the commands includes a pt/ or sim/ header.
 *
 * Exit status: 0 success (a fault is an answer), 2 bad input, 1 internal error.
 * Errors go to stderr as one line "mmusim: message".
 */
#ifndef MMUSIM_TOOLS_CLI_API_H
#define MMUSIM_TOOLS_CLI_API_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <mmusim.h>

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
	uint64_t decoder_memory;    /* --decoder-memory SIZE (0: MMUSIM_DECODER_MEMORY_DEFAULT) */
};

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
/*
 * Handles --config, --json, --setup, --map, the image options and
 * --decoder-memory; returns 1 if consumed, -1 on error.
 */
int cli_common_option(struct cli *cli, struct args *a);
/* Handles --decoder-memory SIZE alone (for commands that take no other common option). */
int cli_decoder_memory_option(struct cli *cli, struct args *a);
/* Opens a trace with the options every command shares (--decoder-memory). */
int cli_trace_open(const struct cli *cli, const char *path, enum mmusim_trace_format fmt, mmusim_trace **out,
		   mmusim_error *err);
/*
 * Handles the replay options that replay, sweep, run and report share:
 * --format FMT (only when format is not NULL), --demand-paging[=SIZE] (bare:
 * the base page, resolved later by cli_demand_page_size), --no-auto-flush,
 * --check-stale, --warmup N (into *warmup; cli_mmu_create applies it).
 * Returns 1 if consumed (a->i moves past it), 0 if argv[i] is none of them,
 * -1 after printing a usage error.
 */
int cli_replay_option(struct args *a, enum mmusim_trace_format *format, mmusim_mmu_options *opt,
		      uint64_t *warmup);
/* mmusim_mmu_create, then the warm-up of --warmup (0: none). */
int cli_mmu_create(mmusim_machine *m, const mmusim_mmu_options *opt, uint64_t warmup, mmusim_mmu **out,
		   mmusim_error *err);

/* Prints "mmusim: <fmt>" and returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "mmusim: message" to stderr; returns EXIT_BAD_INPUT. */
int cli_api_fail(const mmusim_error *err);
/* Parses a VA given on the command line ("bad VA '...'" / "does not fit" messages). */
int cli_api_parse_va(const char *s, uint64_t *va, mmusim_error *err);

/*
 * The machine the options describe: the config with --setup / --map applied in
 * order, or the page tables inside --image (root from --root, --cr3 / --satp,
 * or the dump's note).  Free with mmusim_machine_destroy.
 */
int cli_open_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err);
/* The machine built from the config and --setup / --map alone (the image options are not looked at). */
int cli_build_api_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err);

void cli_free(struct cli *cli);

/*
 * The embedded presets / the trace formats, from their tables, joined with
 * sep ("a, b, c"), last before the final name ("a, b or c").
 */
void cli_list_presets(char *buf, size_t len, const char *sep, const char *last);
void cli_list_formats(char *buf, size_t len, const char *sep, const char *last);
/*
 * Writes a help text with "{presets}" (", "-separated), "{formats}" ("a, b or
 * c") and "{formats|}" ("a|b|c") replaced by those lists.
 */
void cli_put_help(const char *text, FILE *out);
/* Prints "bad --format 'name' (expected auto, text, ...)"; returns EXIT_BAD_INPUT. */
int cli_bad_format(const char *name);
/*
 * mmusim_config_load(name), where option ("--config", or NULL for a default
 * name) is where the name came from: "neither a file nor a preset" names it.
 */
int cli_load_config(const char *name, const char *option, mmusim_config **out, mmusim_error *err);
/*
 * Text from inputs (paths, trace lines, config and TLB names) on a terminal
 * (term_text.c): control bytes, C1 controls and bytes that are not UTF-8 are
 * written as \t \n \r or \xNN.  term_width is the columns term_write takes;
 * term_write_padded pads with spaces to width columns.  term_printf escapes
 * the whole formatted text: every error message goes through it.
 */
void term_write(FILE *out, const char *s);
size_t term_width(const char *s);
void term_write_padded(FILE *out, const char *s, size_t width);
void term_vprintf(FILE *out, const char *fmt, va_list ap);
void term_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s as a JSON string literal, quoted and escaped. */
void json_write_str(FILE *out, const char *s);

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
/* One row of the sweep / merge comparison table: a (trace, config) pair. */
struct sweep_row {
	char *trace, *format, *config;   /* malloc'd */
	uint64_t accesses, walks, pte_reads, faults, demand_paged, cycles;
};

/* Copies the names into the row; returns 0 or -1 (out of memory). */
int sweep_row_fill(struct sweep_row *row, const char *trace, const char *format, const char *config);
/* The row's numbers from a replay's statistics. */
void sweep_row_from_stats(struct sweep_row *row, const mmusim_stats *s);
void sweep_rows_free(struct sweep_row *rows, size_t n);
/* The comparison table; the same rows as CSV (with a header line). */
void sweep_table(FILE *out, const struct sweep_row *rows, size_t n);
void sweep_csv(FILE *out, const struct sweep_row *rows, size_t n);

/* Fills err with code and a formatted one-line message; returns code. */
int cli_api_set_error(mmusim_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * Resolves --demand-paging's size for a machine of config cfg (1 = its base
 * page) and checks it is a page size there.
 */
int cli_demand_page_size(const mmusim_config *cfg, mmusim_mmu_options *opt, mmusim_error *err);

struct replay_report_info {
	const char *trace;
	const char *format;
};

#define REPLAY_SUMMARY_MAX_TLBS 8

/* What a replay report shows: the statistics and each TLB's and PWC's counters. */
struct replay_summary {
	const char *config;          /* the config's name */
	bool check_stale;            /* stale hits were counted: show them */
	mmusim_stats stats;
	unsigned nr_tlbs, nr_pwcs;
	mmusim_cache_stats tlb[REPLAY_SUMMARY_MAX_TLBS];
	mmusim_cache_stats pwc[MMUSIM_MAX_LEVELS];
};

/* Fills *r from an mmu over a machine of config cfg. */
void replay_summary_from_mmu(struct replay_summary *r, const mmusim_mmu *mmu, const mmusim_config *cfg,
			     bool check_stale);
/* The statistics of a replay: a readable table, or one JSON object. */
void replay_summary_report(FILE *out, bool json, const struct replay_summary *r,
			   const struct replay_report_info *info);
#endif
