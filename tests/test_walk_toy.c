/*
 * test_walk_toy: the toy format walked over PTEs written by hand.
 *
 * The toy preset (configs/toy.yaml): 16-bit VA = L2 index 15:11 | L1 index
 * 10:6 | offset 5:0; 2-byte PTE = frame 15:6 | H 5 | U 4 | X 3 | W 2 | R 1 |
 * V 0, so a PTE with its flag bits cleared is its frame's PA.  Expected PAs
 * are computed by hand in the comments.
 */
#include <criterion/criterion.h>

#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "formats/config.h"
#include "sim/physmem.h"

#define V 0x01u
#define R 0x02u
#define W 0x04u
#define X 0x08u
#define U 0x10u
#define H 0x20u
#define ROOT 0x100u
#define NODE 0x200u
/* VA 0x1234 = 0b00010 01000 110100: L2 index 2, L1 index 8, offset 0x34. */
#define VA 0x1234u
#define L2_SLOT (ROOT + 2 * 2)  /* 0x104 */
#define L1_SLOT (NODE + 8 * 2)  /* 0x210 */

struct env {
	struct machine_config cfg;
	struct physmem *pm;
	struct pt_mem mem;
	struct walker w;
};

static void env_load(struct env *e, const char *yaml)
{
	struct mm_error err = { 0 };

	if (yaml)
		cr_assert_eq(config_load_string(yaml, strlen(yaml), "t.yaml", &e->cfg, &err), MM_OK, "%s", err.msg);
	else
		cr_assert_eq(config_load_preset("toy", &e->cfg, &err), MM_OK, "%s", err.msg);
	e->pm = physmem_create(e->cfg.mem_base, e->cfg.mem_size, e->cfg.pc.base_page_size, &err);
	cr_assert(e->pm, "%s", err.msg);
	e->mem = physmem_pt_mem(e->pm);
	e->w = (struct walker){ .arch = e->cfg.arch, .pc = &e->cfg.pc, .ctl = &e->cfg.cpu, .mem = &e->mem };
}

static void put(struct env *e, uint64_t pa, uint64_t v)
{
	cr_assert_eq(physmem_write(e->pm, pa, e->cfg.pc.pte_size, v), MM_OK);
}

static uint64_t get(struct env *e, uint64_t pa)
{
	uint64_t v = 0;
	physmem_read(e->pm, pa, e->cfg.pc.pte_size, &v);
	return v;
}

static void go(struct env *e, uint64_t va, enum access_kind a, enum privilege p, struct walk_result *res)
{
	struct walk_request req = { .root = ROOT, .va = va, .access = a, .priv = p };
	walk(&e->w, &req, res);
}

Test(walk_toy, base_page_by_hand)
{
	struct env e;
	struct walk_result res;

	env_load(&e, NULL);
	put(&e, L2_SLOT, NODE | V);             /* 0x0201: points to the node at 0x200 */
	put(&e, L1_SLOT, 0x3c0 | V | R | W | U); /* 0x03d7: frame 0x3c0 */
	go(&e, VA, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok, "%s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0x3f4);             /* 0x3c0 | 0x34 */
	cr_expect_eq(res.page_size, 64);
	cr_expect_eq(res.steps[0].pte_addr, 0x104);
	cr_expect_eq(res.steps[1].pte_addr, 0x210);
	cr_expect_eq(res.perms, PERM_R | PERM_W | PERM_U);
	physmem_destroy(e.pm);
}

Test(walk_toy, huge_page_at_level_2)
{
	struct env e;
	struct walk_result res;

	env_load(&e, NULL);
	put(&e, L2_SLOT, 0x800 | V | R | X | H);  /* a 2 KiB page at 0x800 */
	go(&e, VA, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "%s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0xa34);              /* 0x800 | (0x1234 & 0x7ff = 0x234) */
	cr_expect_eq(res.page_size, 2048);
	cr_expect_eq(res.level, 2);
	put(&e, L2_SLOT, 0x840 | V | R | H);      /* frame not 2 KiB-aligned */
	go(&e, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_MISALIGNED_SUPERPAGE);
	physmem_destroy(e.pm);
}

Test(walk_toy, faults_and_their_codes)
{
	struct env e;
	struct walk_result res;

	env_load(&e, NULL);
	go(&e, VA, ACCESS_READ, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_NOT_PRESENT && res.fault.level == 2);
	cr_expect_eq(res.fault.code, 0x4, "U");
	put(&e, L2_SLOT, NODE | V);
	put(&e, L1_SLOT, 0x3c0 | V | R);
	go(&e, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_TOY_NOT_WRITABLE && res.fault.code == 0x3);
	go(&e, VA, ACCESS_READ, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_TOY_USER_NOT_U && res.fault.code == 0x5);
	go(&e, VA, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_TOY_NOT_EXECUTABLE && res.fault.code == 0x11);
	put(&e, L1_SLOT, 0x3c0 | V | W);
	go(&e, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_TOY_NOT_READABLE);
	physmem_destroy(e.pm);
}

Test(walk_toy, frame_beyond_pa_bits_is_reserved)
{
	struct env e;
	struct walk_result res;

	env_load(&e, "extends: toy\nname: t\ntoy: { pa_bits: 14 }\nmemory: { size: 16K }\n");
	put(&e, L2_SLOT, 0x8000 | V);            /* names PA 0x8000 >= 2^14 */
	go(&e, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_RESERVED_BIT && res.fault.level == 2);
	cr_expect_eq(res.fault.code, 0x9, "P|RSVD");
	physmem_destroy(e.pm);
}

/* 1-byte PTEs: V 0, R 1, W 2, U 3, frame 7:4 (no exec bit: fetches always allowed); A/D in a 4-byte variant. */
Test(walk_toy, one_byte_ptes_and_absent_bits_grant)
{
	static const char yaml[] =
		"name: tiny\narch: toy\n"
		"toy: { va_bits: 12, page_size: 64, levels: 1, pte_size: 1, pa_bits: 10,\n"
		"       valid: 0, read: 1, write: 2, user: 3, frame_shift: 4, frame_width: 4 }\n"
		"memory: { base: 0, size: 1K }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 32], top_level_can_unmap: true }\n"
		"  kernel: { top_level_index_range: [32, 64], top_level_can_unmap: false }\n";
	struct env e;
	struct walk_result res;

	env_load(&e, yaml);
	/* VA 0x123: index 0x123 >> 6 = 4, offset 0x23; PTE 0x53 = frame 5, R, V. */
	put(&e, ROOT + 4, 0x53);
	go(&e, 0x123, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "%s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 5 * 64 + 0x23);
	cr_expect_eq(res.perms, PERM_R | PERM_X);
	physmem_destroy(e.pm);
}

Test(walk_toy, accessed_and_dirty_set_by_the_walk)
{
	static const char yaml[] =
		"extends: toy\nname: ad\n"
		"toy: { pte_size: 4, va_bits: 14, frame_shift: 8, frame_width: 10, accessed: 6, dirty: 7 }\n"
		"page_tables:\n"
		"  user: { top_level_index_range: [0, 8] }\n"
		"  kernel: { top_level_index_range: [8, 16] }\n"
		"tlb: []\n";
	struct env e;
	struct walk_result res;
	char desc[96];

	env_load(&e, yaml);
	/* 16 PTEs of 4 bytes per node: VA 0x1234 & 0x3fff -> L2 index 0x1234 >> 10 = 4, L1 index 8. */
	put(&e, ROOT + 4 * 4, (NODE >> 6) << 8 | V);
	put(&e, NODE + 8 * 4, (0x3c0 >> 6) << 8 | V | R | W);
	go(&e, 0x1234, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "%s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0x3f4);
	cr_expect_eq(get(&e, NODE + 8 * 4), (0x3c0 >> 6) << 8 | V | R | W | 0x40 | 0x80);
	cr_expect(res.set_accessed && res.set_dirty);
	e.cfg.arch->describe_pte(&e.cfg.pc, &e.cfg.cpu, res.leaf_pte, 1, desc, sizeof(desc));
	cr_expect_str_eq(desc, "V R W A D frame=0xf");
	physmem_destroy(e.pm);
}
