/*
 * cli_lists: the names help texts and error messages list (the embedded
 * presets, the trace formats), read from the tables they live in, so that no
 * hand-written list can fall behind a new preset or format.
 */
#ifndef MMUSIM_TOOLS_CLI_LISTS_H
#define MMUSIM_TOOLS_CLI_LISTS_H

#include <stddef.h>
#include <stdio.h>

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

#endif
