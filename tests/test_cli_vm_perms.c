/*
 * cli_vm_perms: the perms a VM's translate (and explain, the shell) answers
 * are what the hardware allows the guest's access, which is what BOTH
 * stages allow: a guest page the guest maps rwx but stage 2 maps read-only
 * faults on a write or a fetch (an EPT violation, a #NPF, a guest-page
 * fault, a stage-2 permission fault), so its perms must read r--, not the
 * guest's rwx.  Intel SDM vol. 3 29.3.3.2 (an access is allowed only if
 * both the guest paging structures and the EPT entries allow it); AMD APM
 * vol. 2 15.25.5; RISC-V privileged spec, two-stage address translation;
 * Arm ARM D8 (stage 1 and stage 2 permissions combine: the more restrictive
 * applies).
 *
 * Layouts as in test_cli_vm.c: VA 0x1234's page at GPA 0x200000 (x86),
 * 0x80200000 (sv39x4), 0x40200000 (aarch64_vm); the guest maps it rwxu.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"

Test(cli_vm_perms, translate_perms_are_what_both_stages_allow)
{
	static const struct {
		const char *config, *map, *gprotect, *line;
	} cases[] = {
		/* EPT leaf R only: writes and fetches are EPT violations. */
		{ "x86_64_ept", "0x1000 0x200000 0x1000 rwxu", "gprotect 0x200000 0x1000 r\n",
		  "0x1234 r user: pa 0x40200234 (4K page, level 1) perms r--u- gpa 0x200234 references 24\n" },
		{ "x86_64_ept", "0x1000 0x200000 0x1000 rwxu", "gprotect 0x200000 0x1000 rx\n",
		  "0x1234 r user: pa 0x40200234 (4K page, level 1) perms r-xu- gpa 0x200234 references 24\n" },
		/* Nested PTE P U, R/W=0, XD=1 (NXE on): user reads only. */
		{ "x86_64_npt", "0x1000 0x200000 0x1000 rwxu", "gprotect 0x200000 0x1000 ru\n",
		  "0x1234 r user: pa 0x40200234 (4K page, level 1) perms r--u- gpa 0x200234 references 24\n" },
		/* G-stage leaf R U: a store or fetch is a guest-page fault. */
		{ "sv39x4", "0x1000 0x80200000 0x1000 rwxu", "gprotect 0x80200000 0x1000 r\n",
		  "0x1234 r user: pa 0xc0200234 (4K page, level 1) perms r--u- gpa 0x80200234 references 15\n" },
		/* Stage-2 S2AP=01 (read), XN=1. */
		{ "aarch64_vm", "0x1000 0x40200000 0x1000 rwxu", "gprotect 0x40200000 0x1000 r\n",
		  "0x1234 r user: pa 0x80200234 (4K page, level 1) perms r--u- gpa 0x40200234 references 19\n" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *setup = write_temp_file(cases[i].gprotect, ".txt");
		struct run_result r;

		cr_assert_eq(run_mmusim(&r, "--config", cases[i].config, "translate", "--map", cases[i].map, "--setup",
					setup, "0x1234", NULL), 0);
		cr_expect_eq(r.status, 0, "%s: status %d; stderr: %s", cases[i].config, r.status, r.err);
		cr_expect_str_eq(r.out, cases[i].line, "%s", cases[i].config);
		cr_expect_str_eq(r.err, "");
		run_result_free(&r);
		remove_temp_file(setup);
	}
}

/* --json answers the same perms. */
Test(cli_vm_perms, json_perms_are_what_both_stages_allow)
{
	char *setup = write_temp_file("gprotect 0x200000 0x1000 r\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "--json", "translate", "--map", "0x1000 0x200000 0x1000 rwxu",
				"--setup", setup, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\"perms\":\"r--u-\"") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
}

/* explain's guest walk prints stage 1's perms; its last line says what both stages allow. */
Test(cli_vm_perms, explain_last_line_has_both_stages_perms)
{
	char *setup = write_temp_file("gprotect 0x80200000 0x1000 r\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "sv39x4", "explain", "--map", "0x1000 0x80200000 0x1000 rwxu", "--setup",
				setup, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect(strstr(r.out, "\nhost PA 0xc0200234 (GPA 0x80200234; perms r--u- with both stages; the TLB may hold it "
				"as one 4K entry)\n") != NULL, "%s", r.out);
	run_result_free(&r);
	remove_temp_file(setup);
}

/*
 * x86_64_ept's guest runs over 4-level EPT, which translates 48-bit GPAs
 * (SDM vol. 3 29.3.2: "uses only bits 47:0 of each guest-physical address";
 * its footnote: no processor with it has more than 48 physical-address bits,
 * so a guest cannot produce a wider GPA, and an attempt to use one causes a
 * page fault).  So the guest's MAXPHYADDR is 48: a guest PTE with address
 * bit 48 set has a reserved bit (SDM 4.5, bits 51:M), a guest #PF with RSVD
 * (P U RSVD = 0xd for a user read), not a GPA that stage 2 cannot translate.
 */
Test(cli_vm_perms, ept_guest_maxphyaddr_is_the_epts_gpa_width)
{
	char *setup = write_temp_file("map 0x1000 0x200000 4K rwu\npte 0x1000 1 addr=0x1000000000000\n", ".txt");
	struct run_result r;

	cr_assert_eq(run_mmusim(&r, "--config", "x86_64_ept", "translate", "--setup", setup, "0x1234", NULL), 0);
	cr_expect_eq(r.status, 0, "stderr: %s", r.err);
	cr_expect_str_eq(r.out, "0x1234 r user: guest fault reserved-bit at level 1, #PF error code 0xd (P U RSVD): "
				"address bit 48 is set: bits 51:48 are reserved, at or above MAXPHYADDR (48)\n");
	run_result_free(&r);
	remove_temp_file(setup);
}
