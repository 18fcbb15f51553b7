/*
 * trace_drmemtrace: decoder for DynamoRIO drmemtrace traces in the *final*
 * format (what `drrun -t drcachesim -offline` post-processing, raw2trace,
 * writes: one file per thread, often .trace.gz or .trace.zst), 64-bit only.
 * The file is a stream of 12-byte little-endian trace_entry_t records
 * (DynamoRIO clients/drcachesim/common/trace_entry.h):
 *
 *   offset  size  field
 *        0     2  type   (trace_type_t)
 *        2     2  size   (access size, instruction length, marker kind)
 *        4     8  addr   (address, pc, thread id, marker value, version)
 *
 * The first record is a header (type 25) whose addr is the trace version: 2
 * to 6 are read (their records have this layout; 6, DynamoRIO 10's, adds only
 * markers around system calls), others are refused.  Reads
 * (0) become read accesses, writes (1) write accesses, instruction fetches
 * (10-16, 31, 48, 49, and the online 30) exec accesses, each with its size.
 * Thread records (22) switch CPU: thread ids get CPUs 0, 1, ... in order of
 * appearance (at most MMU_MAX_CPUS threads); a one-thread trace has no CPU
 * event.  Prefetches, cache flushes, fetch-less instructions (29), encodings,
 * pids, thread exits, markers and the footer are skipped.  Instruction
 * bundles (17, online traces only) and unknown types are errors that name
 * the record.  The raw offline format (offline_entry_t, which needs the
 * module map to decode) and 32-bit traces are not read.  Every event carries
 * its record number (from 1, the header's) as its line.
 */
#ifndef MMUSIM_FORMATS_TRACE_DRMEMTRACE_H
#define MMUSIM_FORMATS_TRACE_DRMEMTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"
#include "sim/mmu.h"

#define DRMEMTRACE_RECORD 12
#define DRMEMTRACE_TYPE_HEADER 25
#define DRMEMTRACE_VERSION_MIN 2
#define DRMEMTRACE_VERSION_MAX 6

struct drmemtrace_decoder {
	uint64_t record;       /* records decoded */
	uint64_t err_offset;   /* after an error: the byte offset it names */
	uint32_t cpu;          /* the CPU the last thread record chose */
	uint32_t nr_threads;   /* distinct thread ids seen */
	uint64_t thread_ids[MMU_MAX_CPUS]; /* thread_ids[i] runs on CPU i */
};

void drmemtrace_decoder_init(struct drmemtrace_decoder *d);

/* Same contract as champsim_decode (trace_champsim.h): whole records only, a partial one an error at eof. */
long drmemtrace_decode(struct drmemtrace_decoder *d, const unsigned char *buf, size_t len, bool eof,
		       uint64_t base, size_t *used, struct trace_event *ev, size_t max, struct mm_error *err);

/*
 * For auto-detection: 1 if buf[0, len) starts with a drmemtrace header record
 * (type 25, a version below 65536), 0 if not, -1 if more input is needed.
 */
int drmemtrace_sniff(const unsigned char *buf, size_t len, bool eof);

#endif
