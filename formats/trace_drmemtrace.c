/*
 * trace_drmemtrace: DynamoRIO drmemtrace final-format decoder (see
 * trace_drmemtrace.h).
 *
 * A record yields at most one event, so no record ever waits for the next
 * batch.  Thread ids are looked up linearly: thread records come once per
 * scheduling quantum or file, not per access, so the hit path is the switch.
 */
#include "trace_drmemtrace.h"

#include <string.h>

#include "pt/walk.h"
#include "sim/byteorder.h"

/* trace_type_t values, DynamoRIO clients/drcachesim/common/trace_entry.h. */
enum drmemtrace_type {
	TYPE_READ = 0,
	TYPE_WRITE = 1,
	TYPE_PREFETCH_FIRST = 2,       /* prefetch .. prefetch_instr: 2-9 */
	TYPE_PREFETCH_LAST = 9,
	TYPE_INSTR = 10,               /* instr, jumps, calls, return: 10-16 */
	TYPE_INSTR_RETURN = 16,
	TYPE_INSTR_BUNDLE = 17,
	TYPE_DATA_FLUSH_END = 21,      /* instr/data flush (+ end): 18-21 */
	TYPE_THREAD = 22,
	TYPE_THREAD_EXIT = 23,
	TYPE_PID = 24,
	TYPE_HEADER = DRMEMTRACE_TYPE_HEADER,
	TYPE_FOOTER = 26,
	TYPE_HARDWARE_PREFETCH = 27,
	TYPE_MARKER = 28,
	TYPE_INSTR_NO_FETCH = 29,
	TYPE_INSTR_MAYBE_FETCH = 30,
	TYPE_INSTR_SYSENTER = 31,
	TYPE_PREFETCH_NT_FIRST = 32,   /* the architecture-neutral prefetches: 32-46 */
	TYPE_PREFETCH_WRITE_L3_NT = 46,
	TYPE_ENCODING = 47,
	TYPE_INSTR_TAKEN_JUMP = 48,
	TYPE_INSTR_UNTAKEN_JUMP = 49,
};

enum { OFF_TYPE = 0, OFF_SIZE = 2, OFF_ADDR = 4 };

void drmemtrace_decoder_init(struct drmemtrace_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

/* What a record type becomes: an access kind, nothing, or an error. */
enum record_kind { KIND_ACCESS, KIND_THREAD, KIND_SKIP, KIND_BUNDLE, KIND_UNKNOWN };

static enum record_kind classify(unsigned type, unsigned *access)
{
	if (type == TYPE_READ) {
		*access = ACCESS_READ;
		return KIND_ACCESS;
	}
	if (type == TYPE_WRITE) {
		*access = ACCESS_WRITE;
		return KIND_ACCESS;
	}
	if ((type >= TYPE_INSTR && type <= TYPE_INSTR_RETURN) || type == TYPE_INSTR_SYSENTER ||
	    type == TYPE_INSTR_MAYBE_FETCH || type == TYPE_INSTR_TAKEN_JUMP || type == TYPE_INSTR_UNTAKEN_JUMP) {
		*access = ACCESS_EXEC;
		return KIND_ACCESS;
	}
	if (type == TYPE_THREAD)
		return KIND_THREAD;
	if (type == TYPE_INSTR_BUNDLE)
		return KIND_BUNDLE;
	/* Prefetches do not fault and a trace's flushes are of caches, not TLBs: neither is replayed. */
	if ((type >= TYPE_PREFETCH_FIRST && type <= TYPE_PREFETCH_LAST) ||
	    (type > TYPE_INSTR_BUNDLE && type <= TYPE_DATA_FLUSH_END) || type == TYPE_THREAD_EXIT ||
	    type == TYPE_PID || type == TYPE_HEADER || type == TYPE_FOOTER || type == TYPE_HARDWARE_PREFETCH ||
	    type == TYPE_MARKER || type == TYPE_INSTR_NO_FETCH ||
	    (type >= TYPE_PREFETCH_NT_FIRST && type <= TYPE_PREFETCH_WRITE_L3_NT) || type == TYPE_ENCODING)
		return KIND_SKIP;
	return KIND_UNKNOWN;
}

/* The record's size, all 16 bits of it: an XSAVE area or an AMX tile passes 255 bytes. */
static uint16_t access_size(const unsigned char *p)
{
	return (uint16_t)load_le(p + OFF_SIZE, 2);
}

/* The number of thread id tid (0, 1, ... in order of first appearance); -1 past MMU_MAX_CPUS threads. */
static long cpu_of_thread(struct drmemtrace_decoder *d, uint64_t tid)
{
	for (uint32_t i = 0; i < d->nr_threads; i++)
		if (d->thread_ids[i] == tid)
			return (long)i;
	if (d->nr_threads == MMU_MAX_CPUS)
		return -1;
	d->thread_ids[d->nr_threads] = tid;
	return (long)d->nr_threads++;
}

static long fail(struct drmemtrace_decoder *d, uint64_t offset, size_t off, size_t *used)
{
	d->err_offset = offset;
	*used = off;
	return EVENT_SOURCE_FAILED;
}

long drmemtrace_decode(struct drmemtrace_decoder *d, const unsigned char *buf, size_t len, bool eof,
		       uint64_t base, size_t *used, struct trace_event *ev, size_t max, struct mm_error *err)
{
	size_t off = 0, n = 0;

	while (n < max) {
		const unsigned char *p = buf + off;
		unsigned type, access = 0;
		uint64_t addr, record;

		if (len - off < DRMEMTRACE_RECORD) {
			if (!eof || off == len || n > 0)
				break; /* an error comes next call, after these events */
			mm_error_set(err, MM_EINVAL, "truncated record (%zu of %u bytes)", len - off, DRMEMTRACE_RECORD);
			return fail(d, base + off, off, used);
		}
		type = (unsigned)load_le(p + OFF_TYPE, 2);
		addr = load_le(p + OFF_ADDR, 8);
		record = d->record + 1;
		if (d->record == 0) {
			if (type != TYPE_HEADER) {
				if (n > 0)
					break;
				mm_error_set(err, MM_EINVAL,
					     "record 1 is of type %u, not a header (type %u): not a drmemtrace final trace "
					     "(a raw offline trace needs DynamoRIO's raw2trace first)",
					     type, TYPE_HEADER);
				return fail(d, base + off, off, used);
			}
			if (addr < DRMEMTRACE_VERSION_MIN || addr > DRMEMTRACE_VERSION_MAX) {
				mm_error_set(err, MM_EINVAL, "drmemtrace version %llu is not supported (this reader knows %d to %d)",
					     (unsigned long long)addr, DRMEMTRACE_VERSION_MIN, DRMEMTRACE_VERSION_MAX);
				return fail(d, base + off, off, used);
			}
		}
		switch (classify(type, &access)) {
		case KIND_ACCESS:
			ev[n++] = (struct trace_event){ .line = record, .op = TRACE_ACCESS, .access = (uint8_t)access,
							.size = access_size(p), .va = addr };
			break;
		case KIND_THREAD: {
			/* A `thread N` event, N the thread's number: replay maps it to a CPU (--threads-to-cpus). */
			long cpu = cpu_of_thread(d, addr);
			if (cpu < 0) {
				if (n > 0)
					goto out;
				mm_error_set(err, MM_EINVAL, "record %llu: thread %llu is one thread too many (at most %u)",
					     (unsigned long long)record, (unsigned long long)addr, MMU_MAX_CPUS);
				return fail(d, base + off, off, used);
			}
			if ((uint32_t)cpu != d->cpu) {
				d->cpu = (uint32_t)cpu;
				ev[n++] = (struct trace_event){ .line = record, .op = TRACE_THREAD, .n = d->cpu };
			}
			break;
		}
		case KIND_SKIP:
			break;
		case KIND_BUNDLE:
		case KIND_UNKNOWN:
			if (n > 0)
				goto out;
			if (type == TYPE_INSTR_BUNDLE)
				mm_error_set(err, MM_EINVAL, "record %llu: instruction bundles (online traces) are not supported",
					     (unsigned long long)record);
			else
				mm_error_set(err, MM_EINVAL, "record %llu: unknown record type %u", (unsigned long long)record,
					     type);
			return fail(d, base + off, off, used);
		}
		d->record = record;
		off += DRMEMTRACE_RECORD;
	}
out:
	*used = off;
	return (long)n;
}

int drmemtrace_sniff(const unsigned char *buf, size_t len, bool eof)
{
	static const unsigned char header_type[2] = { TYPE_HEADER, 0 };
	static const unsigned char zeros[6] = { 0 };

	if (len >= 2 && memcmp(buf, header_type, 2) != 0)
		return 0;
	if (len == 1 && buf[0] != TYPE_HEADER)
		return 0;
	if (len < DRMEMTRACE_RECORD)
		return eof ? 0 : -1;
	/* The version sits in the low bytes of addr: a ChampSim ip or text would not leave the rest zero. */
	return memcmp(buf + OFF_ADDR + 2, zeros, sizeof(zeros)) == 0;
}
