/*
 * test_pt_arch: what every format descriptor (pt/pt_arch.h) promises generic
 * code: its required fields are there, its geometry is the one its presets
 * use and the one its checks enforce, the `cpu:` keys it lists (with their
 * defaults) are the ones the spec gives that paging mode, and an absent
 * optional hook is NULL and read as "absent".
 *
 * Key lists by mode: x86-64 paging reads CR0.WP, EFER.NXE, CR4.SMEP, CR4.SMAP,
 * CR4.PKE and PKRU (SDM vol. 3 4.1.3, 4.6); 32-bit paging has no NXE and no
 * PKE but reads CR4.PSE (4.3); RISC-V reads sstatus.SUM and MXR and its A/D
 * policy (Svade/Svadu), and only RV64 has Svpbmt and Svnapot (they define bits
 * of the 64-bit PTE only); the toy format reads no control bit.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "pt/pt_arch.h"
#include "formats/config.h"

static const struct pt_arch *const formats[] = { &pt_arch_x86_64, &pt_arch_riscv64, &pt_arch_riscv32,
						 &pt_arch_x86_32, &pt_arch_toy };
#define NR_FORMATS (sizeof(formats) / sizeof(formats[0]))

Test(pt_arch, every_format_is_found_by_its_name)
{
	for (size_t i = 0; i < NR_FORMATS; i++)
		cr_expect_eq(pt_arch_find(formats[i]->name), formats[i], "%s", formats[i]->name);
	cr_expect_null(pt_arch_find("arm64"));
}

Test(pt_arch, names_listed_for_messages)
{
	char buf[128];

	pt_arch_names(buf, sizeof(buf));
	cr_expect_str_eq(buf, "x86_64, riscv64, riscv32, riscv64x4, ept, x86_32, aarch64, aarch64_stage2 or toy");
	/* Cut, never overrun. */
	pt_arch_names(buf, 8);
	cr_expect_str_eq(buf, "x86_64,");
}

Test(pt_arch, required_fields_are_set)
{
	for (size_t i = 0; i < NR_FORMATS; i++) {
		const struct pt_arch *a = formats[i];
		const struct walk_hooks *h = a->hooks;

		cr_assert_not_null(a->geom, "%s", a->name);
		cr_assert_not_null(h, "%s", a->name);
		cr_expect(h->initial_perms && h->bad_va && h->bus_error && h->walk_entry && h->walk_leaf &&
			  h->pte_addr && h->is_present && h->is_leaf, "%s: a required walk hook is NULL", a->name);
		cr_expect(a->make_leaf && a->make_table && a->leaf_prop && a->entry_perms && a->check_access &&
			  a->describe_pte && a->describe_fault && a->root_register && a->encode_root_reg &&
			  a->decode_root_reg, "%s: a required hook is NULL", a->name);
	}
}

/* Each preset's constants are the geometry its format states (what the inlined walk folds in). */
Test(pt_arch, presets_have_their_formats_geometry)
{
	static const char *const presets[] = { "x86_64", "x86_64_la57", "sv39", "sv48", "sv57", "sv32", "x86_32" };

	for (size_t i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		struct machine_config mc;
		struct mm_error err = { 0 };
		const struct pt_geometry *g;

		cr_assert_eq(config_load_preset(presets[i], &mc, &err), MM_OK, "%s: %s", presets[i], err.msg);
		g = mc.arch->geom;
		cr_expect_eq(mc.pc.pte_size, g->pte_size, "%s", presets[i]);
		cr_expect_eq(mc.pc.page_shift, g->page_shift, "%s", presets[i]);
		cr_expect_eq(mc.pc.index_bits, pt_geometry_index_bits(g, &mc.pc), "%s", presets[i]);
		cr_expect(mc.pc.nr_levels >= g->min_levels && mc.pc.nr_levels <= g->max_levels, "%s", presets[i]);
	}
}

/* The toy format fixes no number: its geometry reads the config's. */
Test(pt_arch, toy_geometry_comes_from_the_config)
{
	struct paging_consts pc = { .base_page_size = 64, .nr_levels = 2, .pte_size = 2, .address_width = 16,
				    .highest_translation_level = 1, .phys_addr_width = 16 };

	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	cr_expect_eq(pt_arch_toy.geom->pte_size, 0);
	cr_expect_eq(pt_geometry_index_bits(pt_arch_toy.geom, &pc), 5); /* 64 / 2 = 32 entries */
}

static struct paging_consts consts32(unsigned pte_size, bool sign_ext, unsigned paw)
{
	struct paging_consts pc = { .base_page_size = 4096, .nr_levels = 2, .pte_size = pte_size,
				    .address_width = pte_size == 4 ? 32 : 30, .va_sign_ext = sign_ext,
				    .highest_translation_level = 2, .phys_addr_width = paw };

	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	return pc;
}

/* The geometry's rules, in the words each format's users know. */
Test(pt_arch, geometry_checks_name_the_format)
{
	struct mm_error err = { 0 };
	struct paging_consts pc = consts32(4, true, 32);

	cr_expect_eq(pt_arch_check_consts(&pt_arch_x86_32, &pc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "x86_32 linear addresses are 32 bits, not sign-extended (va_sign_ext: false)");
	pc = consts32(8, false, 34);
	cr_expect_eq(pt_arch_check_consts(&pt_arch_riscv32, &pc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "riscv32 (Sv32) needs base_page_size 4096 and pte_size 4");
	cr_expect_eq(pt_arch_check_consts(&pt_arch_riscv64, &pc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "riscv64 paging has 3 (Sv39), 4 (Sv48) or 5 (Sv57) levels, not 2");
	pc = consts32(4, false, 35);
	cr_expect_eq(pt_arch_check_consts(&pt_arch_riscv32, &pc, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "riscv32 (Sv32) physical addresses have at most 34 bits");
	pc = consts32(4, false, 34);
	cr_expect_eq(pt_arch_check_consts(&pt_arch_riscv32, &pc, &err), MM_OK, "%s", err.msg);
	cr_expect_eq(pt_arch_check_consts(&pt_arch_x86_32, &pc, &err), MM_OK, "%s", err.msg);
}

static bool reads(const struct pt_arch *a, const char *key)
{
	return cpu_key_find(a->cpu_keys, key) != NULL;
}

Test(pt_arch, cpu_keys_by_paging_mode)
{
	static const char *const x86_64[] = { "wp", "nxe", "smep", "smap", "pke", "pkru" };
	static const char *const rv[] = { "sum", "mxr", "ad" };

	for (size_t i = 0; i < 6; i++)
		cr_expect(reads(&pt_arch_x86_64, x86_64[i]), "x86_64 %s", x86_64[i]);
	cr_expect(reads(&pt_arch_x86_32, "wp") && reads(&pt_arch_x86_32, "smep") && reads(&pt_arch_x86_32, "smap"));
	cr_expect(reads(&pt_arch_x86_32, "pse"));
	cr_expect(!reads(&pt_arch_x86_32, "nxe") && !reads(&pt_arch_x86_32, "pke") && !reads(&pt_arch_x86_32, "pkru"));
	cr_expect(!reads(&pt_arch_x86_64, "pse"));
	for (size_t i = 0; i < 3; i++) {
		cr_expect(reads(&pt_arch_riscv64, rv[i]) && reads(&pt_arch_riscv32, rv[i]), "%s", rv[i]);
		cr_expect(!reads(&pt_arch_x86_64, rv[i]), "%s", rv[i]);
	}
	cr_expect(reads(&pt_arch_riscv64, "svpbmt") && reads(&pt_arch_riscv64, "svnapot"));
	cr_expect(!reads(&pt_arch_riscv32, "svpbmt") && !reads(&pt_arch_riscv32, "svnapot"));
	cr_expect_null(pt_arch_toy.cpu_keys);
	cr_expect_null(cpu_key_find(pt_arch_toy.cpu_keys, "wp"));
	/* Known to some format, or to none. */
	cr_expect(pt_arch_any_cpu_key("pse"));
	cr_expect(pt_arch_any_cpu_key("svnapot"));
	cr_expect(!pt_arch_any_cpu_key("la57"));
}

/* Every bit starts off, PKRU at 0, and A/D at Svadu (the walker sets A and D). */
Test(pt_arch, cpu_defaults)
{
	struct cpu_ctl ctl;
	const struct cpu_key *ad = cpu_key_find(pt_arch_riscv64.cpu_keys, "ad");
	char text[32];

	memset(&ctl, 0xff, sizeof(ctl));
	cpu_ctl_defaults(&ctl, pt_arch_riscv64.cpu_keys);
	cr_expect_eq(ctl.ad, AD_SVADU);
	cr_expect(!ctl.sum && !ctl.mxr && !ctl.svpbmt && !ctl.svnapot);
	memset(&ctl, 0xff, sizeof(ctl));
	cpu_ctl_defaults(&ctl, pt_arch_x86_64.cpu_keys);
	cr_expect(!ctl.wp && !ctl.nxe && !ctl.smep && !ctl.smap && !ctl.pke);
	cr_expect_eq(ctl.pkru, 0);
	cpu_key_store(ad, &ctl, AD_SVADE);
	cr_expect_eq(ctl.ad, AD_SVADE);
	cpu_key_choices_text(ad, text, sizeof(text));
	cr_expect_str_eq(text, "svadu or svade");
}

/* NULL means absent: a format with neither fit_prop nor check_prop encodes properties as given. */
Test(pt_arch, absent_prop_hooks_accept_as_given)
{
	struct page_prop p = { .flags = PROP_W, .cache = CACHE_WB };
	struct cpu_ctl ctl = { 0 };
	struct mm_error err = { 0 };

	cr_assert_null(pt_arch_toy.fit_prop);
	cr_assert_null(pt_arch_toy.check_prop);
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_toy, &p, &ctl, &err), MM_OK);
	cr_expect_eq(p.flags, PROP_W);
	/* x86-64 has fit_prop only: with NXE=0 every page is executable (no XD bit to clear). */
	cr_assert_null(pt_arch_x86_64.check_prop);
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_x86_64, &p, &ctl, &err), MM_OK);
	cr_expect_eq(p.flags, PROP_W | PROP_X);
	/* RISC-V has check_prop only: W without R is reserved. */
	cr_expect_null(pt_arch_riscv64.fit_prop);
	cr_expect_eq(pt_arch_fit_prop(&pt_arch_riscv64, &p, &ctl, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "RISC-V reserves W without R: add r");
}
