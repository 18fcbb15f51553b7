/*
 * trace_text: the text trace format (.trace), one command per line.
 *
 *   map     VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp] [size=SIZE]   FLAGS: letters of r w x u g a d
 *   unmap   VA LEN
 *   protect VA LEN FLAGS [cache=...]
 *   r VA | load VA      w VA | store VA      x VA | fetch VA
 *   asid N              switch address space (created on first use)
 *   priv user|supervisor
 *   cpu N               the CPU that issues what follows
 *   flush [va VA] [asid N]
 *   poke PA VALUE [1|2|4|8]     write memory (default size: the PTE size)
 *   set-pte VA LEVEL VALUE      replace the entry the walk of VA reads at LEVEL (1 = leaf)
 *   pte VA LEVEL NAME=VALUE...  change fields of that entry (one event per field)
 *   map ... size=4K             every leaf of the map takes that page size
 *   tlbi vmalle1 | aside1 asid N | vae1 va VA asid N | vaae1 va VA
 *        | vale1 va VA asid N | vaale1 va VA   (each also with an "is" suffix)
 *
 * '#' starts a comment; numbers are decimal or 0x-hex; lengths may end in
 * K, M, G or T (binary multiples); '-' in FLAGS is ignored ("rw-u-").
 */
#ifndef MMUSIM_SIM_TRACE_TEXT_H
#define MMUSIM_SIM_TRACE_TEXT_H

#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/page_prop.h"
#include "pt/walk.h"
#include "formats/trace.h"

/* The most events one line makes: a pte line sets up to this many fields, one event each. */
#define TRACE_TEXT_LINE_EVENTS 9

/*
 * Parses one line (modified in place); returns an enum trace_line.  A pte
 * line with more than one field is refused here: trace_parse_line_events.
 */
int trace_parse_line(char *line, struct trace_event *cmd, struct mm_error *err);

/* Parses one line into ev[TRACE_TEXT_LINE_EVENTS]: the number of events (0: blank), or -1 (TRACE_LINE_BAD). */
int trace_parse_line_events(char *line, struct trace_event *ev, struct mm_error *err);

/* Parses FLAGS ("rwxugad", '-' ignored) into prop->flags. */
int trace_parse_flags(const char *s, struct page_prop *prop, struct mm_error *err);

#endif
