/*
 * report_steps: the step-through view of report --html.  The page shows
 * everything without script (each walk's VA as bit fields, its steps in a
 * table, its entries in the tree in its colour); the inline script, when it
 * runs, adds forward/back buttons and arrow keys that go one level of one
 * walk at a time and highlight, in that walk's colour, the VA's bit field of
 * the level, the table's box and the entry in the tree, and the step's row
 * with the entry's bits.  The step shown is in the URL: #step=W.S is walk W
 * (1 = the first --va), step S (1 = the top level's read).
 */
#ifndef MMUSIM_TOOLS_REPORT_STEPS_H
#define MMUSIM_TOOLS_REPORT_STEPS_H

#include <stdint.h>
#include <stdio.h>

#include <mmusim.h>

#include "tree.h"

/* The style of the tree's boxes, the walks' colours and the step-through panel (inside <style>). */
void report_steps_write_style(FILE *out, unsigned nr_walks);
/* The panel: buttons (shown by the script), the step counter and each walk's VA as bit fields. */
void report_steps_write_panel(FILE *out, const mmusim_config *cfg, const uint64_t *va, unsigned nr_walks);
/* The attributes of walk k's (0-based) step i's table row: its id, level and tree row. */
void report_steps_write_step_attrs(FILE *out, const mmusim_config *cfg, const struct tree *t, uint64_t va,
				   unsigned k, unsigned i, const mmusim_walk_step *s);
/* <script> ... </script>: the stepping, self-contained. */
void report_steps_write_script(FILE *out);

#endif
