/*
 * trace_din: decoder for DineroIV "din" traces, one reference per line:
 *
 *   2 400d7d4        label, blanks, address in hex (an optional 0x)
 *   0 7ffd3a8c       label 0 read, 1 write, 2 instruction fetch;
 *   4 0              every other label (3 escape, 4 flush, ...) is skipped
 *
 * Fields after the address are ignored, as DineroIV ignores them; blank lines
 * are skipped.  Sizes are not recorded (events carry size 0, treated as 1).
 */
#ifndef MMUSIM_SIM_TRACE_DIN_H
#define MMUSIM_SIM_TRACE_DIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"

struct din_decoder {
	uint64_t line; /* lines consumed; after an error, the bad line's number */
};

void din_decoder_init(struct din_decoder *d);

/* Same contract as lackey_decode (trace_lackey.h). */
long din_decode(struct din_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		struct trace_event *ev, size_t max, struct mm_error *err);

/* True if line[0, len) (without '\n') has the shape of a din record: for auto-detection. */
bool din_line_is_record(const char *line, size_t len);

#endif
