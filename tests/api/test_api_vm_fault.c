/*
 * mmusim_fault_describe on a VM's combined translation (mmusim_translate):
 * a stage-2 fault is the hypervisor's, in the stage-2 format's words, as
 * `mmusim translate` prints it.  Each case maps guest VA 0x1000 to a GPA,
 * then unmaps that GPA from stage 2 and reads VA 0x1234 from user mode.
 * Codes by hand:
 * - Arm (D19 ESR_EL2): EC 0x24 (data abort from a lower EL) << 26, IL
 *   (bit 25), DFSC 0b000111 (translation fault, level 3): 0x92000007.
 * - Intel EPT (SDM 28.2.1, table 28-7): exit reason 48, qualification bit 0
 *   (read), bits 5:3 clear (the GPA is not present), bit 7 (guest-linear
 *   address valid), bit 8 (the final GPA): 0x181.
 * - RISC-V (H extension): scause 21, the load guest-page fault, as before.
 * - AMD NPT (APM vol. 2, 15.25.6): #VMEXIT(NPF), EXITINFO1 = the nested
 *   walk's #PF error code (P clear: not present; U: nested walks are user
 *   accesses) = 0x4, with bit 32 (the final GPA): 0x100000004.  The guest is
 *   x86_64 too, whose own #PF error code must not be what is said.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

static void describe_stage2_fault(const char *preset, uint64_t gpa, char *buf, size_t len)
{
	mmusim_error err = { 0 };
	mmusim_config *cfg;
	mmusim_machine *m;
	mmusim_translation t;
	mmusim_request req = { .va = 0x1234, .access = MMUSIM_READ, .priv = MMUSIM_USER };

	cr_assert_eq(mmusim_config_load(preset, &cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(cfg, &m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(m, 0x1000, gpa, 0x1000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U, MMUSIM_CACHE_WB,
				&err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_gunmap(m, gpa, 0x1000, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_translate(m, &req, &t), MMUSIM_OK);
	cr_assert(!t.ok);
	mmusim_fault_describe(cfg, &t, buf, len);
	mmusim_machine_destroy(m);
	mmusim_config_free(cfg);
}

Test(api_vm_fault, arm_stage2_fault_is_esr_el2)
{
	char text[256];

	describe_stage2_fault("aarch64_vm", 0x40200000, text, sizeof(text));
	cr_expect(strstr(text, "ESR_EL2 0x92000007 (data abort from a lower EL, ") == text, "%s", text);
}

Test(api_vm_fault, ept_violation_is_the_exit_qualification)
{
	char text[256];

	describe_stage2_fault("x86_64_ept", 0x200000, text, sizeof(text));
	cr_expect(strstr(text, "EPT violation (exit reason 48), exit qualification 0x181 (read; ") == text, "%s", text);
}

/* Bits 7 and 8 of 0x181 named as the bits below them are: as `mmusim translate` says them. */
Test(api_vm_fault, ept_violation_names_qualification_bits_7_and_8)
{
	char text[256];

	describe_stage2_fault("x86_64_ept", 0x200000, text, sizeof(text));
	cr_expect_str_eq(text, "EPT violation (exit reason 48), exit qualification 0x181 (read; GPA not readable, "
			       "not writable, not executable; guest-linear valid; final GPA)");
}

Test(api_vm_fault, npt_fault_is_the_npf_exitinfo1)
{
	char text[256];

	describe_stage2_fault("x86_64_npt", 0x200000, text, sizeof(text));
	cr_expect_str_eq(text, "nested page fault (#NPF), EXITINFO1 0x100000004 (#PF error code 0x4 (U); "
			       "bit 32: final GPA)");
}

Test(api_vm_fault, riscv_guest_page_fault_stays_scause)
{
	char text[256];

	describe_stage2_fault("sv39x4", 0x80200000, text, sizeof(text));
	cr_expect_str_eq(text, "scause 21 (load guest-page fault)");
}

/*
 * The guest's root table (GPA 0x1000, its cr3) unmapped from stage 2: the
 * first guest page-table read faults.  NPT checks guest table accesses as
 * user writes (APM 15.25.5): error code 0x6 (W U), bit 33: 0x200000006.
 * EPT with A/D on checks them as writes and sets bits 0 and 1 (SDM table
 * 28-7, note 1), bit 7 set, bit 8 clear (a paging-structure entry): 0x83.
 */
Test(api_vm_fault, npt_guest_table_fault_sets_exitinfo1_bit_33)
{
	char text[256];

	describe_stage2_fault("x86_64_npt", 0x1000, text, sizeof(text));
	cr_expect_str_eq(text, "nested page fault (#NPF), EXITINFO1 0x200000006 (#PF error code 0x6 (W U); "
			       "bit 33: guest page-table access)");
}

Test(api_vm_fault, ept_guest_table_fault_names_a_paging_structure_entry)
{
	char text[256];

	describe_stage2_fault("x86_64_ept", 0x1000, text, sizeof(text));
	cr_expect_str_eq(text, "EPT violation (exit reason 48), exit qualification 0x83 (read+write; GPA not "
			       "readable, not writable, not executable; guest-linear valid; guest paging-structure entry)");
}
