/*
 * trace_champsim: decoder for ChampSim traces, a stream of fixed 64-byte
 * `input_instr` records (ChampSim inc/trace_instruction.h), little-endian:
 *
 *   offset  size  field
 *        0     8  ip                        -> an instruction fetch at ip
 *        8     1  is_branch                 (0 or 1)
 *        9     1  branch_taken              (0 or 1)
 *       10     2  destination_registers[2]  (ignored)
 *       12     4  source_registers[4]       (ignored)
 *       16    16  destination_memory[2]     -> a store per non-zero slot
 *       32    32  source_memory[4]          -> a load per non-zero slot
 *
 * A record becomes its fetch, then its loads, then its stores (the order in
 * which an out-of-order core issues them); zero slots are skipped.  Sizes are
 * not recorded, so events carry size 0 (treated as 1).  Every event carries
 * its record number (from 1) as its line.
 */
#ifndef MMUSIM_SIM_TRACE_CHAMPSIM_H
#define MMUSIM_SIM_TRACE_CHAMPSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pt/mm_error.h"
#include "formats/trace.h"

#define CHAMPSIM_RECORD 64
#define CHAMPSIM_EVENTS_MAX 7 /* fetch + 4 loads + 2 stores */

struct champsim_decoder {
	uint64_t record;      /* records decoded */
	uint64_t err_offset;  /* after an error: the byte offset it names */
	unsigned nr_pending;  /* events of the last record that did not fit in the batch */
	unsigned next_pending;
	struct trace_event pending[CHAMPSIM_EVENTS_MAX];
};

void champsim_decoder_init(struct champsim_decoder *d);

/*
 * Decodes the records in buf[0, len), which starts at byte `base` of the
 * input, into at most max events; same contract as binary_decode (only whole
 * records are consumed; a partial one is an error only when eof).
 */
long champsim_decode(struct champsim_decoder *d, const unsigned char *buf, size_t len, bool eof,
		     uint64_t base, size_t *used, struct trace_event *ev, size_t max, struct mm_error *err);

/*
 * For auto-detection: 1 if buf[0, len) starts like a ChampSim trace (binary
 * data, a first record whose branch bytes are 0 or 1), 0 if not, -1 if more
 * input is needed to tell (only when !eof).
 */
int champsim_sniff(const unsigned char *buf, size_t len, bool eof);

#endif
