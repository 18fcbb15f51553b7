/*
 * test_walk_teaching: the two 32-bit teaching formats, walked over raw PTEs
 * written by hand from the specs' tables.
 *
 * Sv32 (RISC-V privileged spec, "Sv32: Page-Based 32-bit Virtual-Memory
 * System"): VA = VPN[1] 31:22 | VPN[0] 21:12 | offset; 4-byte PTE =
 * PPN[1] 31:20 (12 bits) | PPN[0] 19:10 (10 bits) | RSW 9:8 | D A G U X W R V;
 * PA = PPN[1] : PPN[0] : offset, 34 bits; a megapage with PPN[0] != 0 is a
 * misaligned superpage (page fault); satp = MODE 31 | ASID 30:22 | PPN 21:0.
 *
 * x86 32-bit paging (Intel SDM vol. 3 4.3, tables 4-3..4-6, 4.6, 4.7):
 * directory index 31:22, table index 21:12; PDE/PTE frame in 31:12; with
 * CR4.PSE a PDE with PS (bit 7) maps 4 MiB: PA 31:22 from bits 31:22 and PA
 * 39:32 from bits 20:13, bit 21 and bits 21:(M-19) reserved; #PF error code
 * P=1, W/R=2, U/S=4, RSVD=8, I/D=16 (only with SMEP: no NX).
 */
#include <criterion/criterion.h>

#include "pt/pt_arch.h"
#include "pt/walk.h"
#include "formats/config.h"
#include "sim/physmem.h"

struct env {
	struct machine_config cfg;
	struct physmem *pm;
	struct pt_mem mem;
	struct walker w;
};

static void env_init(struct env *e, const char *preset)
{
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset(preset, &e->cfg, &err), MM_OK, "%s", err.msg);
	e->pm = physmem_create(e->cfg.mem_base, e->cfg.mem_size, 4096, &err);
	cr_assert(e->pm, "%s", err.msg);
	e->mem = physmem_pt_mem(e->pm);
	e->w = (struct walker){ .arch = e->cfg.arch, .pc = &e->cfg.pc, .ctl = &e->cfg.cpu, .mem = &e->mem };
}

static void env_fini(struct env *e)
{
	physmem_destroy(e->pm);
}

static void put32(struct env *e, uint64_t pa, uint32_t v)
{
	cr_assert_eq(physmem_write(e->pm, pa, 4, v), MM_OK);
}

static uint32_t get32(struct env *e, uint64_t pa)
{
	uint64_t v = 0;
	physmem_read(e->pm, pa, 4, &v);
	return (uint32_t)v;
}

static void do_walk(struct env *e, uint64_t root, uint64_t va, enum access_kind a, enum privilege p,
		    struct walk_result *res)
{
	struct walk_request req = { .root = root, .va = va, .access = a, .priv = p };
	walk(&e->w, &req, res);
}

/* ---------------------------------------------------------------- Sv32 */

#define SV_V (1u << 0)
#define SV_R (1u << 1)
#define SV_W (1u << 2)
#define SV_X (1u << 3)
#define SV_U (1u << 4)
#define SV_A (1u << 6)
#define SV_D (1u << 7)
#define SV_ROOT 0x80001000u
#define SV_L1 0x80002000u
/* VA 0x12345678: VPN[1] = 0x48, VPN[0] = 0x345, offset 0x678. */
#define VA 0x12345678u
#define SV_PDE_ADDR (SV_ROOT + 0x48 * 4) /* 0x80001120 */
#define SV_PTE_ADDR (SV_L1 + 0x345 * 4)  /* 0x80002d14 */
/* PA 0x387654000: PPN 0x387654, PPN[1] 0xe1d, PPN[0] 0x254. */
#define SV_PTE(flags) ((0xe1du << 20) | (0x254u << 10) | (flags))
#define SV_PTR ((SV_L1 >> 12) << 10 | SV_V)

Test(sv32, four_kib_page_two_4_byte_ptes)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "sv32");
	put32(&e, SV_PDE_ADDR, SV_PTR);
	put32(&e, SV_PTE_ADDR, SV_PTE(SV_V | SV_R | SV_W | SV_U));
	put32(&e, SV_PTE_ADDR + 4, 0xdeadbeef); /* the neighbour: a 4-byte A/D update must not touch it */
	do_walk(&e, SV_ROOT, VA, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0x387654678ull);
	cr_expect_eq(res.page_size, 4096);
	cr_expect_eq(res.level, 1);
	cr_expect_eq(res.nr_steps, 2);
	cr_expect_eq(res.steps[0].pte_addr, 0x80001120u);
	cr_expect_eq(res.steps[1].pte_addr, 0x80002d14u);
	cr_expect_eq(get32(&e, SV_PTE_ADDR), SV_PTE(SV_V | SV_R | SV_W | SV_U | SV_A | SV_D));
	cr_expect_eq(get32(&e, SV_PTE_ADDR + 4), 0xdeadbeefu);
	env_fini(&e);
}

Test(sv32, megapage_takes_va_bits_21_0)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "sv32");
	put32(&e, SV_PDE_ADDR, (0xe1du << 20) | SV_V | SV_R | SV_X | SV_A);
	do_walk(&e, SV_ROOT, VA, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, (0xe1dull << 22) | (VA & 0x3fffff)); /* 0x387745678 */
	cr_expect_eq(res.pa, 0x387745678ull);
	cr_expect_eq(res.page_size, 4ull << 20);
	cr_expect_eq(res.level, 2);
	env_fini(&e);
}

Test(sv32, megapage_with_ppn0_set_is_misaligned)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "sv32");
	put32(&e, SV_PDE_ADDR, (0xe1du << 20) | (1u << 10) | SV_V | SV_R | SV_A);
	do_walk(&e, SV_ROOT, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_MISALIGNED_SUPERPAGE);
	cr_expect_eq(res.fault.level, 2);
	cr_expect_eq(res.fault.code, 13);
	env_fini(&e);
}

Test(sv32, page_faults_carry_the_access_cause)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "sv32");
	do_walk(&e, SV_ROOT, VA, ACCESS_WRITE, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_NOT_PRESENT && res.fault.level == 2 &&
		  res.fault.code == 15);
	put32(&e, SV_PDE_ADDR, SV_PTR);
	put32(&e, SV_PTE_ADDR, SV_PTE(SV_V | SV_R | SV_A | SV_D));
	do_walk(&e, SV_ROOT, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_PERMISSION && res.fault.code == 15);
	do_walk(&e, SV_ROOT, VA, ACCESS_READ, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_RV_USER_NOT_U && res.fault.code == 13);
	do_walk(&e, SV_ROOT, VA, ACCESS_EXEC, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_RV_NOT_EXECUTABLE && res.fault.code == 12);
	put32(&e, SV_PTE_ADDR, SV_PTE(SV_V | SV_W));
	do_walk(&e, SV_ROOT, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_RV_W_WITHOUT_R);
	put32(&e, SV_PTE_ADDR, SV_PTR); /* a pointer at the last level */
	do_walk(&e, SV_ROOT, VA, ACCESS_READ, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_NO_LEAF && res.fault.level == 1);
	env_fini(&e);
}

Test(sv32, satp_mode_bit_31_asid_9_bits_ppn_22_bits)
{
	struct env e;
	uint64_t root;
	uint16_t asid;
	struct mm_error err = { 0 };

	env_init(&e, "sv32");
	cr_expect_eq(e.cfg.arch->encode_root_reg(&e.cfg.pc, 0x3ffff000ull << 4, 0x1ff),
		     0x80000000ull | (0x1ffull << 22) | 0x3ffff0ull);
	cr_expect_eq(e.cfg.arch->decode_root_reg(&e.cfg.pc, 0xffc80001ull, &root, &asid, &err), MM_OK);
	cr_expect_eq(root, 0x80001000ull);
	cr_expect_eq(asid, 0x1ff);
	cr_expect_neq(e.cfg.arch->decode_root_reg(&e.cfg.pc, 0x00080001ull, &root, &asid, &err), MM_OK);
	cr_expect_str_eq(err.msg, "satp MODE 0 (Bare) is not a paged mode (Sv32 is MODE 1)");
	env_fini(&e);
}

/* -------------------------------------------------------------- x86_32 */

#define P (1u << 0)
#define RW (1u << 1)
#define US (1u << 2)
#define A (1u << 5)
#define D (1u << 6)
#define PS (1u << 7)
#define X_ROOT 0x1000u
#define X_PT 0x2000u
#define X_PDE_ADDR (X_ROOT + 0x48 * 4)
#define X_PTE_ADDR (X_PT + 0x345 * 4)

Test(x86_32, four_kib_page_sets_a_in_pde_and_a_d_in_pte)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "x86_32");
	put32(&e, X_PDE_ADDR, X_PT | P | RW | US);
	put32(&e, X_PTE_ADDR, 0x34567000u | P | RW | US);
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_USER, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0x34567678ull);
	cr_expect_eq(res.steps[0].pte_addr, 0x1120u);
	cr_expect_eq(res.steps[1].pte_addr, 0x2d14u);
	cr_expect_eq(get32(&e, X_PDE_ADDR), X_PT | P | RW | US | A);
	cr_expect_eq(get32(&e, X_PTE_ADDR), 0x34567000u | P | RW | US | A | D);
	cr_expect_eq(res.perms, PERM_R | PERM_W | PERM_X | PERM_U, "no NX: every page executes");
	env_fini(&e);
}

Test(x86_32, pse36_four_mib_page_reaches_40_bit_pa)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "x86_32");
	/* PA 0x12c0400000: bits 31:22 = 0xc0400000, bits 39:32 = 0x12 in PDE bits 20:13. */
	put32(&e, X_PDE_ADDR, 0xc0400000u | (0x12u << 13) | PS | P | RW | US);
	do_walk(&e, X_ROOT, VA, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.pa, 0x12c0745678ull);
	cr_expect_eq(res.page_size, 4ull << 20);
	cr_expect_eq(res.nr_steps, 1);
	env_fini(&e);
}

Test(x86_32, four_mib_pde_bit_21_is_reserved)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "x86_32");
	put32(&e, X_PDE_ADDR, 0xc0400000u | (1u << 21) | PS | P | RW | US);
	do_walk(&e, X_ROOT, VA, ACCESS_READ, PRIV_USER, &res);
	cr_assert(!res.ok);
	cr_expect_eq(res.fault.kind, FAULT_RESERVED_BIT);
	cr_expect_eq(res.fault.reason, REASON_X86_RSVD_PDE4M_BIT21);
	cr_expect_eq(res.fault.code, 0xd, "P|U|RSVD, got %#llx", (unsigned long long)res.fault.code);
	env_fini(&e);
}

Test(x86_32, four_mib_pde_bits_above_maxphyaddr_are_reserved)
{
	struct env e;
	struct walk_result res;
	struct mm_error err = { 0 };
	static const char yaml[] = "extends: x86_32\nname: m36\nphys_addr_width: 36\n";

	cr_assert_eq(config_load_string(yaml, sizeof(yaml) - 1, "m36.yaml", &e.cfg, &err), MM_OK, "%s", err.msg);
	e.pm = physmem_create(e.cfg.mem_base, e.cfg.mem_size, 4096, &err);
	e.mem = physmem_pt_mem(e.pm);
	e.w = (struct walker){ .arch = e.cfg.arch, .pc = &e.cfg.pc, .ctl = &e.cfg.cpu, .mem = &e.mem };
	/* M = 36: bits 20:13 hold PA 39:32, so bits 20:17 (PA 39:36) are reserved, 16:13 are not. */
	put32(&e, X_PDE_ADDR, 0xc0400000u | (1u << 16) | PS | P | RW);
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(res.ok);
	cr_expect_eq(res.pa, 0x8c0745678ull);
	put32(&e, X_PDE_ADDR, 0xc0400000u | (1u << 17) | PS | P | RW);
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_X86_RSVD_PHYS_BITS);
	cr_expect_eq(res.fault.code, 0xb, "P|W|RSVD");
	env_fini(&e);
}

Test(x86_32, without_pse_ps_is_ignored_and_the_pde_points_to_a_table)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "x86_32");
	e.cfg.cpu.pse = false;
	put32(&e, X_PDE_ADDR, X_PT | PS | P | RW | US);
	put32(&e, X_PTE_ADDR, 0x34567000u | P | US);
	do_walk(&e, X_ROOT, VA, ACCESS_READ, PRIV_USER, &res);
	cr_assert(res.ok, "fault %s", walk_reason_text(res.fault.reason));
	cr_expect_eq(res.level, 1);
	cr_expect_eq(res.pa, 0x34567678ull);
	env_fini(&e);
}

/*
 * The prefetch asks the same question as the walk: with PSE=0 it follows the
 * PDE to its page table and remembers that table (the memo slot of the
 * VA's 4 MiB region); with PSE=1 the PDE maps the page and no table is
 * remembered.
 */
Test(x86_32, prefetch_follows_a_ps_pde_while_pse_is_off)
{
	struct env e;
	struct walk_prefetch_memo *memo = walk_prefetch_memo_create();
	const struct walk_prefetch_slot *slot;

	cr_assert(memo);
	slot = &memo->slot[(VA >> 22) % WALK_PREFETCH_MEMO_SLOTS];
	env_init(&e, "x86_32");
	put32(&e, X_PDE_ADDR, X_PT | PS | P | RW | US);
	put32(&e, X_PTE_ADDR, 0x34567000u | P | US);
	e.cfg.cpu.pse = false;
	walk_prefetch(&e.w, X_ROOT, VA, memo);
	cr_expect(slot->epoch == memo->epoch && slot->leaf_table, "PSE=0: the page table is remembered");
	walk_prefetch_memo_clear(memo);
	e.cfg.cpu.pse = true;
	walk_prefetch(&e.w, X_ROOT, VA, memo);
	cr_expect(slot->epoch != memo->epoch, "PSE=1: a 4 MiB leaf, no page table");
	walk_prefetch_memo_destroy(memo);
	env_fini(&e);
}

Test(x86_32, rw_and_us_combine_over_both_levels)
{
	struct env e;
	struct walk_result res;

	env_init(&e, "x86_32");
	put32(&e, X_PDE_ADDR, X_PT | P | US);          /* R/W=0 in the PDE */
	put32(&e, X_PTE_ADDR, 0x34567000u | P | RW | US);
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_X86_WRITE_READONLY && res.fault.code == 0x7);
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(!res.ok && res.fault.code == 0x3, "CR0.WP=1: supervisor writes obey R/W");
	e.cfg.cpu.wp = false;
	do_walk(&e, X_ROOT, VA, ACCESS_WRITE, PRIV_SUPERVISOR, &res);
	cr_expect(res.ok, "CR0.WP=0: supervisor writes ignore R/W");
	put32(&e, X_PDE_ADDR, X_PT | P | RW);          /* U/S=0 in the PDE */
	do_walk(&e, X_ROOT, VA, ACCESS_READ, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.reason == REASON_X86_USER_SUPERVISOR && res.fault.code == 0x5);
	put32(&e, X_PTE_ADDR, 0);
	do_walk(&e, X_ROOT, VA, ACCESS_EXEC, PRIV_USER, &res);
	cr_expect(!res.ok && res.fault.kind == FAULT_NOT_PRESENT && res.fault.code == 0x4,
		  "no I/D bit without SMEP, got %#llx", (unsigned long long)res.fault.code);
	e.cfg.cpu.smep = true;
	do_walk(&e, X_ROOT, VA, ACCESS_EXEC, PRIV_USER, &res);
	cr_expect_eq(res.fault.code, 0x14, "I/D with SMEP");
	env_fini(&e);
}

Test(x86_32, cr3_holds_bits_31_12)
{
	struct env e;
	uint64_t root;
	uint16_t asid;
	struct mm_error err = { 0 };

	env_init(&e, "x86_32");
	cr_expect_eq(e.cfg.arch->encode_root_reg(&e.cfg.pc, 0x1000, 5), 0x1000);
	cr_expect_eq(e.cfg.arch->decode_root_reg(&e.cfg.pc, 0xabcde018, &root, &asid, &err), MM_OK);
	cr_expect_eq(root, 0xabcde000);
	cr_expect_neq(e.cfg.arch->decode_root_reg(&e.cfg.pc, 0x100001000ull, &root, &asid, &err), MM_OK);
	env_fini(&e);
}

Test(x86_32, config_needs_pse_for_4m_pages)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	static const char yaml[] = "extends: x86_32\nname: nopse\ncpu: { pse: false }\n";
	static const char nxe[] = "extends: x86_32\nname: nx\ncpu: { nxe: true }\n";

	cr_expect_eq(config_load_string(yaml, sizeof(yaml) - 1, "nopse.yaml", &cfg, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "nopse.yaml:3:13: x86_32 4 MiB pages (highest_translation_level 2) "
				  "need CR4.PSE (cpu: pse: true)");
	cr_expect_eq(config_load_string(nxe, sizeof(nxe) - 1, "nx.yaml", &cfg, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "nx.yaml:3:8: cpu key 'nxe' does not apply to arch x86_32");
}

Test(sv32, config_rejects_svpbmt_and_sign_extension)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	static const char pbmt[] = "extends: sv32\nname: p\ncpu: { svpbmt: true }\n";
	static const char sext[] = "extends: sv32\nname: s\nva_sign_ext: true\n";

	cr_expect_eq(config_load_string(pbmt, sizeof(pbmt) - 1, "p.yaml", &cfg, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "p.yaml:3:8: cpu key 'svpbmt' does not apply to arch riscv32");
	cr_expect_eq(config_load_string(sext, sizeof(sext) - 1, "s.yaml", &cfg, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "s.yaml:3:14: riscv32 (Sv32) addresses are 32 bits, not sign-extended "
				  "(va_sign_ext: false)");
}
