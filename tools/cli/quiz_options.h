/*
 * quiz_options: `mmusim quiz`'s knobs (question kinds, mappings, density,
 * page sizes, memory, VA width, TLB geometry, replacement) read from the
 * command line and checked, the config they derive from the preset, and the
 * student and instructor files.
 */
#ifndef MMUSIM_TOOLS_CLI_QUIZ_OPTIONS_H
#define MMUSIM_TOOLS_CLI_QUIZ_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli_options.h"
#include "quiz_gen.h"

struct quiz_opts {
	uint64_t seed;
	bool have_seed;
	bool answers;
	bool tree;
	bool json;
	const char *config;          /* the config the quiz was generated on, as given */
	const char *student, *instructor;
	const char *page_sizes;      /* --page-sizes as given, checked against the config */
	uint64_t memory;             /* --memory, 0: the config's */
	unsigned va_bits;            /* --va-bits, 0: the config's */
	char *base_yaml;             /* "extends: PRESET" and the knobs, when the config is a preset */
	struct quiz_params params;
};

void quiz_opts_init(struct quiz_opts *o);
/* One of the knobs above at a->i: 1 consumed, -1 bad (message printed), 0 not one. */
int quiz_parse_option(struct args *a, struct quiz_opts *o);
/* The checks between options (EXIT_OK or EXIT_BAD_INPUT with a message printed). */
int quiz_check_options(const struct quiz_opts *o);
/* Loads o->config (a file when is_file), with --memory and --va-bits applied to a preset. */
int quiz_load_config(struct quiz_opts *o, bool is_file, mmusim_config **cfg, mmusim_error *err);
/* The knobs that depend on the config (page sizes, clock's A bit) into o->params. */
int quiz_options_params(struct quiz_opts *o, const mmusim_config *cfg, mmusim_error *err);
/* Prints the quiz to stdout, or the student's and instructor's files; an exit status. */
int quiz_write_all(const struct quiz *q, const struct quiz_opts *o,
		   void (*print_text)(FILE *out, const struct quiz *q, const struct quiz_opts *o));

#endif
