/*
 * graphviz: rendering DOT text with Graphviz's `dot` program, for show --svg.
 * Graphviz is optional: its absence is a clear error, never a crash.
 */
#ifndef MMUSIM_TOOLS_GRAPHVIZ_H
#define MMUSIM_TOOLS_GRAPHVIZ_H

#include <stdbool.h>
#include <stddef.h>

#include <mmusim.h>

/* True when an executable `dot` is on PATH. */
bool graphviz_available(void);
/*
 * Runs `dot -Tsvg` on the DOT text with its output going to out_fd (`name` in
 * messages); MMUSIM_EIO "NAME: write error: ..." when dot fails.
 */
int graphviz_render_svg(const char *dot, size_t len, int out_fd, const char *name, mmusim_error *err);

#endif
