/*
 * test_stage2_report_aarch64: aarch64_stage2's stage2_report, on faults of
 * real stage-2 walks, as EL2 is told them (Arm ARM DDI 0487: D19 "ESR_EL2"
 * with the ISS of a Data / Instruction Abort, "HPFAR_EL2", "FAR_EL2"):
 *   - ESR_EL2.EC from the guest's own access: 0x20 for a fetch (instruction
 *     abort from a lower EL), else 0x24; IL = 1;
 *   - ISS.S1PTW (bit 7) = 1 when the IPA was one the guest's stage-1 walk
 *     accessed (its table descriptor), 0 for the final IPA;
 *   - ISS.WnR (bit 6), data aborts only: the instruction's direction, also
 *     when its stage-1 walk faulted (the Arm ARM lets atomics report 0 for
 *     S1PTW aborts, which presumes the direction is otherwise reported);
 *   - xFSC (bits 5:0) the stage-2 fault's class and level;
 *   - HPFAR_EL2.FIPA (bits 39:4 for 48-bit IPAs) = IPA[47:12]; not written
 *     for an external abort (0 here); FAR_EL2 = the guest VA.
 */
#include <criterion/criterion.h>

#include "s2_fixture.h"

#define GVA 0xffff000012345678ull

struct report {
	struct stage2_report r;
	char text[256];
};

/* The stage-2 walk of ipa as the context's access makes it (a table write for A/D, else read / the guest's). */
static void report_of(struct s2_env *e, const struct stage2_context *ctx, struct report *out)
{
	struct walk_result res;
	enum access_kind walked = ctx->table ? (ctx->table_write ? ACCESS_WRITE : ACCESS_READ) : ctx->access;

	s2_walk(e, ctx->gpa, walked, ctx->priv, &res);
	cr_assert(!res.ok, "the stage-2 walk of 0x%llx should fault", (unsigned long long)ctx->gpa);
	*out = (struct report){ 0 };
	pt_arch_aarch64_stage2.stage2_report(&res.fault, ctx, &out->r, out->text, sizeof(out->text));
	cr_expect_str_eq(out->r.code_name, "ESR_EL2");
	cr_expect_str_eq(out->r.addr_name, "HPFAR_EL2");
	cr_expect_str_eq(out->r.extra_name, "FAR_EL2");
}

/* Tables down to level 2 for ipa, level 3 empty. */
static void tables_to_level3(struct s2_env *e, uint64_t ipa)
{
	s2_write(e, s2_slot(e, ipa, 1), s2_node(e, 2) | S2_TABLE);
	s2_write(e, s2_slot(e, ipa, 2), s2_node(e, 3) | S2_TABLE);
}

Test(s2_report, s1ptw_translation_fault_guest_load)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0x8000001234ull, .gva = GVA, .access = ACCESS_READ, .priv = PRIV_USER,
				      .table = true };

	s2_init(&e, 4096, 3, 40, 48);
	tables_to_level3(&e, ctx.gpa);
	report_of(&e, &ctx, &rep);
	/* EC 0x24 << 26 | IL | S1PTW | translation level 3. */
	cr_expect_eq(rep.r.code, 0x92000087ull);
	cr_expect_eq(rep.r.addr, 0x80000010ull); /* IPA[47:12] = 0x8000001, in bits 39:4 */
	cr_expect_eq(rep.r.extra, GVA);
	cr_expect_str_eq(rep.text, "stage-2 data abort (ESR_EL2 0x92000087: EC 0x24, S1PTW, translation fault level 3), "
				   "HPFAR_EL2 0x80000010 (IPA 0x8000001234: a guest table), FAR_EL2 0xffff000012345678");
	s2_fini(&e);
}

Test(s2_report, s1ptw_of_a_store_and_of_a_fetch)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0x40002ff8ull, .gva = GVA, .access = ACCESS_WRITE, .priv = PRIV_USER,
				      .table = true };

	s2_init(&e, 4096, 3, 40, 48);
	/* A store whose stage-1 walk read a descriptor at an unmapped IPA: WnR and S1PTW, translation level 1. */
	report_of(&e, &ctx, &rep);
	cr_expect_eq(rep.r.code, 0x920000c5ull);
	cr_expect_eq(rep.r.addr, 0x400020ull);
	/* A fetch: an instruction abort, S1PTW, no WnR. */
	ctx.access = ACCESS_EXEC;
	report_of(&e, &ctx, &rep);
	cr_expect_eq(rep.r.code, 0x82000085ull);
	cr_expect_str_eq(rep.text, "stage-2 instruction abort (ESR_EL2 0x82000085: EC 0x20, S1PTW, translation fault "
				   "level 1), HPFAR_EL2 0x400020 (IPA 0x40002ff8: a guest table), FAR_EL2 0xffff000012345678");
	s2_fini(&e);
}

Test(s2_report, final_ipa_permission_and_xn)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0x5008ull, .gva = GVA, .access = ACCESS_WRITE, .priv = PRIV_SUPERVISOR };

	s2_init(&e, 4096, 3, 40, 48);
	s2_map(&e, 0x5000, 3, (S2_RW_PAGE(0x50000000ull) & ~S2AP_W) | S2_XN1);
	report_of(&e, &ctx, &rep);
	/* A store to a read-only page: WnR, permission level 3, no S1PTW. */
	cr_expect_eq(rep.r.code, 0x9200004full);
	cr_expect_eq(rep.r.addr, 0x50ull);
	cr_expect_str_eq(rep.text, "stage-2 data abort (ESR_EL2 0x9200004f: EC 0x24, WnR, permission fault level 3), "
				   "HPFAR_EL2 0x50 (IPA 0x5008), FAR_EL2 0xffff000012345678");
	ctx.access = ACCESS_EXEC;
	report_of(&e, &ctx, &rep);
	cr_expect_eq(rep.r.code, 0x8200000full);
	s2_fini(&e);
}

/* The stage-1 walk's own descriptor update (AF, dirty) is a stage-2 write: a read-only IPA refuses it. */
Test(s2_report, descriptor_update_of_a_guest_load)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0x6010ull, .gva = GVA, .access = ACCESS_READ, .priv = PRIV_USER,
				      .table = true, .table_write = true };

	s2_init(&e, 4096, 3, 40, 48);
	s2_map(&e, 0x6000, 3, S2_RW_PAGE(0x50000000ull) & ~S2AP_W);
	report_of(&e, &ctx, &rep);
	/* The load's direction (read: no WnR), S1PTW, permission level 3. */
	cr_expect_eq(rep.r.code, 0x9200008full);
	cr_expect_str_eq(rep.text, "stage-2 data abort (ESR_EL2 0x9200008f: EC 0x24, S1PTW, permission fault level 3), "
				   "HPFAR_EL2 0x60 (IPA 0x6010: the guest walk's descriptor update), FAR_EL2 0xffff000012345678");
	s2_fini(&e);
}

Test(s2_report, access_flag_and_48bit_ipa)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0xfedcba987654ull, .gva = GVA, .access = ACCESS_READ, .priv = PRIV_USER };

	s2_init(&e, 4096, 4, 48, 48);
	s2_map(&e, ctx.gpa, 3, S2_RW_PAGE(0x50000000ull) & ~S2_AF);
	report_of(&e, &ctx, &rep);
	/* Access flag level 3; FIPA = IPA[47:12] = 0xfedcba987 in bits 39:4. */
	cr_expect_eq(rep.r.code, 0x9200000bull);
	cr_expect_eq(rep.r.addr, 0xfedcba9870ull);
	s2_fini(&e);
}

Test(s2_report, external_abort_leaves_hpfar_unwritten)
{
	struct s2_env e;
	struct report rep;
	struct stage2_context ctx = { .gpa = 0x7000ull, .gva = GVA, .access = ACCESS_READ, .priv = PRIV_USER,
				      .table = true };

	s2_init(&e, 4096, 3, 40, 48);
	s2_write(&e, s2_slot(&e, ctx.gpa, 1), 0x10000000ull | S2_TABLE);
	report_of(&e, &ctx, &rep);
	/* Synchronous external abort on the walk at level 2: 0b010110, S1PTW. */
	cr_expect_eq(rep.r.code, 0x92000096ull);
	cr_expect_eq(rep.r.addr, 0);
	cr_expect_str_eq(rep.text, "stage-2 data abort (ESR_EL2 0x92000096: EC 0x24, S1PTW, synchronous external abort "
				   "on table walk level 2), HPFAR_EL2 not written (the stage-2 walk of IPA 0x7000 read "
				   "outside memory), FAR_EL2 0xffff000012345678");
	s2_fini(&e);
}
