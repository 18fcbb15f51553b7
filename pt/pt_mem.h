/*
 * pt_mem: how pt/ reaches physical memory.
 *
 * Page-table code reads and writes PTEs at physical addresses and asks for
 * zeroed node frames; it never learns how memory is simulated.  sim/physmem
 * implements this for the simulator; tests may implement it over a plain array.
 * Reads and writes are little-endian, `size` is 4 or 8, and an address outside
 * memory returns MM_EBUS instead of crashing.
 */
#ifndef MMUSIM_PT_PT_MEM_H
#define MMUSIM_PT_PT_MEM_H

#include <stdint.h>

#include "mm_error.h"

struct pt_mem_ops {
	int (*read)(void *impl, uint64_t pa, unsigned size, uint64_t *val);
	int (*write)(void *impl, uint64_t pa, unsigned size, uint64_t val);
	/* Allocates one zeroed node frame (base page) and returns its PA. */
	int (*alloc_node)(void *impl, uint64_t *pa, struct mm_error *err);
	void (*free_node)(void *impl, uint64_t pa);
	/* How many more nodes alloc_node can hand out (lets pt_map check before writing). */
	uint64_t (*nodes_available)(const void *impl);
};

struct pt_mem {
	const struct pt_mem_ops *ops;
	void *impl;
};

static inline int pt_mem_read(const struct pt_mem *m, uint64_t pa, unsigned size, uint64_t *val)
{
	return m->ops->read(m->impl, pa, size, val);
}

static inline int pt_mem_write(const struct pt_mem *m, uint64_t pa, unsigned size, uint64_t val)
{
	return m->ops->write(m->impl, pa, size, val);
}

#endif
