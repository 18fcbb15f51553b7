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

Test(api_vm_fault, riscv_guest_page_fault_stays_scause)
{
	char text[256];

	describe_stage2_fault("sv39x4", 0x80200000, text, sizeof(text));
	cr_expect_str_eq(text, "scause 21 (load guest-page fault)");
}
