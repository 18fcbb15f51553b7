/*
 * physmem: sparse simulated physical memory.
 *
 * Frames with host backing are found through a two-level directory indexed
 * by frame number (dir[frame >> leaf_bits][frame & leaf_mask]), the shape
 * pt_mem_direct describes so that the walker reads PTEs inline: two loads,
 * no call, no hashing.  Directory leaves are allocated on first use; the top
 * level is sized so that it stays small even for 2^52 bytes.  Only frames that are written get backing: page-table nodes always, data
 * frames never unless someone writes into them.  Unbacked memory reads as
 * zero, as DRAM would after a clean boot.
 *
 * Host memory for frames comes from 2 MiB arena chunks advised for
 * transparent huge pages: a walk over a large table then costs few host TLB
 * misses, which dominate a simulated walk otherwise.  Freed host frames are
 * kept for reuse.
 *
 * Allocation is a bump pointer over the frame range plus a stack of freed
 * single frames; alignment gaps left by the bump pointer go onto the stack so
 * no frame is lost.  Invariant: every frame below `bump` is either allocated
 * or on the free stack.
 */
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) */
#include "physmem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "sim/byteorder.h"
#include "sim/size_name.h"

struct physmem {
	uint64_t base;
	uint64_t size;
	uint64_t frame_size;
	unsigned frame_shift;
	uint64_t nr_frames;

	struct pt_mem_direct direct;  /* base, size, frame_shift, leaf_bits, dir */
	uint8_t ***dir;               /* the same directory, writable */
	uint8_t **frames;             /* the flat copy (direct.frames), or NULL */
	size_t frames_bytes;          /* its mmap'd length */
	uint64_t nr_dir;
	uint64_t nr_backed;
	uint64_t max_backed;    /* host frames the memory may hold (PT_MEM_MAX_HOST_BYTES) */

	uint64_t bump;          /* next never-allocated frame index (relative to base) */
	uint64_t *free_stack;
	uint64_t nr_free, free_cap;

	uint64_t node_frames;
	uint64_t data_frames;

	/* host arena */
	uint8_t **chunks;
	size_t nr_chunks, cap_chunks;
	size_t chunk_used;          /* bytes handed out of the last chunk */
	uint8_t **spare;            /* freed host frames */
	size_t nr_spare, cap_spare;
};

#define ARENA_CHUNK (2u << 20)

/* Frames up to the arena chunk come from the arena; larger ones are allocated alone. */
static bool frame_size_ok(const struct physmem *pm)
{
	return pm->frame_size <= ARENA_CHUNK;
}

/* A zeroed host frame from the arena. */
static uint8_t *host_frame(struct physmem *pm)
{
	uint8_t *p;

	if (pm->nr_spare) {
		p = pm->spare[--pm->nr_spare];
		memset(p, 0, pm->frame_size);
		return p;
	}
	if (!pm->nr_chunks || pm->chunk_used + pm->frame_size > ARENA_CHUNK) {
		void *c;
		if (pm->nr_chunks == pm->cap_chunks) {
			size_t cap = pm->cap_chunks ? pm->cap_chunks * 2 : 16;
			uint8_t **cs = realloc(pm->chunks, cap * sizeof(*cs));
			if (!cs)
				return NULL;
			pm->chunks = cs;
			pm->cap_chunks = cap;
		}
		if (posix_memalign(&c, ARENA_CHUNK, ARENA_CHUNK))
			return NULL;
#ifdef MADV_HUGEPAGE
		madvise(c, ARENA_CHUNK, MADV_HUGEPAGE);
#endif
		pm->chunks[pm->nr_chunks++] = c;
		pm->chunk_used = 0;
	}
	p = pm->chunks[pm->nr_chunks - 1] + pm->chunk_used;
	pm->chunk_used += pm->frame_size;
	memset(p, 0, pm->frame_size);
	return p;
}

static void host_frame_free(struct physmem *pm, uint8_t *p)
{
	if (pm->nr_spare == pm->cap_spare) {
		size_t cap = pm->cap_spare ? pm->cap_spare * 2 : 64;
		uint8_t **sp = realloc(pm->spare, cap * sizeof(*sp));
		if (!sp)
			return; /* kept by the arena until destroy */
		pm->spare = sp;
		pm->cap_spare = cap;
	}
	pm->spare[pm->nr_spare++] = p;
}

/* Host memory for `frame`, created zeroed on first use. */
static uint8_t *frame_back(struct physmem *pm, uint64_t frame)
{
	uint8_t ***leaf = &pm->dir[frame >> pm->direct.leaf_bits];
	uint8_t **slot;

	if (!*leaf && !(*leaf = calloc(1ull << pm->direct.leaf_bits, sizeof(**leaf))))
		return NULL;
	slot = &(*leaf)[frame & ((1ull << pm->direct.leaf_bits) - 1)];
	if (*slot)
		return *slot;
	if (pm->nr_backed >= pm->max_backed)
		return NULL;
	if (!(*slot = frame_size_ok(pm) ? host_frame(pm) : calloc(1, pm->frame_size)))
		return NULL;
	if (pm->frames)
		pm->frames[frame] = *slot;
	pm->nr_backed++;
	return *slot;
}

/* False if the frame had no host memory (nothing to free). */
static bool frame_unback(struct physmem *pm, uint64_t frame)
{
	uint8_t **leaf = pm->dir[frame >> pm->direct.leaf_bits];
	uint8_t **slot = leaf ? &leaf[frame & ((1ull << pm->direct.leaf_bits) - 1)] : NULL;

	if (!slot || !*slot)
		return false;
	if (frame_size_ok(pm))
		host_frame_free(pm, *slot);
	else
		free(*slot);
	*slot = NULL;
	if (pm->frames)
		pm->frames[frame] = NULL;
	pm->nr_backed--;
	return true;
}

/*
 * The flat frame array the walker reads through, for memories of up to 2^28
 * frames (1 TiB of 4 KiB frames: 2 GiB of address space).  mmap'd, so that
 * only the pages of it that hold a backed frame's pointer cost host memory;
 * larger memories do without (walks then read through physmem_read).
 */
#define FLAT_MAX_FRAMES (1ull << 28)

static void frames_create(struct physmem *pm)
{
	void *p;

	if (pm->nr_frames > FLAT_MAX_FRAMES)
		return;
	pm->frames_bytes = (size_t)pm->nr_frames * sizeof(*pm->frames);
	p = mmap(NULL, pm->frames_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return; /* slower walks, same results */
	pm->frames = p;
	pm->direct.frames = (uint8_t *const *)pm->frames;
}

/*
 * Leaves of at least 1024 entries, and a top level of at most 64 Ki entries
 * (512 KiB) however large the memory: 2^40 frames get 16 Mi-entry leaves,
 * which cost host memory only where touched.
 */
static unsigned dir_leaf_bits(uint64_t nr_frames)
{
	unsigned bits = nr_frames > 1 ? 64 - (unsigned)__builtin_clzll(nr_frames - 1) : 1;

	return bits > 26 ? bits - 16 : 10;
}

struct physmem *physmem_create(uint64_t base, uint64_t size, uint64_t frame_size,
			       struct mm_error *err)
{
	struct physmem *pm;

	if (!frame_size || (frame_size & (frame_size - 1))) {
		mm_error_set(err, MM_EINVAL, "frame size %llu is not a power of two",
			     (unsigned long long)frame_size);
		return NULL;
	}
	if (size == 0 || (base | size) & (frame_size - 1) || base + size < base) {
		mm_error_set(err, MM_EINVAL, "physical memory [0x%llx, +0x%llx) is empty or not frame-aligned",
			     (unsigned long long)base, (unsigned long long)size);
		return NULL;
	}
	pm = calloc(1, sizeof(*pm));
	if (!pm) {
		mm_error_set(err, MM_ENOMEM, "out of host memory");
		return NULL;
	}
	pm->base = base;
	pm->size = size;
	pm->frame_size = frame_size;
	pm->frame_shift = (unsigned)__builtin_ctzll(frame_size);
	pm->nr_frames = size >> pm->frame_shift;
	physmem_set_host_limit(pm, PT_MEM_MAX_HOST_BYTES);
	pm->direct.leaf_bits = dir_leaf_bits(pm->nr_frames);
	pm->nr_dir = ((pm->nr_frames - 1) >> pm->direct.leaf_bits) + 1;
	pm->dir = calloc(pm->nr_dir, sizeof(*pm->dir));
	pm->direct.base = base;
	pm->direct.size = size;
	pm->direct.frame_shift = pm->frame_shift;
	pm->direct.dir = (uint8_t *const *const *)pm->dir;
	if (!pm->dir) {
		free(pm);
		mm_error_set(err, MM_ENOMEM, "out of host memory");
		return NULL;
	}
	frames_create(pm);
	return pm;
}

void physmem_destroy(struct physmem *pm)
{
	if (!pm)
		return;
	for (uint64_t i = 0; i < pm->nr_dir; i++) {
		if (pm->dir[i] && !frame_size_ok(pm))
			for (uint64_t j = 0; j < 1ull << pm->direct.leaf_bits; j++)
				free(pm->dir[i][j]);
		free(pm->dir[i]);
	}
	free(pm->dir);
	if (pm->frames)
		munmap(pm->frames, pm->frames_bytes);
	for (size_t i = 0; i < pm->nr_chunks; i++)
		free(pm->chunks[i]);
	free(pm->chunks);
	free(pm->spare);
	free(pm->free_stack);
	free(pm);
}

uint64_t physmem_frame_size(const struct physmem *pm) { return pm->frame_size; }

void physmem_set_host_limit(struct physmem *pm, uint64_t bytes)
{
	pm->max_backed = bytes >> pm->frame_shift ? bytes >> pm->frame_shift : 1;
}

/* Why a frame got no host memory: the bound, or the host itself. */
static int host_out_of_memory(const struct physmem *pm, struct mm_error *err)
{
	char limit[32];

	if (pm->nr_backed < pm->max_backed)
		return mm_error_set(err, MM_ENOMEM, "out of host memory");
	return mm_error_set(err, MM_ENOMEM, "out of host memory: simulated memory may use %s of the host's, all in use "
			    "(%llu frames of %llu bytes)", size_name(pm->max_backed << pm->frame_shift, limit, sizeof(limit)),
			    (unsigned long long)pm->nr_backed, (unsigned long long)pm->frame_size);
}

static bool in_memory(const struct physmem *pm, uint64_t pa, unsigned size)
{
	return pa >= pm->base && pa - pm->base < pm->size && pm->size - (pa - pm->base) >= size;
}

int physmem_read(struct physmem *pm, uint64_t pa, unsigned size, uint64_t *val)
{
	const uint8_t *data;
	uint64_t off = pa - pm->base;

	/* The walk's case first: an aligned 4- or 8-byte PTE inside memory. */
	if (pt_mem_read_direct(&pm->direct, pa, size, val))
		return MM_OK;
	if ((size != 1 && size != 2 && size != 4 && size != 8) || (pa & (size - 1)))
		return MM_EINVAL;
	/* One compare covers both ends: pa below base wraps to a huge offset. */
	if (off >= pm->size || pm->size - off < size)
		return MM_EBUS;
	data = pt_mem_direct_host(&pm->direct, off);
	*val = data ? load_le(data, size) : 0;
	return MM_OK;
}

int physmem_write(struct physmem *pm, uint64_t pa, unsigned size, uint64_t val)
{
	uint8_t *data;
	uint64_t off;

	if ((size != 1 && size != 2 && size != 4 && size != 8) || (pa & (size - 1)))
		return MM_EINVAL;
	if (!in_memory(pm, pa, size))
		return MM_EBUS;
	off = pa - pm->base;
	data = frame_back(pm, off >> pm->frame_shift);
	if (!data)
		return MM_ENOMEM;
	store_le(data + (off & (pm->frame_size - 1)), size, val);
	return MM_OK;
}

static int free_push(struct physmem *pm, uint64_t frame)
{
	if (pm->nr_free == pm->free_cap) {
		uint64_t cap = pm->free_cap ? pm->free_cap * 2 : 256;
		uint64_t *st = realloc(pm->free_stack, cap * sizeof(*st));
		if (!st)
			return MM_ENOMEM;
		pm->free_stack = st;
		pm->free_cap = cap;
	}
	pm->free_stack[pm->nr_free++] = frame;
	return MM_OK;
}

static int out_of_memory(const struct physmem *pm, struct mm_error *err)
{
	return mm_error_set(err, MM_ENOMEM, "out of physical memory (%llu frames of %llu bytes in use)",
			    (unsigned long long)(pm->node_frames + pm->data_frames),
			    (unsigned long long)pm->frame_size);
}

/* One frame: a freed one if any, else the next unused one. */
static int take_frame(struct physmem *pm, uint64_t *frame, struct mm_error *err)
{
	if (pm->nr_free) {
		*frame = pm->free_stack[--pm->nr_free];
		return MM_OK;
	}
	if (pm->bump >= pm->nr_frames)
		return out_of_memory(pm, err);
	*frame = pm->bump++;
	return MM_OK;
}

/*
 * `nr` never-allocated frames from the bump pointer, the first aligned to
 * align_frames (a power of two) in PA terms: base may be unaligned to it.
 * The frames skipped to align go to the free stack.
 */
static int take_run(struct physmem *pm, uint64_t nr, uint64_t align_frames, uint64_t *start,
		    struct mm_error *err)
{
	uint64_t base_frame = pm->base >> pm->frame_shift;
	uint64_t s = ((base_frame + pm->bump + align_frames - 1) & ~(align_frames - 1)) - base_frame;

	if (s < pm->bump || s > pm->nr_frames || pm->nr_frames - s < nr)
		return out_of_memory(pm, err);
	for (uint64_t f = pm->bump; f < s; f++)
		if (free_push(pm, f) != MM_OK)
			return mm_error_set(err, MM_ENOMEM, "out of host memory");
	pm->bump = s + nr;
	*start = s;
	return MM_OK;
}

/* Backs a frame taken for a node and zeroes it (a freed data frame may have been written). */
static bool back_zeroed(struct physmem *pm, uint64_t frame)
{
	uint8_t *data = frame_back(pm, frame);

	if (data)
		memset(data, 0, pm->frame_size);
	return data != NULL;
}

int physmem_alloc_node(struct physmem *pm, uint64_t *pa, struct mm_error *err)
{
	uint64_t frame = 0;
	int rc = take_frame(pm, &frame, err);

	if (rc)
		return rc;
	if (!back_zeroed(pm, frame)) {
		free_push(pm, frame);
		return host_out_of_memory(pm, err);
	}
	pm->node_frames++;
	*pa = pm->base + (frame << pm->frame_shift);
	return MM_OK;
}

void physmem_free_node(struct physmem *pm, uint64_t pa)
{
	/*
	 * A hand-written entry (poke, set-pte, pte) may point outside memory or
	 * at a node another entry also points to: only a frame of this memory
	 * that still has host memory is freed, and only once.
	 */
	if (!in_memory(pm, pa, 1))
		return;
	uint64_t frame = (pa - pm->base) >> pm->frame_shift;
	if (!frame_unback(pm, frame))
		return;
	pm->node_frames--;
	free_push(pm, frame);
}

int physmem_alloc_data(struct physmem *pm, uint64_t size, uint64_t align, uint64_t *pa,
		       struct mm_error *err)
{
	uint64_t nr, align_frames, start = 0;
	int rc;

	if (!size || size & (pm->frame_size - 1))
		return mm_error_set(err, MM_EINVAL, "data allocation of 0x%llx bytes is not frame-sized",
				    (unsigned long long)size);
	if (align & (pm->frame_size - 1))
		return mm_error_set(err, MM_EINVAL, "data allocation aligned to 0x%llx: not a multiple of the %llu-byte frame",
				    (unsigned long long)align, (unsigned long long)pm->frame_size);
	nr = size >> pm->frame_shift;
	if (nr == 1 && pm->nr_free) {
		uint64_t frame = pm->free_stack[--pm->nr_free];
		frame_unback(pm, frame);
		pm->data_frames++;
		*pa = pm->base + (frame << pm->frame_shift);
		return MM_OK;
	}
	align_frames = align > pm->frame_size ? align >> pm->frame_shift : 1;
	if ((rc = take_run(pm, nr, align_frames, &start, err)))
		return rc;
	pm->data_frames += nr;
	*pa = pm->base + (start << pm->frame_shift);
	return MM_OK;
}

int physmem_alloc_node_run(struct physmem *pm, unsigned nr, uint64_t *pa, struct mm_error *err)
{
	uint64_t start = 0;
	int rc;

	if (nr == 1)
		return physmem_alloc_node(pm, pa, err);
	if ((rc = take_run(pm, nr, nr, &start, err)))
		return rc;
	for (unsigned i = 0; i < nr; i++) {
		if (!back_zeroed(pm, start + i)) {
			for (unsigned j = 0; j < nr; j++) {
				frame_unback(pm, start + j);
				free_push(pm, start + j);
			}
			return host_out_of_memory(pm, err);
		}
	}
	pm->node_frames += nr;
	*pa = pm->base + (start << pm->frame_shift);
	return MM_OK;
}

const uint8_t *physmem_frame_peek(const struct physmem *pm, uint64_t pa)
{
	if (!in_memory(pm, pa, 1))
		return NULL;
	return pt_mem_direct_host(&pm->direct, (pa - pm->base) & ~(pm->frame_size - 1));
}

int physmem_for_each_backed(const struct physmem *pm,
			    int (*fn)(void *arg, uint64_t pa, const uint8_t *data), void *arg)
{
	uint64_t per_leaf = 1ull << pm->direct.leaf_bits;
	int rc = 0;

	/* The directory is in frame order: ascending PAs come for free. */
	for (uint64_t i = 0; i < pm->nr_dir && !rc; i++) {
		if (!pm->dir[i])
			continue;
		for (uint64_t j = 0; j < per_leaf && !rc; j++)
			if (pm->dir[i][j])
				rc = fn(arg, pm->base + (((i * per_leaf) + j) << pm->frame_shift), pm->dir[i][j]);
	}
	return rc;
}

void physmem_stats(const struct physmem *pm, struct physmem_stats *out)
{
	out->node_frames = pm->node_frames;
	out->data_frames = pm->data_frames;
	out->backed_frames = pm->nr_backed;
	out->free_frames = pm->nr_frames - pm->node_frames - pm->data_frames;
}

static int mem_read(void *impl, uint64_t pa, unsigned size, uint64_t *val)
{
	return physmem_read(impl, pa, size, val);
}

static int mem_write(void *impl, uint64_t pa, unsigned size, uint64_t val)
{
	return physmem_write(impl, pa, size, val);
}

static int mem_alloc_node(void *impl, uint64_t *pa, struct mm_error *err)
{
	return physmem_alloc_node(impl, pa, err);
}

static int mem_alloc_node_run(void *impl, unsigned nr, uint64_t *pa, struct mm_error *err)
{
	return physmem_alloc_node_run(impl, nr, pa, err);
}

static void mem_free_node(void *impl, uint64_t pa)
{
	physmem_free_node(impl, pa);
}

static uint64_t mem_nodes_available(const void *impl)
{
	const struct physmem *pm = impl;
	return pm->nr_frames - pm->bump + pm->nr_free;
}

static uint64_t mem_nodes_backable(const void *impl)
{
	const struct physmem *pm = impl;
	return pm->max_backed > pm->nr_backed ? pm->max_backed - pm->nr_backed : 0;
}

static const struct pt_mem_ops physmem_ops = {
	.nodes_available = mem_nodes_available,
	.nodes_backable = mem_nodes_backable,
	.read = mem_read,
	.write = mem_write,
	.alloc_node = mem_alloc_node,
	.alloc_node_run = mem_alloc_node_run,
	.free_node = mem_free_node,
};

struct pt_mem physmem_pt_mem(struct physmem *pm)
{
	return (struct pt_mem){ .ops = &physmem_ops, .impl = pm, .direct = &pm->direct };
}
