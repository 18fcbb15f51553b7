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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mm_error.h"

struct pt_mem_ops {
	int (*read)(void *impl, uint64_t pa, unsigned size, uint64_t *val);
	int (*write)(void *impl, uint64_t pa, unsigned size, uint64_t val);
	/* Allocates one zeroed node frame (base page) and returns its PA. */
	int (*alloc_node)(void *impl, uint64_t *pa, struct mm_error *err);
	void (*free_node)(void *impl, uint64_t pa);
	/*
	 * Optional (only formats with a wide root ask, pc_root_frames > 1):
	 * `nr` zeroed node frames, contiguous and aligned to nr frames (nr a
	 * power of two); returns the first's PA.  Each frame is freed on its
	 * own with free_node.
	 */
	int (*alloc_node_run)(void *impl, unsigned nr, uint64_t *pa, struct mm_error *err);
	/* How many more nodes alloc_node can hand out (lets pt_map check before writing). */
	uint64_t (*nodes_available)(const void *impl);
	/* Optional: how many more frames host memory may back (PT_MEM_MAX_HOST_BYTES); pt_map checks it too. */
	uint64_t (*nodes_backable)(const void *impl);
};

/*
 * The host memory a simulated memory may spend on the frames it backs (nodes,
 * written frames): a 64 GiB memory would otherwise let one `map` line of 31 TiB
 * in 4K pages take 62 GiB of the host.
 */
#define PT_MEM_MAX_HOST_BYTES (4ull << 30)
#define PT_MEM_MAX_HOST_TEXT "4G"

/*
 * Optional: memory whose host bytes can be found without a call, for the
 * walker's PTE reads.  [base, base+size) in frames of 2^frame_shift bytes;
 * frame f's bytes are dir[f >> leaf_bits][f & (2^leaf_bits - 1)], or NULL for
 * a frame that reads as zeros.  Where the
 * memory is small enough, `frames` holds the same pointers in one flat
 * array (frames[f]), which the walker uses: one load per PTE instead of two.
 */
struct pt_mem_direct {
	uint64_t base, size;
	unsigned frame_shift, leaf_bits;
	uint8_t *const *const *dir;
	uint8_t *const *frames;      /* NULL: not kept (the walker then reads through ops) */
};

struct pt_mem {
	const struct pt_mem_ops *ops;
	void *impl;
	const struct pt_mem_direct *direct; /* NULL: every read goes through ops */
	/*
	 * Set by a raw edit (poke, set-pte, pte): the memory may now hold
	 * entries pt_map never writes (reserved bits, PS in a PML4E, a
	 * misaligned superpage), so a listing checks each leaf with a walk.
	 */
	bool hand_written;
};

/* A little-endian 4- or 8-byte value at host address p. */
static inline uint64_t pt_mem_load_le(const uint8_t *p, unsigned size)
{
	uint64_t v8;
	uint32_t v4;

	if (size == 8) {
		memcpy(&v8, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		v8 = __builtin_bswap64(v8);
#endif
		return v8;
	}
	memcpy(&v4, p, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v4 = __builtin_bswap32(v4);
#endif
	return v4;
}

/* Host address of the byte at offset `off` (< d->size) into memory, or NULL where unbacked. */
static inline const uint8_t *pt_mem_direct_host(const struct pt_mem_direct *d, uint64_t off)
{
	uint64_t f = off >> d->frame_shift;
	uint8_t *const *leaf = d->dir[f >> d->leaf_bits];
	const uint8_t *frame = leaf ? leaf[f & ((1ull << d->leaf_bits) - 1)] : NULL;

	return frame ? frame + (off & ((1ull << d->frame_shift) - 1)) : NULL;
}

/*
 * Reads through a direct description when the access is an aligned PTE inside
 * memory (the walk's case); returns false to send the caller to ops->read.
 */
static inline bool pt_mem_read_direct(const struct pt_mem_direct *d, uint64_t pa, unsigned size,
				      uint64_t *val)
{
	uint64_t off = pa - d->base;
	const uint8_t *p;

	if ((size != 8 && size != 4) || (pa & (size - 1)) || off >= d->size)
		return false;
	p = pt_mem_direct_host(d, off);
	*val = p ? pt_mem_load_le(p, size) : 0;
	return true;
}

/*
 * The host address of an aligned 4- or 8-byte PTE at pa, or NULL where the
 * caller must go through ops->read (another size, outside memory, unaligned,
 * or a frame that reads as zeros).  For the walker: d->frames is set and
 * frame_shift is its compile-time page shift, which it has checked equals
 * d->frame_shift, so this is one load and no variable shift.
 */
static inline __attribute__((always_inline)) const uint8_t *
pt_mem_direct_pte(const struct pt_mem_direct *d, uint64_t pa, unsigned size, unsigned frame_shift)
{
	uint64_t off = pa - d->base;
	const uint8_t *frame;

	if ((size != 8 && size != 4) || off >= d->size || (pa & (size - 1)) ||
	    !(frame = d->frames[off >> frame_shift]))
		return NULL;
	return frame + (off & ((1ull << frame_shift) - 1));
}

static inline int pt_mem_read(const struct pt_mem *m, uint64_t pa, unsigned size, uint64_t *val)
{
	if (m->direct && pt_mem_read_direct(m->direct, pa, size, val))
		return MM_OK;
	return m->ops->read(m->impl, pa, size, val);
}

static inline int pt_mem_write(const struct pt_mem *m, uint64_t pa, unsigned size, uint64_t val)
{
	return m->ops->write(m->impl, pa, size, val);
}

#endif
