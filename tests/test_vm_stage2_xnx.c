/*
 * test_vm_stage2_xnx: Arm stage 2 with FEAT_XNX in a two-stage walk.  Stage
 * 2's XN[1:0] (bits 54:53) decide execution by the EL of the guest's fetch
 * (Arm ARM D8, "Stage 2 instruction execution permissions"): 00 EL0 and
 * EL1 may execute, 01 EL0 only, 10 neither, 11 EL1 only.  So the final GPA's
 * stage-2 check must be made at the guest fetch's EL, not as one fixed
 * privilege: an EL1 fetch from a page whose stage-2 XN is 0b11 executes, an
 * EL0 fetch from it takes a stage-2 permission fault, and 0b01 the other
 * way round.
 *
 * The guest (aarch64_vm: IPA 0x40000000.. backed from PA 0x80000000) maps
 * kernel code at VA 0xffff000000001000 (EL1-executable: PXN clear) and user
 * code at VA 0x1000 (EL0-executable: UXN clear), both to IPA 0x40200000;
 * the test then rewrites that IPA's stage-2 leaf (the last entry of the
 * final row's stage-2 walk) with the XN[1:0] of each case.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "formats/config.h"
#include "pt/page_prop.h"
#include "sim/machine.h"
#include "sim/mmu.h"
#include "sim/nested_walk.h"
#include "sim/physmem.h"
#include "sim/stage2_host.h"

#define XN0 (1ull << 53)
#define XN1 (1ull << 54)
#define KERNEL_VA 0xffff000000001000ull
#define USER_VA 0x1000ull
#define IPA 0x40200000ull

static struct machine *vm_create(void)
{
	struct machine_config cfg;
	struct mm_error err = { 0 };
	struct machine *m;
	struct page_prop kernel_code = { PROP_R | PROP_X | PROP_A, CACHE_WB };
	struct page_prop user_code = { PROP_R | PROP_X | PROP_U | PROP_A, CACHE_WB };

	cr_assert_eq(config_load_preset("aarch64_vm", &cfg, &err), MM_OK, "%s", err.msg);
	cfg.stage2.cpu.xnx = true;
	cr_assert_eq(machine_create(&cfg, &m, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, KERNEL_VA, IPA, 0x1000, &kernel_code, &err), MM_OK, "%s", err.msg);
	cr_assert_eq(machine_map(m, USER_VA, IPA, 0x1000, &user_code, &err), MM_OK, "%s", err.msg);
	return m;
}

static void fetch(struct machine *m, uint64_t va, enum privilege priv, struct nested_result *out)
{
	struct walk_request req = { .root = machine_root(m), .va = va, .access = ACCESS_EXEC, .priv = priv,
				    .no_ad_update = true };

	machine_walk_nested(m, &req, out);
}

/* Rewrites IPA's stage-2 leaf with XN[1:0] = xn. */
static void set_stage2_xn(struct machine *m, unsigned xn)
{
	struct nested_result *n = malloc(sizeof(*n));
	uint64_t leaf_addr, pte;

	cr_assert(n);
	fetch(m, KERNEL_VA, PRIV_SUPERVISOR, n);
	cr_assert_gt(n->nr_rows, 0);
	const struct walk_result *final = &n->rows[n->nr_rows - 1].walk;
	cr_assert_eq(n->rows[n->nr_rows - 1].kind, NESTED_ROW_FINAL);
	cr_assert_gt(final->nr_steps, 0);
	leaf_addr = final->steps[final->nr_steps - 1].pte_addr;
	cr_assert_eq(physmem_read(m->host->pm, leaf_addr, 8, &pte), MM_OK);
	pte = (pte & ~(XN0 | XN1)) | (xn & 1 ? XN0 : 0) | (xn & 2 ? XN1 : 0);
	cr_assert_eq(physmem_write(m->host->pm, leaf_addr, 8, pte), MM_OK);
	free(n);
}

Test(vm_stage2_xnx, final_gpa_is_checked_at_the_guest_fetchs_el)
{
	static const struct {
		unsigned xn;
		bool el1_executes, el0_executes;
	} cases[] = {
		{ 0, true, true },
		{ 1, false, true },  /* EL0 only */
		{ 2, false, false }, /* neither */
		{ 3, true, false },  /* EL1 only */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct machine *m = vm_create();
		struct nested_result *n = malloc(sizeof(*n));

		cr_assert(n);
		set_stage2_xn(m, cases[i].xn);
		fetch(m, KERNEL_VA, PRIV_SUPERVISOR, n);
		cr_expect_eq(n->ok, cases[i].el1_executes, "XN=%u, EL1 fetch: ok %d, fault stage %d", cases[i].xn, n->ok,
			     n->fault);
		if (!cases[i].el1_executes)
			cr_expect_eq(n->fault, NESTED_FAULT_STAGE2_FINAL, "XN=%u, EL1 fetch", cases[i].xn);
		fetch(m, USER_VA, PRIV_USER, n);
		cr_expect_eq(n->ok, cases[i].el0_executes, "XN=%u, EL0 fetch: ok %d, fault stage %d", cases[i].xn, n->ok,
			     n->fault);
		if (!cases[i].el0_executes)
			cr_expect_eq(n->fault, NESTED_FAULT_STAGE2_FINAL, "XN=%u, EL0 fetch", cases[i].xn);
		free(n);
		machine_destroy(m);
	}
}

/*
 * Through the MMU's TLBs: an EL0 fetch with XN=0b01 (EL0 only) executes and
 * fills the nested TLB (IPA -> PA); an EL1 fetch of the same IPA through
 * another guest VA then finds that nested entry, which must still refuse
 * EL1 execution (a stage-2 permission fault), as the walk does.
 */
Test(vm_stage2_xnx, nested_tlb_keeps_the_el_apart)
{
	struct machine *m = vm_create();
	struct mm_error err = { 0 };
	struct mmu mmu;
	struct mmu_result r;

	set_stage2_xn(m, 1);
	cr_assert_eq(mmu_init(&mmu, m, &err), MM_OK, "%s", err.msg);
	mmu_set_priv(&mmu, PRIV_USER);
	mmu_translate(&mmu, USER_VA, ACCESS_EXEC, &r);
	cr_expect(r.ok, "EL0 fetch with XN=01: fault stage %u", r.fault_stage);
	mmu_set_priv(&mmu, PRIV_SUPERVISOR);
	mmu_translate(&mmu, KERNEL_VA, ACCESS_EXEC, &r);
	cr_expect(!r.ok, "EL1 fetch with XN=01 executed");
	cr_expect_eq(r.fault_stage, NESTED_FAULT_STAGE2_FINAL);
	mmu_fini(&mmu);
	machine_destroy(m);
}
