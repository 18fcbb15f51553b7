/*
 * test_npt_report: AMD NPT's nested page fault as the VMM sees it (x86_64's
 * stage2_report), from faults of real x86_64 walks of guest-physical
 * addresses (AMD APM vol. 2, 15.25.5 "Nested Table Walk", 15.25.6 "Nested
 * versus Guest Page Faults, Fault Ordering").
 *
 * By hand from the APM: EXITINFO1 = the #PF error code bits of the nested
 * fault (P 0, W 1, U 2, RSVD 3, I 4) with bit 32 set for the final GPA of
 * the guest's translation and bit 33 for an access to a guest page table;
 * EXITINFO2 = the GPA.  Nested walks are user accesses (U = 1 in the code),
 * and the guest's page-table accesses are checked as writes.
 */
#include <criterion/criterion.h>

#include "x86_fixture.h"

#define NPF_FINAL (1ull << 32)
#define NPF_TABLE (1ull << 33)

/* The nested walk of gpa with a 4 KiB leaf `leaf` under most-permissive pointers. */
static void nested_walk(struct x86fx *fx, uint64_t gpa, uint64_t leaf, enum access_kind a, struct walk_result *res)
{
	uint64_t pte[6] = { 0, leaf, x86fx_node(1) | T_TBL, x86fx_node(2) | T_TBL, x86fx_node(3) | T_TBL, 0 };

	x86fx_path(fx, gpa, pte);
	x86fx_walk(fx, gpa, a, PRIV_USER, res);
	cr_assert(!res->ok, "the nested walk should fault");
}

static void npt_report(const struct walk_result *res, const struct stage2_context *ctx, struct stage2_report *out,
		       char *text, size_t len)
{
	memset(out, 0xa5, sizeof(*out));
	pt_arch_x86_64.stage2_report(&res->fault, ctx, out, text, len);
}

Test(npt_report, final_gpa_not_present)
{
	struct x86fx fx;
	struct walk_result res;
	struct stage2_report out;
	char text[256];
	struct stage2_context ctx = { .gpa = 0x5008, .gva = 0x400008, .access = ACCESS_READ };

	x86fx_setup(&fx, 4, 0, 0);
	nested_walk(&fx, 0x5008, 0, ACCESS_READ, &res);
	npt_report(&res, &ctx, &out, text, sizeof(text));
	/* Not present (P=0), read (W=0), user (U=1): 0x4, with bit 32. */
	cr_expect_eq(out.code, NPF_FINAL | 0x4);
	cr_expect_eq(out.addr, 0x5008ull);
	cr_expect_eq(out.extra, 0);
	cr_expect_str_eq(out.code_name, "exitinfo1");
	cr_expect_str_eq(out.addr_name, "exitinfo2");
	cr_expect_str_eq(text, "nested page fault (#NPF), EXITINFO1 0x100000004 (#PF error code 0x4 (U); bit 32: final "
			       "GPA), EXITINFO2 0x5008 (the GPA)");
	x86fx_teardown(&fx);
}

/* A guest page-table access is checked as a user write: a read-only nested page faults it. */
Test(npt_report, guest_table_access_is_a_write)
{
	struct x86fx fx;
	struct walk_result res;
	struct stage2_report out;
	char text[256];
	struct stage2_context ctx = { .gpa = 0x7010, .gva = 0x1234, .access = ACCESS_READ, .table = true };

	x86fx_setup(&fx, 4, 0, 0);
	cr_assert(pt_arch_x86_64.stage2_table_reads_write(&fx.ctl));
	nested_walk(&fx, 0x7010, 0x9000 | T_P | T_US, ACCESS_WRITE, &res);
	npt_report(&res, &ctx, &out, text, sizeof(text));
	/* P W U = 0x7, bit 33. */
	cr_expect_eq(out.code, NPF_TABLE | 0x7);
	cr_expect_eq(out.addr, 0x7010ull);
	cr_expect_str_eq(text, "nested page fault (#NPF), EXITINFO1 0x200000007 (#PF error code 0x7 (P W U); bit 33: "
			       "guest page-table access), EXITINFO2 0x7010 (the GPA)");
	x86fx_teardown(&fx);
}

/* Nested walks are user accesses: a nested page with U/S=0 refuses even the final GPA's read. */
Test(npt_report, supervisor_nested_page_refuses)
{
	struct x86fx fx;
	struct walk_result res;
	struct stage2_report out;
	char text[256];
	struct stage2_context ctx = { .gpa = 0x3000, .gva = 0xffff800000003000ull, .access = ACCESS_READ,
				      .priv = PRIV_SUPERVISOR };

	x86fx_setup(&fx, 4, 0, 0);
	nested_walk(&fx, 0x3000, 0x9000 | T_P | T_RW, ACCESS_READ, &res);
	npt_report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, NPF_FINAL | 0x5, "P U: 0x%llx", (unsigned long long)out.code);
	x86fx_teardown(&fx);
}

Test(npt_report, reserved_bit_and_fetch)
{
	struct x86fx fx;
	struct walk_result res;
	struct stage2_report out;
	char text[256];
	struct stage2_context ctx = { .gpa = 0x3000, .gva = 0x3000, .access = ACCESS_EXEC };

	/* MAXPHYADDR 46: bit 46 of the nested PTE is reserved.  Fetch with NXE: I (bit 4). */
	x86fx_setup(&fx, 4, 46, 0);
	nested_walk(&fx, 0x3000, (1ull << 46) | 0x9000 | T_P | T_US, ACCESS_EXEC, &res);
	npt_report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, NPF_FINAL | 0x1d, "P U RSVD I: 0x%llx", (unsigned long long)out.code);
	x86fx_teardown(&fx);
}

Test(npt_report, no_npf_for_a_bus_error)
{
	struct x86fx fx;
	struct walk_result res;
	struct stage2_report out;
	char text[256];
	struct stage2_context ctx = { .gpa = 0x3000, .access = ACCESS_READ };

	x86fx_setup(&fx, 4, 0, 0);
	x86fx_put(&fx, x86fx_slot(0x3000, 4), 0x200000000000ull | T_TBL);
	x86fx_walk(&fx, 0x3000, ACCESS_READ, PRIV_USER, &res);
	cr_assert_eq(res.fault.kind, FAULT_BUS_ERROR);
	npt_report(&res, &ctx, &out, text, sizeof(text));
	cr_expect_eq(out.code, 0);
	cr_expect_str_eq(text, "no #NPF: a nested page-table entry lies outside host memory for GPA 0x3000");
	x86fx_teardown(&fx);
}
