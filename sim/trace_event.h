/*
 * trace_event: what the machine replays, one event at a time — an access, a
 * mapping change, a switch of address space, privilege or CPU, a TLB flush.
 * Every trace format (formats/trace.h) decodes to these; the machine (mmu.c,
 * replay.c, sweep.c) consumes them and knows nothing of the formats.
 */
#ifndef MMUSIM_SIM_TRACE_EVENT_H
#define MMUSIM_SIM_TRACE_EVENT_H

#include <stdbool.h>
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
	TRACE_FLUSH,     /* scope (with modifiers); va and/or n = asid per scope */
	TRACE_STATS_RESET, /* zero the statistics, keep the caches (end of a warm-up) */
	/* A virtual machine's stage-2 table (the host's edits): va is the GPA, pa the host PA. */
	TRACE_GMAP,      /* va = GPA, pa = host PA, len, prop */
	TRACE_GUNMAP,    /* va = GPA, len */
	TRACE_GPROTECT,  /* va = GPA, len, prop */
	TRACE_GFLUSH,    /* the host's fence of stage 2: n = enum gflush_scope, va the GPA for GFLUSH_GPA */
	TRACE_VM,        /* n = the virtual machine (VMID) the current CPU runs */
	/* The OS's regions (os/): pages appear on first touch with the region's properties. */
	TRACE_MMAP,      /* va, len, prop; n = 1 for a shared region */
	TRACE_MUNMAP,    /* va, len */
	/* Processes (os/): fork copies the current address space copy-on-write, exit frees one. */
	TRACE_FORK,      /* n = the child's ASID */
	TRACE_EXIT,      /* n = the ASID */
	/* The thread that issues what follows (a tracer's thread id); replay maps it to a CPU. */
	TRACE_THREAD,    /* n = the thread id, at most TRACE_THREAD_MAX */
	/*
	 * Authoring (sim/pte_edit.h): memory written directly, no TLB told.  A
	 * map's size, when not 0, is log2 of the page size its leaves must take.
	 */
	TRACE_POKE,      /* pa, len = the value, size = bytes (0: the PTE size) */
	TRACE_SET_PTE,   /* va, n = the level (1 = leaf), len = the entry's new value */
	TRACE_PTE_FIELD, /* va, n = the level, pa = the field's name (pte_field_name_pack), len = its value */
};

/* Thread ids a trace may carry: what --threads-to-cpus maps, a table of this size at most. */
#define TRACE_THREAD_MAX ((1u << 20) - 1)

enum gflush_scope {
	GFLUSH_VM,       /* the running VM's stage-2 and combined entries (HFENCE.GVMA x0, vmid; INVEPT single-context) */
	GFLUSH_GPA,      /* ... of one GPA's page (HFENCE.GVMA gpa, vmid; TLBI IPAS2E1 + VMALLE1) */
	GFLUSH_ALL_VMS,  /* every VM's (HFENCE.GVMA x0, x0; INVEPT global; TLBI ALLE1) */
	GFLUSH_SCOPE_LAST = GFLUSH_ALL_VMS,
};

/* map, unmap, protect and their stage-2 twins: the guest's op a stage-2 op mirrors. */
static inline bool trace_op_is_stage2(unsigned op)
{
	return op == TRACE_GMAP || op == TRACE_GUNMAP || op == TRACE_GPROTECT || op == TRACE_GFLUSH;
}

/* Which entries a flush drops (the trace commands that say so). */
enum flush_scope {
	FLUSH_ALL,       /* flush, tlbi vmalle1: everything, globals too */
	FLUSH_VA,        /* flush va VA, tlbi vaae1: that VA in every address space, globals too */
	FLUSH_ASID,      /* flush asid N, tlbi aside1: every non-global entry of N */
	FLUSH_VA_ASID,   /* flush va VA asid N: that VA's non-global entry in N */
	FLUSH_VA_ASID_GLOBAL, /* tlbi vae1: that VA's non-global entry in N and its global one */
	FLUSH_SCOPE_LAST = FLUSH_VA_ASID_GLOBAL,
};

/*
 * Modifiers OR'ed into a flush's scope (trace_event.scope).  Without them a
 * flush is the issuing CPU's and reaches its paging-structure caches too.
 */
enum flush_modifier {
	FLUSH_SCOPE_MASK = 0x0f,
	FLUSH_LAST_LEVEL = 0x10, /* TLB entries only: the PWCs keep theirs (tlbi vale1, vaale1) */
	FLUSH_ALL_CPUS = 0x20,   /* on every CPU, not just the current one (tlbi ...is) */
};

static inline bool flush_scope_valid(unsigned scope)
{
	return (scope & ~(unsigned)(FLUSH_SCOPE_MASK | FLUSH_LAST_LEVEL | FLUSH_ALL_CPUS)) == 0 &&
	       (scope & FLUSH_SCOPE_MASK) <= FLUSH_SCOPE_LAST;
}

/* Does a flush of this scope (modifiers allowed) take a VA?  An ASID? */
static inline bool flush_scope_has_va(unsigned scope)
{
	scope &= FLUSH_SCOPE_MASK;
	return scope == FLUSH_VA || scope == FLUSH_VA_ASID || scope == FLUSH_VA_ASID_GLOBAL;
}

static inline bool flush_scope_has_asid(unsigned scope)
{
	scope &= FLUSH_SCOPE_MASK;
	return scope == FLUSH_ASID || scope == FLUSH_VA_ASID || scope == FLUSH_VA_ASID_GLOBAL;
}

struct trace_event {
	uint64_t line;   /* where it came from: line (text, lackey, din, pinatrace) or record number (binary, champsim) */
	uint8_t op;      /* enum trace_op */
	uint8_t access;  /* enum access_kind, for TRACE_ACCESS */
	uint8_t scope;   /* enum flush_scope | enum flush_modifier bits, for TRACE_FLUSH */
	/*
	 * Bytes accessed; 0 = unknown, treated as 1 (map: log2 page size; poke:
	 * bytes).  16 bits: a drmemtrace record's size field (an XSAVE area, an
	 * AMX tile) may pass 255 bytes, and every page it touches is translated.
	 */
	uint16_t size;
	uint32_t n;
	uint64_t va;
	uint64_t pa;
	uint64_t len;
	struct page_prop prop;
};

/*
 * The base pages an access touches, in order (replay counts one access per
 * page, and opt's future lists the same pages).  The VA space is circular:
 * address arithmetic wraps modulo 2^64, or 2^32 where the CPU forms 32-bit
 * addresses (address_bits 32: x86_32, Sv32), so the bytes past the last VA
 * are at VA 0 and up — the RISC-V unprivileged spec: "the byte at address
 * 2^XLEN-1 is adjacent to the byte at address zero".  Start at the access's
 * va with *left = access_bytes(ev); access_next_page moves *va to the next
 * page's first byte and returns true, or returns false when the access ends
 * in the page *va is in.
 */
static inline uint64_t access_bytes(const struct trace_event *ev)
{
	return ev->size ? ev->size : 1;
}

static inline uint64_t va_space_last(unsigned address_bits)
{
	return address_bits && address_bits < 64 ? (1ull << address_bits) - 1 : UINT64_MAX;
}

static inline bool access_next_page(uint64_t *va, uint64_t *left, uint64_t page, uint64_t last_va)
{
	const uint64_t page_last = *va | (page - 1), here = page_last - *va + 1;

	if (*left <= here)
		return false;
	*left -= here;
	*va = page_last == last_va ? 0 : page_last + 1;
	return true;
}

#endif
