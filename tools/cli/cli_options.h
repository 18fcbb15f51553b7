/*
 * cli_options: the command line as parsed — the options every command shares
 * (--config, --json, --setup / --map, the image options, --decoder-memory),
 * the replay options of replay, sweep, run and report, the walk request of
 * translate, explain, show and report, and the cursor the commands parse
 * their own arguments with.
 */
#ifndef MMUSIM_TOOLS_CLI_OPTIONS_H
#define MMUSIM_TOOLS_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <mmusim.h>

/* One --setup TRACE or --map 'LINE', kept in command-line order. */
struct setup_item {
	bool is_map;        /* --map or --gmap: a line of that command, not a file */
	bool stage2;        /* --gmap: the stage-2 table's map */
	const char *text;   /* path or map line */
};

struct cli {
	const char *config;         /* --config NAME|FILE (default x86_64) */
	bool json;                  /* --json */
	struct setup_item *setup;   /* --setup / --map in order */
	int nr_setup;
	/*
	 * --image FILE [--image-base PA] with --root PA | --cr3 V | --satp V | --ttbr0 V [--ttbr1 V] [--tcr V],
	 * and for a VM --stage2-root PA | --hgatp V | --eptp V | --ncr3 V | --vttbr V
	 */
	const char *image;
	const char *image_base;
	const char *root;
	const char *stage2_root;    /* --stage2-root: a VM's stage-2 root, a host PA */
	const char *reg[2];         /* root register options (--cr3, --satp, ..., --vttbr): their values */
	const char *reg_name[2];    /* ... and names, as given: the config says which root each selects */
	unsigned nr_regs;
	const char *upper_root_reg; /* --ttbr1: the upper half's root register (AArch64) */
	const char *tcr;            /* --tcr: TCR_EL1, over what the image records (AArch64) */
	uint64_t decoder_memory;    /* --decoder-memory SIZE (0: MMUSIM_DECODER_MEMORY_DEFAULT) */
	const char *threads_map;    /* --threads-to-cpus FILE (replay, sweep): an input, never an output */
};

/*
 * EXIT_OK unless stdin ('-') is named more than once among the --setup files
 * and trace (NULL: none): the first would read it all and the others nothing.
 */
int cli_stdin_once(const struct cli *cli, const char *command, const char *trace);

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
/* True when argv[i] asks for the command's help: --help or -h. */
bool args_help(const struct args *a);
/*
 * Handles --config, --json, --setup, --map, the image options and
 * --decoder-memory; returns 1 if consumed, -1 on error.
 */
int cli_common_option(struct cli *cli, struct args *a);
/* Handles --decoder-memory SIZE alone (for commands that take no other common option). */
int cli_decoder_memory_option(struct cli *cli, struct args *a);
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
/*
 * The OS layer's options (replay, shell): --resident-pages N, --replacement P,
 * --seed S, --clock-flush, --no-clock-flush.  1 taken, 0 not one of them, -1
 * bad (message printed).
 */
int cli_os_option(struct args *a, mmusim_mmu_options *opt);
/*
 * Handles the walk request's options: --access r|w|x, --user, --supervisor,
 * --ac.  Returns 1 if consumed, 0 if argv[i] is none of them, -1 after
 * printing a usage error.
 */
int cli_request_option(mmusim_request *req, struct args *a);
/* Refuses a request option the config's format has no meaning for (--ac without SMAP). */
int cli_check_request(const mmusim_config *cfg, const mmusim_request *req, mmusim_error *err);
/* Refuses a VA (text: as given) wider than the addresses the config's CPU can form. */
int cli_check_va_fits(const mmusim_config *cfg, const char *text, uint64_t va, mmusim_error *err);
/*
 * --interval N (accesses between the rows of a time series, not 0): returns 1
 * if consumed, 0 if argv[i] is not --interval, -1 after printing a usage error.
 */
int cli_interval_option(struct args *a, uint64_t *interval);
/* "r", "w" or "x" as an access; false for anything else. */
bool cli_parse_access(const char *s, enum mmusim_access *access);
/* Parses a VA given on the command line ("bad VA '...'" / "does not fit" messages). */
int cli_parse_va(const char *s, uint64_t *va, mmusim_error *err);
/*
 * argv[i] as the next of the command's VAs (stored, unchecked, in vas[*n]; vas
 * has room for every argument): returns 1, or -1 after the unknown-option
 * error when it is an --option.
 */
int cli_va_operand(struct args *a, const char *command, const char **vas, int *n);
/*
 * Checks each of vas[0, n) with cli_parse_va before anything is built, so
 * bad input costs nothing: EXIT_OK, or EXIT_BAD_INPUT after printing the
 * first bad one.
 */
int cli_check_vas(const char *const *vas, int n);

void cli_free(struct cli *cli);
/* Whether the root register NAME (a config's, e.g. "satp") can be given as --NAME VALUE. */
bool cli_root_register_has_option(const char *name);

#endif
