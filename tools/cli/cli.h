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
#include "sim/machine.h"

#include "cli_api.h"

/* Prints "mmusim: msg" to stderr; returns EXIT_BAD_INPUT or EXIT_INTERNAL by err->code. */
int cli_fail(const struct mm_error *err);

/* Loads the config, creates the machine and applies --setup / --map in order. */
int cli_build_machine(const struct cli *cli, struct machine **out, struct mm_error *err);
/* Parses a VA given on the command line. */
int cli_parse_va(const char *s, uint64_t *va, struct mm_error *err);

#endif
