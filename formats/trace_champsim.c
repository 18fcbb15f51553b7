/*
 * trace_champsim: ChampSim `input_instr` decoder (see trace_champsim.h).
 *
 * A record expands to up to seven events; when they do not all fit in the
 * caller's batch the rest wait in the decoder and open the next batch, so a
 * batch of any size makes progress.
 */
#include "trace_champsim.h"

#include <string.h>

#include "pt/walk.h"
#include "sim/byteorder.h"

enum {
	OFF_IP = 0,
	OFF_IS_BRANCH = 8,
	OFF_BRANCH_TAKEN = 9,
	OFF_DEST_MEM = 16,
	OFF_SRC_MEM = 32,
	NR_DEST_MEM = 2,
	NR_SRC_MEM = 4,
};

void champsim_decoder_init(struct champsim_decoder *d)
{
	memset(d, 0, sizeof(*d));
}

static void put(struct trace_event *ev, uint64_t record, unsigned access, uint64_t va)
{
	*ev = (struct trace_event){ .line = record, .op = TRACE_ACCESS, .access = (uint8_t)access, .va = va };
}

/* The record's events into out[]; returns how many. */
static unsigned expand(const unsigned char *p, uint64_t record, struct trace_event *out)
{
	unsigned n = 0;

	put(&out[n++], record, ACCESS_EXEC, load_le(p + OFF_IP, 8));
	for (unsigned i = 0; i < NR_SRC_MEM; i++) {
		uint64_t va = load_le(p + OFF_SRC_MEM + 8 * i, 8);
		if (va)
			put(&out[n++], record, ACCESS_READ, va);
	}
	for (unsigned i = 0; i < NR_DEST_MEM; i++) {
		uint64_t va = load_le(p + OFF_DEST_MEM + 8 * i, 8);
		if (va)
			put(&out[n++], record, ACCESS_WRITE, va);
	}
	return n;
}

long champsim_decode(struct champsim_decoder *d, const unsigned char *buf, size_t len, bool eof,
		     uint64_t base, size_t *used, struct trace_event *ev, size_t max, struct mm_error *err)
{
	size_t off = 0, n = 0;

	while (n < max && d->next_pending < d->nr_pending)
		ev[n++] = d->pending[d->next_pending++];
	while (n < max) {
		const unsigned char *p = buf + off;

		if (len - off < CHAMPSIM_RECORD) {
			if (!eof || off == len)
				break;
			if (n > 0)
				break; /* the error comes next call, after these events */
			d->err_offset = base + off;
			*used = off;
			mm_error_set(err, MM_EINVAL, "truncated record (%zu of %u bytes)", len - off, CHAMPSIM_RECORD);
			return EVENT_SOURCE_FAILED;
		}
		if (p[OFF_IS_BRANCH] > 1 || p[OFF_BRANCH_TAKEN] > 1) {
			if (n > 0)
				break;
			d->err_offset = base + off;
			*used = off;
			mm_error_set(err, MM_EINVAL, "bad record %llu: %s is %u (expected 0 or 1; not a ChampSim trace?)",
				     (unsigned long long)d->record + 1,
				     p[OFF_IS_BRANCH] > 1 ? "is_branch" : "branch_taken",
				     p[OFF_IS_BRANCH] > 1 ? p[OFF_IS_BRANCH] : p[OFF_BRANCH_TAKEN]);
			return EVENT_SOURCE_FAILED;
		}
		d->record++;
		off += CHAMPSIM_RECORD;
		if (max - n >= CHAMPSIM_EVENTS_MAX) {
			n += expand(p, d->record, ev + n);
			continue;
		}
		d->nr_pending = expand(p, d->record, d->pending);
		d->next_pending = 0;
		while (n < max && d->next_pending < d->nr_pending)
			ev[n++] = d->pending[d->next_pending++];
	}
	*used = off;
	return (long)n;
}

int champsim_sniff(const unsigned char *buf, size_t len, bool eof)
{
	if (len < CHAMPSIM_RECORD && !eof)
		return -1;
	if (len < CHAMPSIM_RECORD)
		return 0; /* a ChampSim trace shorter than a record is detected as something else */
	/* Text never holds a NUL byte; every ChampSim record does (register and memory slots, high ip bytes). */
	if (!memchr(buf, 0, CHAMPSIM_RECORD))
		return 0;
	/* No instruction is at address 0: a first record of zeros is a zeroed file (/dev/zero), not a trace. */
	if (load_le(buf + OFF_IP, 8) == 0)
		return 0;
	return buf[OFF_IS_BRANCH] <= 1 && buf[OFF_BRANCH_TAKEN] <= 1;
}
