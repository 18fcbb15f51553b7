/*
 * sweep_csv_dir: `sweep --interval N --csv-dir DIR`, the interval CSV of every
 * (trace, config) replay of a sweep, each exactly what `replay --interval N
 * --csv FILE` writes for that config and trace.  They are DIR/0001.csv,
 * DIR/0002.csv ... numbered in the table's row order (trace by trace, config
 * by config): the numbers --emit-jobs gives its results.  Like every file
 * mmusim writes, each appears whole or not at all: a replay that stopped at
 * an error leaves none.
 */
#ifndef MMUSIM_TOOLS_SWEEP_CSV_DIR_H
#define MMUSIM_TOOLS_SWEEP_CSV_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include <mmusim.h>

#include "cli_options.h"

/*
 * Makes sure dir is a directory the CSVs can be written to, creating it (one
 * level, as mkdir does) when missing (*created then true: a sweep that fails
 * removes it again if it is still empty).  EXIT_OK, or EXIT_BAD_INPUT after
 * printing why not.
 */
int sweep_csv_dir_prepare(const char *dir, bool *created);

/*
 * Opens the CSV of row number `row` (counted from 1) in dir, refusing a name
 * that is one of the traces, the configs or the common options' files.
 * EXIT_OK with *out set, or the exit status after printing the error.
 */
/*
 * EXIT_OK unless one of the rows' CSVs in dir (rows of them) is a symbolic
 * link (in a shared folder, a link planted under a name sweep writes would
 * send the CSV over any file its target names), or the sweep's --csv FILE
 * (NULL: none) is one of them, where one would overwrite the other.
 */
int sweep_csv_dir_check(const char *dir, size_t rows, const char *csv);
int sweep_csv_dir_open(const struct cli *cli, const char *dir, size_t row, const char *const *traces,
		       size_t nr_traces, const char *const *configs, size_t nr_configs, mmusim_output **out);

#endif
