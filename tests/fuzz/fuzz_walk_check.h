/*
 * fuzz_walk_check: one hardware walk over untrusted memory, with the walk's
 * contract checked afterwards (shared by fuzz_walk and fuzz_image).
 *
 * The walk must return -- a translation or a fault, never a crash -- and:
 *   - list at most nr_levels steps (of the VA's half: Arm's TTBR1 table may
 *     have a VA size of its own), each index below its node's entries (the
 *     top node's may be fewer: pc_entries) and each PTE address inside its
 *     table;
 *   - start a full walk in the root the VA selects: with split roots (Arm)
 *     VA bit 55 picks TTBR1's table (walker.upper_root), else req->root;
 *   - on success: a leaf level the format allows, page_size to match it
 *     (the level's size, or a NAPOT run below the next level's size), and
 *     a PA that keeps the VA's offset within the page; the same access
 *     re-checked as a TLB hit (walk_check_access) is allowed;
 *   - on a fault: a kind and a reason from the enums;
 *   - a PTE read that failed (MM_EBUS) ends the walk in a bus-error fault,
 *     and a bus-error fault comes only from a failed access;
 *   - with no_ad_update, nothing is written to memory.
 * Memory is reached through a pt_mem that forwards to the real one and
 * records what the walk did; describe_pte/describe_fault are exercised on
 * what the walk read, with a roomy and a tiny buffer (truncation).
 *
 * The preset paging constants are written out by hand (from the YAML files in configs/);
 * fuzz_presets_check() compares them with config_load_preset() once at start.
 */
#ifndef MMUSIM_TESTS_FUZZ_FUZZ_WALK_CHECK_H
#define MMUSIM_TESTS_FUZZ_FUZZ_WALK_CHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pt/cpu_ctl.h"
#include "pt/mm_error.h"
#include "pt/paging_consts.h"
#include "pt/pt_arch.h"
#include "pt/pt_mem.h"
#include "pt/walk.h"
#include "formats/config.h"

struct fuzz_preset {
	const char *name;
	const struct pt_arch *arch;
	struct paging_consts pc;        /* configured fields; derived per use */
};

/*
 * base_page_size, nr_levels, pte_size, address_width, va_sign_ext, highest
 * level, PA width; the geometry flags the format sets (partial_top,
 * split_halves) by hand too, as config loading sets them.
 */
#define FUZZ_PC(page, levels, pte, aw, sign, htl, pa) \
	{ .base_page_size = page, .nr_levels = levels, .pte_size = pte, .address_width = aw, \
	  .va_sign_ext = sign, .highest_translation_level = htl, .phys_addr_width = pa }
#define FUZZ_PC_ARM(page, levels, aw, htl, pa) \
	{ .base_page_size = page, .nr_levels = levels, .pte_size = 8, .address_width = aw, .va_sign_ext = true, \
	  .highest_translation_level = htl, .phys_addr_width = pa, .partial_top = true, .split_halves = true }

static const struct fuzz_preset fuzz_presets[] = {
	{ "sv39", &pt_arch_riscv64, FUZZ_PC(4096, 3, 8, 39, true, 3, 56) },
	{ "sv48", &pt_arch_riscv64, FUZZ_PC(4096, 4, 8, 48, true, 4, 56) },
	{ "sv57", &pt_arch_riscv64, FUZZ_PC(4096, 5, 8, 57, true, 5, 56) },
	{ "x86_64", &pt_arch_x86_64, FUZZ_PC(4096, 4, 8, 48, true, 3, 52) },
	{ "x86_64_la57", &pt_arch_x86_64, FUZZ_PC(4096, 5, 8, 57, true, 3, 52) },
	{ "sv32", &pt_arch_riscv32, FUZZ_PC(4096, 2, 4, 32, false, 2, 34) },
	{ "x86_32", &pt_arch_x86_32, FUZZ_PC(4096, 2, 4, 32, false, 2, 40) },
	/* toy layout: valid read write exec user huge accessed dirty, frame shift and width */
	{ "toy", &pt_arch_toy, { .base_page_size = 64, .nr_levels = 2, .pte_size = 2, .address_width = 16,
				 .highest_translation_level = 2, .phys_addr_width = 16, .partial_top = true,
				 .concat_top_bits = TOY_CONCAT_TOP_BITS, .layout = { 0, 1, 2, 3, 4, 5, -1, -1, 6, 10 } } },
	/* Arm ARM D8: 4K blocks at levels 1-2 (ours 3, 2), 16K and 64K at level 2 only (ours 2) */
	{ "aarch64", &pt_arch_aarch64, FUZZ_PC_ARM(4096, 4, 48, 3, 48) },
	{ "aarch64_16k", &pt_arch_aarch64, FUZZ_PC_ARM(16384, 4, 48, 2, 48) },
	{ "aarch64_64k", &pt_arch_aarch64, FUZZ_PC_ARM(65536, 3, 48, 2, 48) },
	{ "aarch64_52", &pt_arch_aarch64, FUZZ_PC_ARM(65536, 3, 52, 2, 48) },
};
/* Indexes in fuzz_presets of the formats fuzz_image walks with. */
enum { FUZZ_PRESET_SV39 = 0, FUZZ_PRESET_X86_64 = 3, FUZZ_PRESET_AARCH64 = 8, FUZZ_PRESET_AARCH64_64K = 10 };
#define FUZZ_NR_PRESETS (sizeof(fuzz_presets) / sizeof(fuzz_presets[0]))

/* The hand-written table must match the embedded presets; aborts at start-up if not. */
static void fuzz_presets_check(void)
{
	for (size_t i = 0; i < FUZZ_NR_PRESETS; i++) {
		const struct fuzz_preset *p = &fuzz_presets[i];
		struct paging_consts pc = p->pc;
		struct machine_config cfg;
		struct mm_error err = { 0 };

		if (config_load_preset(p->name, &cfg, &err) != MM_OK ||
		    paging_consts_derive(&pc, &err) != MM_OK || cfg.arch != p->arch ||
		    memcmp(&cfg.pc, &pc, sizeof(pc)) != 0) {
			fprintf(stderr, "fuzz: preset %s differs from the fuzzer's table: %s\n", p->name,
				err.msg);
			abort();
		}
	}
}

/* ---- a pt_mem that records what the walk does ---- */

struct fuzz_mem {
	const struct pt_mem *inner;
	unsigned reads, writes;
	bool read_failed, write_failed;
};

static int fuzz_mem_read(void *impl, uint64_t pa, unsigned size, uint64_t *val)
{
	struct fuzz_mem *m = impl;
	int rc = pt_mem_read(m->inner, pa, size, val);

	m->reads++;
	if (rc != MM_OK)
		m->read_failed = true;
	return rc;
}

static int fuzz_mem_write(void *impl, uint64_t pa, unsigned size, uint64_t val)
{
	struct fuzz_mem *m = impl;
	int rc = pt_mem_write(m->inner, pa, size, val);

	m->writes++;
	if (rc != MM_OK)
		m->write_failed = true;
	return rc;
}

static int fuzz_mem_alloc_node(void *impl, uint64_t *pa, struct mm_error *err)
{
	(void)impl;
	(void)pa;
	return mm_error_set(err, MM_ENOMEM, "a walk never allocates");
}

static void fuzz_mem_free_node(void *impl, uint64_t pa)
{
	(void)impl;
	(void)pa;
	abort(); /* a walk never frees */
}

static uint64_t fuzz_mem_nodes_available(const void *impl)
{
	(void)impl;
	return 0;
}

static const struct pt_mem_ops fuzz_mem_ops = {
	.read = fuzz_mem_read,
	.write = fuzz_mem_write,
	.alloc_node = fuzz_mem_alloc_node,
	.free_node = fuzz_mem_free_node,
	.nodes_available = fuzz_mem_nodes_available,
};

#define FUZZ_CHECK(cond, what)                                                             \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "fuzz: %s: walk contract broken: %s (va 0x%llx root 0x%llx)\n", \
				arch->name, what, (unsigned long long)req->va,                     \
				(unsigned long long)req->root);                            \
			abort();                                                           \
		}                                                                          \
	} while (0)

/* The table a walk from the top starts in: split roots (Arm ARM D8.2.2) pick it by VA bit 55. */
static uint64_t fuzz_walk_root(const struct paging_consts *pc, const struct walk_request *req, uint64_t upper_root)
{
	return pc->split_halves && (req->va >> 55 & 1) ? upper_root : req->root;
}

/*
 * Walks req over mem with the given format and CPU bits (upper_root: the
 * upper half's table for split roots), then checks the result.
 */
static void fuzz_walk_checked(const struct pt_arch *arch, const struct paging_consts *pc,
			      const struct cpu_ctl *ctl, const struct pt_mem *mem,
			      const struct walk_request *req, uint64_t upper_root)
{
	struct fuzz_mem fm = { .inner = mem };
	struct pt_mem spy = { .ops = &fuzz_mem_ops, .impl = &fm };
	struct walker w = { .arch = arch, .pc = pc, .ctl = ctl, .mem = &spy, .upper_root = upper_root };
	struct walk_result res;
	struct walk_fault f;
	char buf[160], tiny[6];
	struct paging_consts upper;

	/* TTBR1's half with a VA size of its own (T1SZ != T0SZ): its walk has that half's levels. */
	if (pc->split_halves && pc->half_width[1] != pc->address_width) {
		pc_half(pc, true, &upper);
		w.upper_pc = &upper;
		if (req->va >> 55 & 1)
			pc = &upper;
	}
	walk(&w, req, &res);

	FUZZ_CHECK(res.nr_steps <= pc->nr_levels, "more steps than levels");
	for (unsigned i = 0; i < res.nr_steps; i++) {
		const struct walk_step *s = &res.steps[i];

		FUZZ_CHECK(s->level >= 1 && s->level <= pc->nr_levels, "step level out of range");
		FUZZ_CHECK(s->index < pc_entries(pc, s->level), "step index out of range of its node");
		FUZZ_CHECK(s->pte_addr == s->table + (uint64_t)s->index * pc->pte_size,
			   "pte_addr != table + index * pte_size");
		arch->describe_pte(pc, ctl, s->pte, s->level, buf, sizeof(buf));
		FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL, "describe_pte unterminated");
		arch->describe_pte(pc, ctl, s->pte, s->level, tiny, sizeof(tiny));
		FUZZ_CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL, "describe_pte unterminated (tiny)");
	}
	if (res.nr_steps && !req->start_level)
		FUZZ_CHECK(res.steps[0].level == pc->nr_levels && res.steps[0].table == fuzz_walk_root(pc, req, upper_root),
			   "the walk did not start at the top of the root the VA selects");
	if (res.ok) {
		FUZZ_CHECK(res.level >= 1 && res.level <= pc->highest_translation_level,
			   "leaf at a level that cannot map a page");
		/* The leaf level's size, or larger for a contiguous run (RISC-V Svnapot: 64 KiB at level 1). */
		FUZZ_CHECK(res.page_size >= pc_page_size(pc, res.level) &&
			   (res.page_size & (res.page_size - 1)) == 0 &&
			   (res.level == pc->nr_levels || res.page_size < pc_page_size(pc, res.level + 1)),
			   "page_size does not fit the leaf level");
		FUZZ_CHECK((res.pa & (res.page_size - 1)) == (req->va & (res.page_size - 1)),
			   "PA lost the VA's page offset");
		FUZZ_CHECK(!fm.read_failed, "translation despite a failed PTE read");
		FUZZ_CHECK(walk_check_access(&w, req, res.perms, res.leaf_pte, res.level, &f),
			   "walk allowed the access but the TLB-hit check refuses it");
	} else {
		FUZZ_CHECK(res.fault.kind > FAULT_NONE && res.fault.kind < FAULT_KIND_COUNT,
			   "fault kind out of range");
		FUZZ_CHECK(res.fault.reason > REASON_NONE && res.fault.reason < REASON_COUNT,
			   "fault reason out of range");
		FUZZ_CHECK(!fm.read_failed || res.fault.kind == FAULT_BUS_ERROR,
			   "failed PTE read not reported as a bus error");
		FUZZ_CHECK(res.fault.kind != FAULT_BUS_ERROR || fm.read_failed || fm.write_failed,
			   "bus error without a failed memory access");
		arch->describe_fault(&res.fault, buf, sizeof(buf));
		FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL, "describe_fault unterminated");
		arch->describe_fault(&res.fault, tiny, sizeof(tiny));
		FUZZ_CHECK(memchr(tiny, '\0', sizeof(tiny)) != NULL, "describe_fault unterminated (tiny)");
		(void)walk_reason_text(res.fault.reason);
		(void)fault_kind_name(res.fault.kind);
	}
	FUZZ_CHECK(!req->no_ad_update || fm.writes == 0, "no_ad_update walk wrote memory");
}

#undef FUZZ_CHECK

#endif
