/*
 * trace_binary: mmusim's compact binary trace format, decoder side (the
 * writer is trace_writer_* in trace.h).  Full description: traces/README.md.
 *
 *   header   8-byte magic 89 'M' 'M' 'U' 'T' 'R' 'C' 0a, u32 version (1),
 *            u32 flags (bit 0: the file ends with an end record); little-endian
 *   records  one tag byte, then the fields the tag calls for
 *   end      0x8f, varint: the number of records before it; nothing may follow
 *
 *   tag 0kkzssss   access.  kk: 0 read, 1 write, 2 exec, 3 modify (a read
 *                  then a write: two events).  z=1: the VA is the predicted
 *                  one, no delta follows; z=0: a zigzag LEB128 delta from the
 *                  prediction follows.  ssss: size 0..12, 13 = 16, 14 = 32,
 *                  15 = a size byte follows.  Predictions: an exec VA is
 *                  predicted at the end of the previous fetch (va + size), a
 *                  read/write/modify VA at the previous data VA; both start at 0.
 *   0x80 map       va pa len flags (LEB128) cache (byte)
 *   0x81 unmap     va len
 *   0x82 protect   va len flags cache
 *   0x83 asid N    0x84 priv P (byte)    0x85 cpu N
 *   0x86 flush     0x87 flush va VA      0x88 flush asid N    0x89 flush va VA asid N
 *   0x91 flush S [va VA] [asid N]: S a byte, enum flush_scope | flush modifiers (tlbi)
 *   0x8f end       records (see above)
 *
 * With flag bit 0 a missing or wrong end record is an error, so a file cut
 * anywhere is caught; files written before the flag existed (flags 0) end at
 * any record boundary and are read with a warning.
 *
 * A sequential fetch is 1 byte, a typical access 2-4.
 */
#ifndef MMUSIM_SIM_TRACE_BINARY_H
#define MMUSIM_SIM_TRACE_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"

#define TRACE_BINARY_MAGIC "\x89MMUTRC\n"
#define TRACE_BINARY_MAGIC_LEN 8
#define TRACE_BINARY_HEADER_LEN 16
#define TRACE_BINARY_VERSION 1u
#define TRACE_BINARY_FLAG_END 1u  /* the file ends with an end record */

struct binary_decoder {
	bool header_done;
	bool has_end;      /* the header's TRACE_BINARY_FLAG_END: the file must end with an end record */
	bool ended;        /* the end record has been read: nothing may follow */
	bool no_end;       /* reached the end of a file without an end record (flags 0): warn */
	uint64_t record;   /* records decoded: the `line` of the next event is record + 1 */
	uint64_t pred[2];  /* predicted VA: [0] data accesses, [1] instruction fetches */
	uint64_t err_offset; /* after an error: the byte offset it names */
	bool has_pending;  /* the write half of a modify record that did not fit */
	struct trace_event pending;
};

void binary_decoder_init(struct binary_decoder *d);

/*
 * Decodes the records in buf[0, len), which starts at byte `base` of the
 * file, into at most max events.  Only complete records are consumed; a
 * record cut off by the end of the window is an error only when eof.  Sets
 * *used and returns the number of events.  Damage stops the batch before the
 * bad record; when it is the first thing in the batch, returns EVENT_SOURCE_FAILED with the
 * message (no prefix) in *err and d->err_offset set.
 */
long binary_decode(struct binary_decoder *d, const unsigned char *buf, size_t len, bool eof, uint64_t base,
		   size_t *used, struct trace_event *ev, size_t max, struct mm_error *err);

/* True if buf[0, len) starts with the magic. */
bool binary_has_magic(const void *buf, size_t len);

#endif
