/*
 * trace_text: the text trace format (.trace), one command per line.
 *
 *   map     VA PA LEN FLAGS [cache=wb|wt|uc|wc|wp]   FLAGS: letters of r w x u g a d
 *   unmap   VA LEN
 *   protect VA LEN FLAGS [cache=...]
 *   r VA | load VA      w VA | store VA      x VA | fetch VA
 *   asid N              switch address space (created on first use)
 *   priv user|supervisor
 *   cpu N               the CPU that issues what follows
 *   flush [va VA] [asid N]
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

/* Parses one line (modified in place); returns an enum trace_line. */
int trace_parse_line(char *line, struct trace_event *cmd, struct mm_error *err);

/* Parses FLAGS ("rwxugad", '-' ignored) into prop->flags. */
int trace_parse_flags(const char *s, struct page_prop *prop, struct mm_error *err);

#endif
