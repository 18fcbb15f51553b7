/*
 * trace_pinatrace: decoder for the output of Intel Pin's pinatrace example
 * tool, one data access per line, and a last line "#eof":
 *
 *   0x7f3e1c0b2093: W 0x7ffd3a8c3d58      instruction address, ':', R or W,
 *   0x7f3e1c0b209a: R 0x7f3e1c2d1e70      data address (hex, 0x optional)
 *   #eof
 *
 * R is a read and W a write of the data address (the instruction address is
 * not an access: pinatrace does not record fetches).  Fields after the data
 * address (newer pinatrace versions add a size) are ignored; other lines
 * starting with '#' and blank lines are skipped.  The "#eof" line is how a
 * complete trace ends: input that stops without it was cut short, and a
 * record after it is an error.
 */
#ifndef MMUSIM_SIM_TRACE_PINATRACE_H
#define MMUSIM_SIM_TRACE_PINATRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"

struct pinatrace_decoder {
	uint64_t line;  /* lines consumed; after an error, the bad line's number */
	bool saw_eof;   /* the "#eof" line */
};

void pinatrace_decoder_init(struct pinatrace_decoder *d);

/* Same contract as lackey_decode (trace_lackey.h); at eof, a missing "#eof" is an error. */
long pinatrace_decode(struct pinatrace_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		      struct trace_event *ev, size_t max, struct mm_error *err);

/* True if line[0, len) (without '\n') has the shape of a pinatrace record: for auto-detection. */
bool pinatrace_line_is_record(const char *line, size_t len);

#endif
