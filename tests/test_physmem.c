/*
 * physmem: sparse backing, bounds, alignment, the frame allocator and its
 * accounting.
 */
#include <criterion/criterion.h>

#include "sim/physmem.h"
#include "pt/pt_mem.h"

/* 2^52 bytes declared, host memory only for what is written. */
Test(physmem, sparse_huge_memory)
{
	struct physmem *pm = physmem_create(0, 1ull << 52, 4096, NULL);
	struct physmem_stats st;
	uint64_t v = 1;

	cr_assert_not_null(pm);
	cr_assert_eq(physmem_write(pm, (1ull << 52) - 8, 8, 0x1122334455667788ull), MM_OK);
	cr_assert_eq(physmem_read(pm, (1ull << 52) - 8, 8, &v), MM_OK);
	cr_expect_eq(v, 0x1122334455667788ull);
	cr_assert_eq(physmem_read(pm, 0x123456000, 8, &v), MM_OK);
	cr_expect_eq(v, 0, "unwritten memory reads as zero");
	physmem_stats(pm, &st);
	cr_expect_eq(st.backed_frames, 1);
	physmem_destroy(pm);
}

Test(physmem, little_endian_sizes)
{
	struct physmem *pm = physmem_create(0x80000000, 1 << 20, 4096, NULL);
	uint64_t v;

	cr_assert_eq(physmem_write(pm, 0x80000000, 8, 0x0807060504030201ull), MM_OK);
	cr_assert_eq(physmem_read(pm, 0x80000000, 1, &v), MM_OK);
	cr_expect_eq(v, 0x01);
	cr_assert_eq(physmem_read(pm, 0x80000004, 4, &v), MM_OK);
	cr_expect_eq(v, 0x08070605);
	cr_assert_eq(physmem_read(pm, 0x80000002, 2, &v), MM_OK);
	cr_expect_eq(v, 0x0403);
	physmem_destroy(pm);
}

Test(physmem, outside_memory_is_bus_error)
{
	struct physmem *pm = physmem_create(0x80000000, 1 << 20, 4096, NULL);
	uint64_t v;

	cr_expect_eq(physmem_read(pm, 0x7ffffff8, 8, &v), MM_EBUS);
	cr_expect_eq(physmem_read(pm, 0x80100000, 8, &v), MM_EBUS);
	cr_expect_eq(physmem_write(pm, 0x80100000, 8, 1), MM_EBUS);
	cr_expect_eq(physmem_read(pm, UINT64_MAX - 7, 8, &v), MM_EBUS);
	cr_expect_eq(physmem_read(pm, 0x800ffff8, 8, &v), MM_OK);
	physmem_destroy(pm);
}

Test(physmem, unaligned_access_rejected)
{
	struct physmem *pm = physmem_create(0, 1 << 20, 4096, NULL);
	uint64_t v;

	cr_expect_eq(physmem_read(pm, 4, 8, &v), MM_EINVAL);
	cr_expect_eq(physmem_write(pm, 2, 4, 0), MM_EINVAL);
	cr_expect_eq(physmem_read(pm, 0, 3, &v), MM_EINVAL);
	physmem_destroy(pm);
}

Test(physmem, bad_geometry_rejected)
{
	struct mm_error err = { 0 };

	cr_expect_null(physmem_create(0, 1 << 20, 3000, &err));
	cr_expect_str_eq(err.msg, "frame size 3000 is not a power of two");
	cr_expect_null(physmem_create(0x800, 1 << 20, 4096, &err));
	cr_expect_null(physmem_create(0, 0, 4096, &err));
	cr_expect_null(physmem_create(UINT64_MAX - 4095, 8192, 4096, &err));
}

/* Nodes come back zeroed even when the frame held data before. */
Test(physmem, node_frames_zeroed_and_reused)
{
	struct physmem *pm = physmem_create(0, 1 << 20, 4096, NULL);
	uint64_t a, b, v;
	struct physmem_stats st;

	cr_assert_eq(physmem_alloc_node(pm, &a, NULL), MM_OK);
	physmem_write(pm, a + 8, 8, 0xdead);
	physmem_free_node(pm, a);
	cr_assert_eq(physmem_alloc_node(pm, &b, NULL), MM_OK);
	cr_expect_eq(b, a, "freed frame is reused first");
	physmem_read(pm, b + 8, 8, &v);
	cr_expect_eq(v, 0);
	physmem_stats(pm, &st);
	cr_expect_eq(st.node_frames, 1);
	physmem_free_node(pm, b);
	physmem_destroy(pm);
}

Test(physmem, exhaustion_is_an_error)
{
	struct mm_error err = { 0 };
	struct physmem *pm = physmem_create(0, 2 * 4096, 4096, NULL);
	uint64_t a, b, c;

	cr_assert_eq(physmem_alloc_node(pm, &a, NULL), MM_OK);
	cr_assert_eq(physmem_alloc_data(pm, 4096, 4096, &b, NULL), MM_OK);
	cr_expect_eq(physmem_alloc_node(pm, &c, &err), MM_ENOMEM);
	cr_expect_str_eq(err.msg, "out of physical memory (2 frames of 4096 bytes in use)");
	physmem_destroy(pm);
}

/* Data allocations honour alignment; skipped frames stay usable. */
Test(physmem, data_alignment_and_gap_reuse)
{
	struct physmem *pm = physmem_create(0x80000000, 8 << 20, 4096, NULL);
	struct physmem_stats st;
	uint64_t n, d, g;

	cr_assert_eq(physmem_alloc_node(pm, &n, NULL), MM_OK);
	cr_assert_eq(physmem_alloc_data(pm, 2 << 20, 2 << 20, &d, NULL), MM_OK);
	cr_expect_eq(d & ((2 << 20) - 1), 0);
	cr_expect_eq(d, 0x80200000);
	cr_assert_eq(physmem_alloc_data(pm, 4096, 4096, &g, NULL), MM_OK);
	cr_expect_lt(g, 0x80200000ull, "a gap frame is handed out before new ones");
	physmem_stats(pm, &st);
	cr_expect_eq(st.data_frames, 512 + 1);
	cr_expect_eq(st.node_frames, 1);
	cr_expect_eq(st.backed_frames, 1, "data frames are accounted, not backed");
	physmem_destroy(pm);
}

static int count_frames(void *arg, uint64_t pa, const uint8_t *data)
{
	uint64_t *last = arg;
	cr_expect_gt(pa + 1, *last + 1, "ascending order");
	cr_expect_not_null(data);
	*last = pa;
	return 0;
}

Test(physmem, for_each_backed_in_order)
{
	struct physmem *pm = physmem_create(0, 1 << 30, 4096, NULL);
	uint64_t last = 0;

	for (uint64_t pa = 0x3000000; pa > 0; pa -= 0x100000)
		physmem_write(pm, pa, 8, pa);
	cr_expect_eq(physmem_for_each_backed(pm, count_frames, &last), 0);
	cr_expect_eq(last, 0x3000000);
	physmem_destroy(pm);
}

/* Many frames force the hash table to grow and to delete with backward shifts. */
Test(physmem, many_frames_survive_growth_and_deletion)
{
	struct physmem *pm = physmem_create(0, 1ull << 32, 4096, NULL);
	enum { N = 5000 };
	static uint64_t pa[N];
	uint64_t v;

	for (int i = 0; i < N; i++) {
		cr_assert_eq(physmem_alloc_node(pm, &pa[i], NULL), MM_OK);
		physmem_write(pm, pa[i], 8, (uint64_t)i + 1);
	}
	for (int i = 0; i < N; i += 2)
		physmem_free_node(pm, pa[i]);
	for (int i = 1; i < N; i += 2) {
		physmem_read(pm, pa[i], 8, &v);
		cr_assert_eq(v, (uint64_t)i + 1);
	}
	for (int i = 1; i < N; i += 2)
		physmem_free_node(pm, pa[i]);
	physmem_destroy(pm);
}

/*
 * The walker reads frames through the flat array (direct.frames): after
 * allocations, writes and frees it must hold exactly the directory's view of
 * every frame.  Memories above 2^28 frames keep no flat array.
 */
Test(physmem, flat_frames_mirror_the_directory)
{
	struct physmem *pm = physmem_create(0x80000000, 1ull << 32, 4096, NULL);
	struct pt_mem mem = physmem_pt_mem(pm);
	enum { N = 3000 };
	static uint64_t pa[N];

	cr_assert_not_null(pm);
	cr_assert_not_null(mem.direct->frames, "a 4 GiB memory keeps a flat frame array");
	for (int i = 0; i < N; i++) {
		cr_assert_eq(physmem_alloc_node(pm, &pa[i], NULL), MM_OK);
		physmem_write(pm, pa[i] + 8, 8, (uint64_t)i + 1);
	}
	for (int i = 0; i < N; i += 3)
		physmem_free_node(pm, pa[i]);
	/* A data frame written by hand, far from the nodes. */
	physmem_write(pm, 0x80000000 + (3ull << 30), 8, 42);
	for (uint64_t f = 0; f < 4096 + (1 << 18); f++) { /* the first nodes, and the last GiB */
		uint64_t at = f < 4096 ? 0x80000000 + f * 4096 : 0x80000000 + (3ull << 30) + (f - 4096) * 4096;
		uint64_t frame = (at - 0x80000000) >> 12;
		cr_assert_eq(mem.direct->frames[frame], physmem_frame_peek(pm, at),
			     "frame 0x%lx: flat array and directory disagree", (unsigned long)at);
	}
	for (int i = 1; i < N; i += 3) {
		const uint8_t *host = pt_mem_direct_pte(mem.direct, pa[i] + 8, 8, 12);
		cr_assert_not_null(host);
		cr_assert_eq(pt_mem_load_le(host, 8), (uint64_t)i + 1);
	}
	cr_expect_null(pt_mem_direct_pte(mem.direct, pa[0] + 8, 8, 12), "a freed node reads through ops (as zeros)");
	physmem_destroy(pm);

	pm = physmem_create(0, 1ull << 41, 4096, NULL);
	cr_assert_not_null(pm);
	cr_expect_null(physmem_pt_mem(pm).direct->frames, "2^29 frames: no flat array");
	physmem_destroy(pm);
}

/*
 * A run of node frames (a 16 KiB RISC-V G-stage root): aligned to its size,
 * zeroed, counted as node frames, each freed alone; refused cleanly when no
 * aligned run is left.
 */
Test(physmem, node_run_aligned_zeroed_and_freed)
{
	struct mm_error err = { 0 };
	struct physmem *pm = physmem_create(0x80000000, 8 * 4096, 4096, NULL);
	struct physmem_stats st;
	uint64_t n, run, v = 1, again;

	cr_assert_eq(physmem_alloc_node(pm, &n, NULL), MM_OK); /* 0x80000000: the run must skip 3 frames */
	cr_assert_eq(physmem_write(pm, n, 8, ~0ull), MM_OK);
	physmem_free_node(pm, n);
	cr_assert_eq(physmem_alloc_node(pm, &n, NULL), MM_OK);
	cr_assert_eq(physmem_alloc_node_run(pm, 4, &run, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(run, 0x80004000ull);
	for (uint64_t off = 0; off < 4 * 4096; off += 8) {
		cr_assert_eq(physmem_read(pm, run + off, 8, &v), MM_OK);
		cr_assert_eq(v, 0, "byte %llu of the run is not zero", (unsigned long long)off);
	}
	physmem_stats(pm, &st);
	cr_expect_eq(st.node_frames, 5);
	/* Frames 1-3 went to the free list; no second aligned run of 4 fits in 8 frames. */
	cr_expect_eq(physmem_alloc_node_run(pm, 4, &again, &err), MM_ENOMEM);
	cr_expect_str_eq(err.msg, "out of physical memory (5 frames of 4096 bytes in use)");
	for (unsigned i = 0; i < 4; i++)
		physmem_free_node(pm, run + i * 4096);
	physmem_free_node(pm, n);
	physmem_stats(pm, &st);
	cr_expect_eq(st.node_frames, 0);
	cr_expect_eq(st.backed_frames, 0);
	physmem_destroy(pm);
}

/*
 * Host memory behind simulated frames is bounded (PT_MEM_MAX_HOST_BYTES by
 * default): a 64 GiB memory could otherwise take 64 GiB of the host, one
 * written frame at a time.  Here a 4-frame bound on a 1 MiB memory.
 */
Test(physmem, host_memory_is_bounded)
{
	struct mm_error err = { 0 };
	struct physmem *pm = physmem_create(0, 1 << 20, 4096, &err);
	struct pt_mem mem;
	uint64_t pa, first = 0;

	cr_assert_not_null(pm);
	mem = physmem_pt_mem(pm);
	cr_expect_eq(mem.ops->nodes_backable(pm), PT_MEM_MAX_HOST_BYTES / 4096);
	physmem_set_host_limit(pm, 4 * 4096);
	cr_expect_eq(mem.ops->nodes_backable(pm), 4);
	cr_assert_eq(physmem_alloc_node(pm, &first, &err), MM_OK);
	for (int i = 0; i < 2; i++)
		cr_assert_eq(physmem_alloc_node(pm, &pa, &err), MM_OK);
	/* A write backs a data frame: it counts too. */
	cr_assert_eq(physmem_write(pm, 0x80000, 8, 1), MM_OK);
	cr_expect_eq(mem.ops->nodes_backable(pm), 0);
	cr_expect_eq(mem.ops->nodes_available(pm), 256 - 3, "the simulated frames are still free");
	cr_expect_eq(physmem_alloc_node(pm, &pa, &err), MM_ENOMEM);
	cr_expect_str_eq(err.msg, "out of host memory: simulated memory may use 16K of the host's, all in use "
				  "(4 frames of 4096 bytes)");
	cr_expect_eq(physmem_write(pm, 0x90000, 8, 1), MM_ENOMEM);
	/* A frame given back makes room again. */
	physmem_free_node(pm, first);
	cr_expect_eq(mem.ops->nodes_backable(pm), 1);
	cr_expect_eq(physmem_alloc_node(pm, &pa, &err), MM_OK);
	physmem_destroy(pm);
}
