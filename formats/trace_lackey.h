/*
 * trace_lackey: decoder for Valgrind lackey output
 * (`valgrind --tool=lackey --trace-mem=yes`), one record per line:
 *
 *   I  0400d7d4,8        instruction fetch: 'I' in column 0, two spaces
 *    L 1ffefffb28,8      load
 *    S 1ffefffb28,8      store
 *    M 0421c7f0,4        modify: a load then a store of the same bytes
 *   ==12345== ...        valgrind's own messages: skipped, as are blank lines
 *
 * Addresses are hex without 0x, sizes decimal 1..512 (lackey's MAX_DSIZE).  An M record becomes two
 * events, read then write.  Page-crossing accesses are left to replay.
 *
 * The decoder works on a caller-owned byte window (the reader's read
 * buffer) and never copies a line: the common record is parsed in one pass
 * with table-driven hex, so a line costs a few nanoseconds.
 */
#ifndef MMUSIM_SIM_TRACE_LACKEY_H
#define MMUSIM_SIM_TRACE_LACKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"

struct lackey_decoder {
	uint64_t line;                /* lines consumed; after an error, the bad line's number */
	bool has_pending;             /* the write half of an M that did not fit in the batch */
	struct trace_event pending;
	/* ==PID== lines: the first process's, and a message when another's come too (a forked child). */
	uint64_t pid;
	char other_process[256];
};

void lackey_decoder_init(struct lackey_decoder *d);

/*
 * Decodes the lines in buf[0, len) into at most max events.  Only complete
 * lines are consumed, unless eof says buf reaches the end of the input (then
 * a last line without '\n' counts too).  Sets *used to the bytes consumed and
 * returns the number of events.  A malformed line stops the batch before it;
 * when it is the first thing in the batch, returns EVENT_SOURCE_FAILED with the message (no
 * file:line prefix) in *err and d->line set to its line number.
 */
long lackey_decode(struct lackey_decoder *d, const char *buf, size_t len, bool eof, size_t *used,
		   struct trace_event *ev, size_t max, struct mm_error *err);

/*
 * True if line[0, len) is a valgrind message line, skipped: "==PID== ..." (the
 * user's), "--PID-- ..." (debug and warnings, e.g. an unhandled syscall) or
 * "**PID** ..." (the client's), as valgrind's m_libcprint.c prefixes them;
 * or lackey's own "SB ADDR" (--trace-superblocks=yes: a superblock entered).
 */
bool lackey_line_is_message(const char *line, size_t len);

/* True if line[0, len) (without '\n') has the shape of a lackey record: for auto-detection. */
bool lackey_line_is_record(const char *line, size_t len);

#endif
