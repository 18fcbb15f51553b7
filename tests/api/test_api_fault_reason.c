/*
 * mmusim_fault_reason_describe: why a walk faulted, with the entry named as
 * the format's own manual names it at the level that faulted.  Expected
 * names from the specs, not from our tables:
 * - Intel SDM vol. 3 4.5 (4-level paging): the CR3-rooted PML4 table holds
 *   PML4Es (VA bits 47:39), then PDPTEs (38:30), PDEs (29:21), PTEs (20:12).
 * - Arm ARM D8 (4 KiB granule, 48-bit VA, start level 0): level 0..3
 *   descriptors index VA bits 47:39, 38:30, 29:21, 20:12; an invalid one has
 *   bit 0 clear.
 * - RISC-V privileged spec 12.3 (Sv39): every level's entry is a "PTE".
 * - Intel SDM vol. 3 29.3.2 (EPT): EPT PML4E, EPT PDPTE, EPT PDE, EPT PTE.
 * Each machine maps one 4 KiB page at VA 0x1000, so the upper entries on
 * VA 0's path exist and a VA that leaves the path at a level finds that
 * level's entry not present.
 */
#include <criterion/criterion.h>
#include <string.h>

#include <mmusim.h>

struct machine {
	mmusim_config *cfg;
	mmusim_machine *m;
};

static struct machine machine_with_page(const char *preset)
{
	mmusim_error err = { 0 };
	struct machine mc;

	cr_assert_eq(mmusim_config_load(preset, &mc.cfg, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_machine_create(mc.cfg, &mc.m, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_map(mc.m, 0x1000, 0x200000, 0x1000, MMUSIM_PROP_R | MMUSIM_PROP_W | MMUSIM_PROP_U,
				MMUSIM_CACHE_WB, &err),
		     MMUSIM_OK, "%s", err.message);
	return mc;
}

static void machine_free(struct machine *mc)
{
	mmusim_machine_destroy(mc->m);
	mmusim_config_free(mc->cfg);
}

/* Reads va from user mode and expects the walk to fault at `level` for the reason `why`. */
static void expect_reason(struct machine *mc, uint64_t va, unsigned level, const char *why)
{
	mmusim_request req = { .va = va, .access = MMUSIM_READ, .priv = MMUSIM_USER };
	mmusim_translation t;
	char text[160];

	cr_assert_eq(mmusim_translate(mc->m, &req, &t), MMUSIM_OK);
	cr_assert(!t.ok, "0x%llx translated", (unsigned long long)va);
	cr_expect_eq(t.fault_level, level, "0x%llx: level %u", (unsigned long long)va, t.fault_level);
	mmusim_fault_reason_describe(mc->cfg, va, &t, text, sizeof(text));
	cr_expect_str_eq(text, why);
}

Test(api_fault_reason, x86_64_names_each_level_entry)
{
	struct machine mc = machine_with_page("x86_64");

	expect_reason(&mc, 0x8000000000ull, 4, "the PML4E is not present (P/V bit clear)");
	expect_reason(&mc, 0x40000000ull, 3, "the PDPTE is not present (P/V bit clear)");
	expect_reason(&mc, 0x200000ull, 2, "the PDE is not present (P/V bit clear)");
	expect_reason(&mc, 0x2000ull, 1, "the PTE is not present (P/V bit clear)");
	/* Canonical: bits 63:48 copies of bit 47 (SDM vol. 1 3.3.7.1). */
	expect_reason(&mc, 0x800000000000ull, 4, "the VA is not canonical: bits 63:48 are not all copies of bit 47");
	machine_free(&mc);
}

Test(api_fault_reason, aarch64_names_the_level_n_descriptor)
{
	struct machine mc = machine_with_page("aarch64");

	expect_reason(&mc, 0x8000000000ull, 4, "the L0 descriptor is invalid (bit 0 clear)");
	expect_reason(&mc, 0x40000000ull, 3, "the L1 descriptor is invalid (bit 0 clear)");
	expect_reason(&mc, 0x200000ull, 2, "the L2 descriptor is invalid (bit 0 clear)");
	expect_reason(&mc, 0x2000ull, 1, "the L3 descriptor is invalid (bit 0 clear)");
	machine_free(&mc);
}

Test(api_fault_reason, riscv_calls_every_entry_a_pte)
{
	struct machine mc = machine_with_page("sv39");

	expect_reason(&mc, 0x40000000ull, 3, "the PTE is not present (P/V bit clear)");
	expect_reason(&mc, 0x200000ull, 2, "the PTE is not present (P/V bit clear)");
	/* Sv39: bits 63:39 must all equal bit 38. */
	expect_reason(&mc, 0x8000000000ull, 3, "the VA is not canonical: bits 63:39 are not all copies of bit 38");
	machine_free(&mc);
}

/*
 * Arm: VA bit 55 picks TTBR0 or TTBR1, and the bits above the VA size must
 * all equal it (Arm ARM D8.2.2); 0x0080000000000000 sets bit 55 alone.
 */
Test(api_fault_reason, aarch64_va_in_neither_half)
{
	struct machine mc = machine_with_page("aarch64");

	expect_reason(&mc, 0x0080000000000000ull, 4,
		      "the VA is in neither TTBR0's nor TTBR1's range: bits 63:48 (55:48 when the top byte is "
		      "ignored) are not all equal to bit 55");
	machine_free(&mc);
}

/*
 * A VM whose guest page's GPA has no EPT entry: the stage-2 fault is about
 * the EPT's entry, named as the EPT names it, not the guest's PTE.
 */
Test(api_fault_reason, stage2_fault_names_the_ept_entry)
{
	mmusim_error err = { 0 };
	struct machine mc = machine_with_page("x86_64_ept");
	mmusim_request req = { .va = 0x1234, .access = MMUSIM_READ, .priv = MMUSIM_USER };
	mmusim_translation t;
	char text[160];

	cr_assert_eq(mmusim_gunmap(mc.m, 0x200000, 0x1000, &err), MMUSIM_OK, "%s", err.message);
	cr_assert_eq(mmusim_translate(mc.m, &req, &t), MMUSIM_OK);
	cr_assert(!t.ok && t.fault_stage2);
	mmusim_fault_reason_describe(mc.cfg, req.va, &t, text, sizeof(text));
	cr_expect_str_eq(text, "the EPT PTE is not present (bits 2:0, R/W/X, all 0): an EPT violation");
	machine_free(&mc);
}

Test(api_fault_reason, success_and_short_buffers)
{
	struct machine mc = machine_with_page("x86_64");
	mmusim_request req = { .va = 0x1000, .access = MMUSIM_READ, .priv = MMUSIM_USER };
	mmusim_translation t;
	char text[16];

	cr_assert_eq(mmusim_translate(mc.m, &req, &t), MMUSIM_OK);
	cr_assert(t.ok);
	mmusim_fault_reason_describe(mc.cfg, req.va, &t, text, sizeof(text));
	cr_expect_str_eq(text, "no fault");
	/* A buffer of 0 bytes is not written; a short one gets the sentence's start, terminated. */
	req.va = 0x40000000;
	cr_assert_eq(mmusim_translate(mc.m, &req, &t), MMUSIM_OK);
	memset(text, 'x', sizeof(text));
	mmusim_fault_reason_describe(mc.cfg, req.va, &t, text, 0);
	cr_expect_eq(text[0], 'x');
	mmusim_fault_reason_describe(mc.cfg, req.va, &t, text, 10);
	cr_expect_str_eq(text, "the PDPTE");
	/* A translation filled by hand with no such reason: the words mmusim_fault_reason_text has for it. */
	t.fault_reason = 12345;
	mmusim_fault_reason_describe(mc.cfg, req.va, &t, text, sizeof(text));
	cr_expect_str_eq(text, "unknown reason");
	machine_free(&mc);
}
