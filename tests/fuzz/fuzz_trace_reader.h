/*
 * fuzz_trace_reader: the body shared by the trace reader targets (fuzz_lackey,
 * fuzz_binary, fuzz_champsim, fuzz_din, fuzz_pinatrace, fuzz_compressed).
 *
 * Writes the input to the per-process memfd, opens it with
 * trace_reader_open_limited(path, fmt, FUZZ_DECODER_MEMORY) (AUTO: any
 * detected format) and drains it with trace_reader_next() in small batches
 * (so batch boundaries fall mid-stream) until the end or an error.
 * The reader's documented contract is checked: a count within the batch,
 * -1 only with a message, offsets never past the size.
 */
#ifndef MMUSIM_TESTS_FUZZ_FUZZ_TRACE_READER_H
#define MMUSIM_TESTS_FUZZ_FUZZ_TRACE_READER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "pt/mm_error.h"
#include "formats/trace.h"
#include "sim/machine.h"

#define FUZZ_BATCH 7
/* Bounds the work per input (a ChampSim record yields at most 7 events, a compressed one many). */
#define FUZZ_MAX_CALLS 1000000
/*
 * A decoder limit far below the default, so that ordinary xz presets and zstd
 * levels cross it too and the over-limit path is explored, not only the
 * crafted headers of the dictionary.
 */
#define FUZZ_DECODER_MEMORY ((uint64_t)16 << 20)

static int fuzz_trace_reader(const uint8_t *data, size_t size, enum trace_format fmt)
{
	struct trace_event ev[FUZZ_BATCH];
	struct trace_reader *r = NULL;
	struct mm_error err = { 0 };
	const char *path = fuzz_file_put(data, size);
	long n;

	if (trace_reader_open_limited(path, fmt, FUZZ_DECODER_MEMORY, &r, &err) != MM_OK) {
		if (r || memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	if (fmt != TRACE_FORMAT_AUTO && trace_reader_format(r) != fmt)
		abort();
	for (unsigned long calls = 0; calls < FUZZ_MAX_CALLS; calls++) {
		n = trace_reader_next(r, ev, FUZZ_BATCH, &err);
		if (n < -1 || n > FUZZ_BATCH)
			abort(); /* outside the documented results */
		if (trace_reader_size(r) && trace_reader_offset(r) > trace_reader_size(r))
			abort(); /* consumed more than the file holds */
		if (n <= 0)
			break;
		for (long i = 0; i < n; i++)
			if (ev[i].op > TRACE_PTE_FIELD || (ev[i].op == TRACE_FLUSH && !flush_scope_valid(ev[i].scope)) ||
			    (ev[i].op == TRACE_THREAD && ev[i].n > TRACE_THREAD_MAX) ||
			    (ev[i].op == TRACE_GFLUSH && ev[i].n > GFLUSH_SCOPE_LAST) ||
			    (ev[i].op == TRACE_VM && ev[i].n >= MACHINE_NR_VMS) ||
			    (ev[i].op == TRACE_MMAP && ev[i].n > 1) ||
			    (ev[i].op == TRACE_POKE && ev[i].size != 0 && ev[i].size != 1 && ev[i].size != 2 &&
			     ev[i].size != 4 && ev[i].size != 8))
				abort(); /* an event no consumer knows */
	}
	if (n == -1 && memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
		abort();
	trace_reader_close(r);
	return 0;
}

#endif
