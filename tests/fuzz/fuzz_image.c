/*
 * fuzz_image: image_open() on arbitrary files, then walks over what it maps.
 *
 * The input is written to the per-process memfd (fuzz_file.h) and opened with
 * IMAGE_AUTO and raw_base 0: a file starting with the ELF magic is parsed as
 * an ELF core, one whose first line is "ARG ..." or "page N..." as OSTEP's
 * homework output (formats/image_ostep.c), anything else is raw memory at PA 0.  If it opens, the image's
 * own description is checked (segments sorted and disjoint, notes readable),
 * PTE-sized reads are made at and around every segment's edges (including
 * misaligned and bad sizes, which must fail cleanly), alloc_node must refuse,
 * and walks run with the x86_64, sv39, aarch64 and aarch64_64k constants from
 * every mmusim root note -- or from each segment's start when there is none,
 * the same table serving as both of Arm's roots -- for a few VAs
 * taken from the file's first bytes.  The walk checks are in
 * fuzz_walk_check.h.  From each root the leaf iteration (what `mmusim
 * mappings` prints) must end within its bound however the entries loop: at
 * most 512 leaves per node entered, and nodes entered at most once each plus
 * PT_FOR_EACH_MAX_REENTRIES (loops) plus PT_FOR_EACH_MAX_SHARED (nodes
 * shared under several entries), so a self-referencing image stops fast.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "fuzz_walk_check.h"
#include "pt/mm_error.h"
#include "pt/page_table.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "formats/image.h"

#define MAX_ROOTS 8
#define MAX_SEGMENTS 16

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_presets_check();
	return 0;
}

/* Reads around pa with every size; only the result codes are checked. */
static void probe(const struct pt_mem *m, uint64_t pa)
{
	static const unsigned sizes[] = { 1, 2, 3, 4, 8, 16 };
	uint64_t v;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (uint64_t d = 0; d < 2; d++) {
			int rc = pt_mem_read(m, pa + d, sizes[i], &v);

			if (rc != MM_OK && rc != MM_EBUS && rc != MM_EINVAL)
				abort(); /* undocumented result */
			if (rc == MM_OK && ((sizes[i] & (sizes[i] - 1)) || sizes[i] > 8 ||
					    ((pa + d) & (sizes[i] - 1))))
				abort(); /* a bad size or misaligned read was accepted */
		}
	}
}

static int count_leaf(void *arg, const struct pt_mapping *map)
{
	(void)map;
	++*(uint64_t *)arg;
	return 0;
}

/*
 * Leaves over the table at root: a present entry lies in the image, so the
 * nodes that have any are at most its bytes / node size plus one per segment
 * (a node that straddles its start), each entered once plus the re-entries.
 */
static void iterate_all(const struct pt_env *env, uint64_t root, uint64_t image_bytes, size_t nr_segs)
{
	struct page_table *pt;
	struct mm_error err = { 0 };
	uint64_t leaves = 0, node_bytes = (uint64_t)env->pc->nr_entries * env->pc->pte_size;

	/* A split-root format's table is read as either half's. */
	for (int upper = 0; upper <= (int)env->pc->split_halves; upper++) {
		leaves = 0;
		if (pt_attach(env, root, upper, &pt, &err) != MM_OK)
			return;
		int rc = pt_for_each(pt, count_leaf, &leaves);
		if (rc != 0 && rc != PT_FOR_EACH_LOOP && rc != PT_FOR_EACH_SHARED)
			abort(); /* an undocumented result */
		if (leaves > (image_bytes / node_bytes + nr_segs + 1 + PT_FOR_EACH_MAX_REENTRIES +
			      PT_FOR_EACH_MAX_SHARED) * env->pc->nr_entries)
			abort(); /* the walk went past its bound */
		pt_destroy(pt);
	}
}

static void walk_all(const struct pt_mem *m, uint64_t root, const uint8_t *data, size_t size, uint64_t image_bytes,
		     size_t nr_segs)
{
	static const size_t archs[] = { FUZZ_PRESET_X86_64, FUZZ_PRESET_SV39, FUZZ_PRESET_AARCH64,
					FUZZ_PRESET_AARCH64_64K };
	struct cpu_ctl ctl = { .wp = true, .nxe = true, .ad = AD_SVADU, .svpbmt = true, .svnapot = true,
			       .ha = true, .hd = true, .asid16 = true, .mair = 0x000000000044ff00ull };

	for (size_t i = 0; i < sizeof(archs) / sizeof(archs[0]); i++) {
		const struct fuzz_preset *p = &fuzz_presets[archs[i]];
		struct paging_consts pc = p->pc;
		struct mm_error err;

		if (paging_consts_derive(&pc, &err) != MM_OK)
			abort();
		struct pt_env env = { .arch = p->arch, .pc = &pc, .ctl = &ctl, .mem = m };
		iterate_all(&env, root & ~(pc.base_page_size - 1), image_bytes, nr_segs);
		/* A few VAs: 0, and ones built from the file's bytes 16.. (past the ELF ident). */
		for (size_t k = 0; k < 4; k++) {
			uint64_t va = 0;
			struct walk_request req;

			for (size_t b = 0; b < 8 && 16 + k * 8 + b < size; b++)
				va |= (uint64_t)data[16 + k * 8 + b] << (8 * b);
			req = (struct walk_request){
				.root = root & ~(pc.base_page_size - 1),
				.va = pc_va_canonicalize(&pc, va),
				.access = (enum access_kind)(k % 3),
				.priv = k & 1 ? PRIV_SUPERVISOR : PRIV_USER,
			};
			fuzz_walk_checked(p->arch, &pc, &ctl, m, &req, req.root);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file_put(data, size);
	struct image *img = NULL;
	struct mm_error err = { 0 };
	struct pt_mem m;
	size_t nr_roots, nr_segs;
	uint64_t prev_end = 0, pa, len, nodepa;
	bool ended = false; /* a segment reached the top of the 64-bit space */
	uint64_t image_bytes = 0;

	if (image_open(path, IMAGE_AUTO, 0, &img, &err) != MM_OK) {
		if (memchr(err.msg, '\0', sizeof(err.msg)) == NULL)
			abort();
		return 0;
	}
	m = image_pt_mem(img);
	nr_segs = image_nr_segments(img);
	if (nr_segs == 0)
		abort(); /* opened an image with no memory */
	for (size_t i = 0; i < nr_segs; i++) {
		image_segment(img, i, &pa, &len);
		/* Sorted, disjoint, non-empty, not wrapping; ending exactly at 2^64 is allowed. */
		if (len == 0 || (i > 0 && (ended || pa < prev_end)) || (pa + len < pa && pa + len != 0))
			abort();
		prev_end = pa + len;
		image_bytes += len;
		ended = prev_end == 0;
		if (i < MAX_SEGMENTS) {
			probe(&m, pa);
			probe(&m, pa + len - 8);
			probe(&m, pa + len);
			if (pa >= 8)
				probe(&m, pa - 8);
		}
	}
	if (m.ops->alloc_node(m.impl, &nodepa, &err) == MM_OK)
		abort(); /* an image is read-only */

	nr_roots = image_nr_roots(img);
	for (size_t i = 0; i < nr_roots && i < MAX_ROOTS; i++) {
		char name[16];
		uint64_t root, reg;

		if (image_root(img, i, name, &root, &reg) != MM_OK || memchr(name, '\0', 16) == NULL)
			abort();
		walk_all(&m, root, data, size, image_bytes, nr_segs);
	}
	if (image_root(img, nr_roots, (char[16]){ 0 }, &pa, &len) != MM_EINVAL)
		abort();
	if (nr_roots == 0) {
		for (size_t i = 0; i < nr_segs && i < MAX_SEGMENTS; i++) {
			image_segment(img, i, &pa, &len);
			walk_all(&m, pa, data, size, image_bytes, nr_segs);
		}
		walk_all(&m, 0, data, size, image_bytes, nr_segs);
	}
	image_close(img);
	return 0;
}
