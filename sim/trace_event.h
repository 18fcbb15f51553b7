/*
 * trace_event: what the machine replays, one event at a time — an access, a
 * mapping change, a switch of address space, privilege or CPU, a TLB flush.
 * Every trace format (formats/trace.h) decodes to these; the machine (mmu.c,
 * replay.c, sweep.c) consumes them and knows nothing of the formats.
 */
#ifndef MMUSIM_SIM_TRACE_EVENT_H
#define MMUSIM_SIM_TRACE_EVENT_H

#include <stdint.h>

#include "pt/page_prop.h"

enum trace_op {
	TRACE_ACCESS,    /* va, access, size */
	TRACE_MAP,       /* va, pa, len, prop */
	TRACE_UNMAP,     /* va, len */
	TRACE_PROTECT,   /* va, len, prop */
	TRACE_ASID,      /* n = address-space id */
	TRACE_PRIV,      /* n = enum privilege */
	TRACE_CPU,       /* n = cpu number */
	TRACE_FLUSH,     /* flush scope; va and/or n = asid per scope */
	TRACE_STATS_RESET, /* zero the statistics, keep the caches (end of a warm-up) */
};

enum flush_scope {
	FLUSH_ALL,       /* flush */
	FLUSH_VA,        /* flush va VA: that VA in every address space, globals too */
	FLUSH_ASID,      /* flush asid N: every non-global entry of N */
	FLUSH_VA_ASID,   /* flush va VA asid N: that VA's non-global entry in N */
};

struct trace_event {
	uint64_t line;   /* where it came from: line (text, lackey, din, pinatrace) or record number (binary, champsim) */
	uint8_t op;      /* enum trace_op */
	uint8_t access;  /* enum access_kind, for TRACE_ACCESS */
	uint8_t scope;   /* enum flush_scope, for TRACE_FLUSH */
	uint8_t size;    /* bytes accessed (lackey); 0 = unknown, treated as 1 */
	uint32_t n;
	uint64_t va;
	uint64_t pa;
	uint64_t len;
	struct page_prop prop;
};

#endif
