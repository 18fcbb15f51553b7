/*
 * cli_machine: what the options describe, built over the public API — the
 * config, the machine (the config with --setup / --map applied in order, or
 * the page tables inside --image), its MMU, and the traces it replays.
 */
#ifndef MMUSIM_TOOLS_CLI_MACHINE_H
#define MMUSIM_TOOLS_CLI_MACHINE_H

#include <stdint.h>

#include <mmusim.h>

#include "cli_options.h"

/* The preset a command runs on without --config. */
#define CLI_DEFAULT_CONFIG "x86_64"

/*
 * mmusim_config_load(name), where option ("--config", or NULL for a default
 * name) is where the name came from: "neither a file nor a preset" names it.
 */
int cli_load_config(const char *name, const char *option, mmusim_config **out, mmusim_error *err);
/*
 * The machine the options describe: the config with --setup / --map applied in
 * order, or the page tables inside --image (root from --root, --cr3 / --satp,
 * or the dump's note).  Free with mmusim_machine_destroy.
 */
int cli_open_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err);
/* The machine built from the config and --setup / --map alone (the image options are not looked at). */
int cli_build_machine(const struct cli *cli, mmusim_machine **out, mmusim_error *err);
/* Opens a trace with the options every command shares (--decoder-memory). */
int cli_trace_open(const struct cli *cli, const char *path, enum mmusim_trace_format fmt, mmusim_trace **out,
		   mmusim_error *err);
/* mmusim_mmu_create, then the warm-up of --warmup (0: none). */
int cli_mmu_create(mmusim_machine *m, const mmusim_mmu_options *opt, uint64_t warmup, mmusim_mmu **out,
		   mmusim_error *err);
/*
 * Prints the answer to the i-th VA (from 0): the request and its translation
 * on m; on a virtual machine also the two-stage walk (vm, else NULL), whose
 * combined answer res is.
 */
typedef void cli_translation_printer(void *ctx, mmusim_machine *m, int i, const mmusim_request *req,
				     const mmusim_translation *res, const mmusim_nested_translation *vm);
/*
 * translate and explain: checks every VA of vas[0, n) first (a bad one costs
 * nothing), opens the machine the options describe, walks each VA with req's
 * access and privilege and hands each answer to print.  Returns the exit
 * status, after printing the error if there was one.
 */
int cli_translate_vas(const struct cli *cli, mmusim_request req, const char *const *vas, int n,
		      cli_translation_printer *print, void *ctx);
/*
 * Resolves --demand-paging's size for a machine of config cfg (1 = its base
 * page) and checks it is a page size there.
 */
int cli_demand_page_size(const mmusim_config *cfg, mmusim_mmu_options *opt, mmusim_error *err);
/*
 * Replacement opt: reads the trace's whole future into mmu before the replay
 * (nothing for other policies); stdin is refused, naming `command`.
 */
int cli_read_future(const struct cli *cli, mmusim_mmu *mmu, const char *trace, enum mmusim_trace_format format,
		    const char *command, mmusim_error *err);

#endif
