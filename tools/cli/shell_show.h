/* shell_show: the shell's `show [--depth N] [--range START-END]`, the tree of `mmusim show`. */
#ifndef MMUSIM_CLI_SHELL_SHOW_H
#define MMUSIM_CLI_SHELL_SHOW_H

#include <stdio.h>

#include <mmusim.h>

/*
 * Draws the current address space's page-table tree as `mmusim show` does
 * (tree_text.c); argv[0] is "show", the rest its options.  MMUSIM_EINVAL
 * with show's message for a bad option.
 */
int shell_show(FILE *out, mmusim_machine *m, int argc, char **argv, mmusim_error *err);

#endif
