/*
 * cli_output: how every command writes files and standard output.
 *
 * Files go through mmusim_output (include/mmusim.h): a temporary file beside
 * the target, renamed into place only when everything was written, so an
 * error never leaves a partial file and never destroys what had the name.
 * An output that names one of the command's inputs (the same file by device
 * and inode: through a symbolic or hard link too) is refused before anything
 * is read.  Standard output is checked once at exit; a failed write there is
 * exit status 1 with one line on stderr, except EPIPE (the reader went away,
 * as in `mmusim replay t | head`): that ends quietly, as SIGPIPE would have.
 */
#ifndef MMUSIM_TOOLS_CLI_OUTPUT_H
#define MMUSIM_TOOLS_CLI_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

#include <mmusim.h>

#include "cli_options.h"

/*
 * EXIT_OK if output (NULL and "-" pass) is none of inputs[0, n) and none of
 * the common options' files (--config FILE, --setup, --image); otherwise
 * prints "OUTPUT: is also an input (INPUT): choose another output file" and
 * returns EXIT_BAD_INPUT.  NULL and "-" inputs are skipped.
 */
int cli_output_check(const struct cli *cli, const char *output, const char *const *inputs, size_t n);
/*
 * EXIT_OK unless two of a command's outputs paths[0, n) (NULL and "-" skipped;
 * options[i] is the option that named paths[i]) are one file, which would end
 * up holding only one of them: then prints "COMMAND: OPT_A and OPT_B name the
 * same file 'PATH': one would overwrite the other" and returns EXIT_BAD_INPUT.
 * A device or FIFO (/dev/null) may be shared.
 */
int cli_outputs_distinct(const char *command, const char *const *options, const char *const *paths, size_t n);
/*
 * True when outputs a and b would replace one file: the same regular file (through a
 * link too) or, before either exists, the same name in the same folder. A device or
 * FIFO is never the same output: it is written directly.
 */
bool cli_same_output(const char *a, const char *b);
/*
 * EXIT_OK unless path is "-" for an output of a command that prints its own
 * report on standard output (the two would be one stream): then prints "COMMAND:
 * OPTION - would mix WHAT with the PRINTED on standard output: give a file".  A
 * path that is the file or pipe standard output goes to (not a device) is refused too.
 */
int cli_output_not_stdout(const char *command, const char *option, const char *path, const char *what,
			  const char *printed);
/*
 * cli_output_check, then mmusim_output_open; returns EXIT_OK with *out set,
 * or the exit status after printing the error (2: refused or cannot create).
 */
int cli_output_open(const struct cli *cli, const char *path, const char *const *inputs, size_t n,
		    mmusim_output **out);
/* mmusim_output_commit; EXIT_OK, or EXIT_INTERNAL after printing the write error. */
int cli_output_commit(mmusim_output *o);
/*
 * The end of a command that wrote o (NULL: none): commits it when rc is
 * EXIT_OK (and returns cli_output_commit's status), otherwise aborts it
 * and returns rc — a command that failed leaves no file, since a shorter
 * one would pass for complete.
 */
int cli_output_finish(mmusim_output *o, int rc);
/*
 * Prints a library error about an output file; returns EXIT_INTERNAL for a
 * write error (the disk's fault), EXIT_BAD_INPUT for a path that cannot be
 * created (the user's).
 */
int cli_output_fail(const mmusim_error *err);

/*
 * Makes descriptors 0-2 refer to something: a closed one is opened on
 * /dev/null read-only, so no file we open takes its number (a closed stdout
 * would otherwise become the first output file) and writes to it fail.
 */
void cli_guard_std_fds(void);
/* The exit status after checking stdout's writes: rc, or EXIT_INTERNAL with "<stdout>: write error: ...". */
int cli_stdout_finish(int rc);

/* Prints the trace's warning, if it has one, as "mmusim: PATH: warning: ..." (after reading it). */
void cli_trace_warn(const mmusim_trace *t, const char *path);

#endif
