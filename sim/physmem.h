/*
 * physmem: sparse simulated physical memory and its frame allocator.
 *
 * The machine may declare up to 2^52 bytes at any base; host memory is spent
 * only on frames that are actually written (page-table nodes).  Data frames
 * handed out for mappings are accounted, not backed: reading one returns
 * zeros.  Frames are base_page_size bytes.  Reads and writes are little-endian,
 * naturally aligned 4- or 8-byte accesses; an address outside [base, base+size)
 * is MM_EBUS, never a crash.
 */
#ifndef MMUSIM_SIM_PHYSMEM_H
#define MMUSIM_SIM_PHYSMEM_H

#include <stdint.h>

#include "pt/mm_error.h"
#include "pt/pt_mem.h"

struct physmem;

struct physmem_stats {
	uint64_t node_frames;    /* page-table node frames currently allocated */
	uint64_t data_frames;    /* data frames currently allocated */
	uint64_t backed_frames;  /* frames with host memory behind them */
	uint64_t free_frames;    /* frames neither allocated nor reserved */
};

/* Creates memory [base, base+size) in frames of frame_size bytes (power of two). */
struct physmem *physmem_create(uint64_t base, uint64_t size, uint64_t frame_size,
			       struct mm_error *err);
void physmem_destroy(struct physmem *pm);

uint64_t physmem_frame_size(const struct physmem *pm);

/*
 * At most `bytes` of host memory behind frames (PT_MEM_MAX_HOST_BYTES from
 * creation; at least one frame): a frame beyond it is "out of host memory".
 */
void physmem_set_host_limit(struct physmem *pm, uint64_t bytes);

/* size is 1, 2, 4 or 8 and pa must be aligned to it. */
int physmem_read(struct physmem *pm, uint64_t pa, unsigned size, uint64_t *val);
int physmem_write(struct physmem *pm, uint64_t pa, unsigned size, uint64_t val);

/* A zeroed, backed frame for a page-table node. */
int physmem_alloc_node(struct physmem *pm, uint64_t *pa, struct mm_error *err);
void physmem_free_node(struct physmem *pm, uint64_t pa);

/*
 * `nr` zeroed, backed node frames, contiguous and aligned to nr frames (nr a
 * power of two): a root wider than one frame (RISC-V Sv39x4's 16 KiB).  Each
 * counts as a node frame and is freed with physmem_free_node.
 */
int physmem_alloc_node_run(struct physmem *pm, unsigned nr, uint64_t *pa, struct mm_error *err);

/*
 * `size` bytes of data frames, contiguous and aligned to `align` (both multiples
 * of the frame size), e.g. for demand paging.
 */
int physmem_alloc_data(struct physmem *pm, uint64_t size, uint64_t align, uint64_t *pa,
		       struct mm_error *err);

/* Host pointer to the backed frame holding pa, or NULL if it has no backing. */
const uint8_t *physmem_frame_peek(const struct physmem *pm, uint64_t pa);

/*
 * Calls fn for every backed frame in ascending PA order.  Returns MM_OK, or
 * the first status other than MM_OK that fn returns (where it stopped).
 */
int physmem_for_each_backed(const struct physmem *pm,
			    int (*fn)(void *arg, uint64_t pa, const uint8_t *data), void *arg);

void physmem_stats(const struct physmem *pm, struct physmem_stats *out);

/* The pt_mem view that pt/ uses. */
struct pt_mem physmem_pt_mem(struct physmem *pm);

#endif
