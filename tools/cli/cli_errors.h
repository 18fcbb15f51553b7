/*
 * cli_errors: how the command line fails.  Exit status 0 is success (a fault
 * is an answer), 2 bad input, 1 internal or I/O error; each error is one line
 * "mmusim: message" on stderr, escaped for the terminal (term_text.h).
 */
#ifndef MMUSIM_TOOLS_CLI_ERRORS_H
#define MMUSIM_TOOLS_CLI_ERRORS_H

#include <mmusim.h>

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2 };

/* Prints "mmusim: <fmt>" and returns EXIT_BAD_INPUT. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "mmusim: COMMAND: unknown option 'ARG' (see mmusim COMMAND --help)"; returns EXIT_BAD_INPUT. */
int cli_unknown_option(const char *command, const char *arg);
/* Prints "mmusim: <err's message>"; returns EXIT_BAD_INPUT. */
int cli_fail(const mmusim_error *err);
/* Fills err (when not NULL) with code and a formatted one-line message; returns code. */
int cli_set_error(mmusim_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
