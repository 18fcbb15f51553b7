/*
 * test_aarch64_regs: TCR_EL1, SCTLR_EL1 and MAIR_EL1 as pt/aarch64_regs
 * encodes them from a config and decodes them back.
 *
 * Expected values are written by hand from the Arm ARM (DDI 0487) D19.2
 * field tables, with the fields restated here rather than taken from
 * aarch64_regs.h:
 *
 *   TCR_EL1   5:0 T0SZ | 7 EPD0 | 9:8 IRGN0 | 11:10 ORGN0 | 13:12 SH0 |
 *             15:14 TG0 (00 4K, 01 64K, 10 16K) | 21:16 T1SZ | 22 A1 | 23 EPD1 |
 *             25:24 IRGN1 | 27:26 ORGN1 | 29:28 SH1 | 31:30 TG1 (01 16K, 10 4K, 11 64K) |
 *             34:32 IPS (000 32, 001 36, 010 40, 011 42, 100 44, 101 48, 110 52 bits) |
 *             36 AS | 37 TBI0 | 38 TBI1 | 39 HA | 40 HD | 41 HPD0 | 42 HPD1
 *   SCTLR_EL1 0 M | 2 C | 12 I | 19 WXN | 23 SPAN | 57 EPAN, and bits 11, 20, 22,
 *             28, 29 (RES1 in Armv8.0, set by Linux)
 */
#include <criterion/criterion.h>

#include "pt/aarch64_regs.h"

static struct paging_consts consts(uint64_t granule, unsigned aw, unsigned levels, unsigned htl, unsigned pa)
{
	return (struct paging_consts){
		.base_page_size = granule, .nr_levels = levels, .pte_size = 8, .address_width = aw,
		.va_sign_ext = true, .highest_translation_level = htl, .phys_addr_width = pa,
	};
}

/* Cacheable, inner-shareable walks in both halves: IRGN=ORGN=01, SH=11. */
#define WALK_ATTRS (0x1ull << 8 | 0x1ull << 10 | 0x3ull << 12 | 0x1ull << 24 | 0x1ull << 26 | 0x3ull << 28)

Test(aarch64_regs, tcr_4k_48bit_linux_defaults)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { .ha = true, .hd = true, .asid16 = true };

	/* T0SZ = T1SZ = 16, TG0 00, TG1 10, IPS 101, AS, HA, HD */
	cr_assert_eq(aarch64_tcr_encode(&pc, &ctl), 0x195b5103510ull);
	cr_assert_eq(0x195b5103510ull, 16ull | 16ull << 16 | 2ull << 30 | 5ull << 32 | 1ull << 36 | 1ull << 39 |
						1ull << 40 | WALK_ATTRS);
}

Test(aarch64_regs, tcr_16k_40bit_pa_tbi0_hpd1_epd1)
{
	struct paging_consts pc = consts(16384, 48, 4, 2, 40);
	struct cpu_ctl ctl = { .tbi0 = true, .hpd1 = true, .epd1 = true };

	/* T0SZ = T1SZ = 16, TG0 10, TG1 01, EPD1, IPS 010, TBI0, HPD1 */
	cr_assert_eq(aarch64_tcr_encode(&pc, &ctl), 0x4227590b510ull);
	cr_assert_eq(0x4227590b510ull, 16ull | 16ull << 16 | 2ull << 14 | 1ull << 30 | 1ull << 23 | 2ull << 32 |
					       1ull << 37 | 1ull << 42 | WALK_ATTRS);
}

Test(aarch64_regs, tcr_64k_52bit_va_tbi1_hpd0_epd0)
{
	struct paging_consts pc = consts(65536, 52, 3, 2, 48);
	struct cpu_ctl ctl = { .tbi1 = true, .hpd0 = true, .epd0 = true, .asid16 = true };

	/* T0SZ = T1SZ = 12, TG0 01, TG1 11, EPD0, IPS 101, AS, TBI1, HPD0 */
	cr_assert_eq(aarch64_tcr_encode(&pc, &ctl), 0x255f50c758cull);
	cr_assert_eq(0x255f50c758cull, 12ull | 12ull << 16 | 1ull << 14 | 3ull << 30 | 1ull << 7 | 5ull << 32 |
					       1ull << 36 | 1ull << 38 | 1ull << 41 | WALK_ATTRS);
}

Test(aarch64_regs, tcr_ips_is_the_smallest_pa_size_holding_the_config)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 32);
	struct cpu_ctl ctl = { 0 };
	static const struct { unsigned pa, ips; } v[] = {
		{ 32, 0 }, { 36, 1 }, { 40, 2 }, { 42, 3 }, { 44, 4 }, { 48, 5 }, { 39, 2 }, { 46, 5 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		pc.phys_addr_width = v[i].pa;
		cr_assert_eq(aarch64_tcr_encode(&pc, &ctl) >> 32 & 7, v[i].ips, "%u-bit PA", v[i].pa);
	}
}

/* Linux 6.1 on QEMU virt, 4K pages, 39-bit VA: T0SZ=T1SZ=25, TG1 10, IPS 010, AS, TBI0. */
Test(aarch64_regs, tcr_decode_linux_39bit)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { .ha = true, .hd = true, .epd1 = true };

	cr_assert_eq(aarch64_tcr_decode(0x32b5193519ull, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(pc.address_width, 39);
	cr_assert_eq(pc.nr_levels, 3);                  /* Arm L1..L3 */
	cr_assert_eq(pc.highest_translation_level, 3);  /* 1 GiB blocks at Arm L1 */
	cr_assert_eq(pc.phys_addr_width, 40);
	cr_assert_eq(pc.base_page_size, 4096);
	cr_assert(ctl.asid16 && ctl.tbi0);
	cr_assert(!ctl.ha && !ctl.hd && !ctl.epd1 && !ctl.epd0 && !ctl.tbi1 && !ctl.hpd0 && !ctl.hpd1);
}

Test(aarch64_regs, tcr_decode_every_flag)
{
	struct paging_consts pc = consts(65536, 48, 3, 2, 48);
	struct cpu_ctl ctl = { 0 };

	cr_assert_eq(aarch64_tcr_decode(0x255f50c758cull, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(pc.address_width, 52);
	cr_assert_eq(pc.nr_levels, 3);                  /* 16 + 13 + 13 + 10 bits: a 1024-entry L1 */
	cr_assert_eq(pc.phys_addr_width, 48);
	cr_assert(ctl.tbi1 && ctl.hpd0 && ctl.epd0 && ctl.asid16);
	cr_assert(!ctl.tbi0 && !ctl.hpd1 && !ctl.epd1 && !ctl.ha && !ctl.hd);
}

Test(aarch64_regs, tcr_decode_levels_follow_the_va_size)
{
	static const struct { uint64_t granule; unsigned t0sz, levels; } v[] = {
		{ 4096, 16, 4 },  { 4096, 25, 3 },  { 4096, 22, 4 }, /* 42 bits: a 8-entry L0 */
		{ 16384, 16, 4 }, { 16384, 17, 3 }, { 65536, 22, 2 },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct paging_consts pc = consts(v[i].granule, 48, 4, 2, 48);
		struct cpu_ctl ctl = { 0 };
		unsigned tg0 = v[i].granule == 4096 ? 0 : v[i].granule == 16384 ? 2 : 1;
		unsigned tg1 = v[i].granule == 4096 ? 2 : v[i].granule == 16384 ? 1 : 3;
		uint64_t tcr = v[i].t0sz | (uint64_t)v[i].t0sz << 16 | (uint64_t)tg0 << 14 | (uint64_t)tg1 << 30 |
			       5ull << 32;

		cr_assert_eq(aarch64_tcr_decode(tcr, &pc, &ctl, NULL), MM_OK, "case %zu", i);
		cr_assert_eq(pc.address_width, 64 - v[i].t0sz, "case %zu", i);
		cr_assert_eq(pc.nr_levels, v[i].levels, "case %zu", i);
	}
}

Test(aarch64_regs, tcr_round_trip)
{
	struct paging_consts pc = consts(16384, 47, 3, 2, 44), back = consts(16384, 48, 4, 2, 48);
	struct cpu_ctl ctl = { .ha = true, .tbi1 = true, .hpd0 = true }, ctl_back = { 0 };

	cr_assert_eq(aarch64_tcr_decode(aarch64_tcr_encode(&pc, &ctl), &back, &ctl_back, NULL), MM_OK);
	cr_assert_eq(back.address_width, 47);
	cr_assert_eq(back.nr_levels, 3);
	cr_assert_eq(back.phys_addr_width, 44);
	cr_assert(ctl_back.ha && ctl_back.tbi1 && ctl_back.hpd0 && !ctl_back.hd && !ctl_back.asid16);
}

Test(aarch64_regs, tcr_each_half_its_own_size)
{
	/* 4K, T0SZ 25 (39-bit user half, 3 levels), T1SZ 16 (48-bit kernel half, 4 levels), IPS 101 */
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { 0 };
	uint64_t tcr = 25 | 16ull << 16 | 2ull << 30 | 5ull << 32;

	pc.split_halves = pc.partial_top = true;
	cr_assert_eq(aarch64_tcr_decode(tcr, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	cr_assert_eq(pc.address_width, 39);
	cr_assert_eq(pc.nr_levels, 3);
	cr_assert_eq(pc.upper_address_width, 48);
	cr_assert_eq(pc.upper_nr_levels, 4);
	cr_assert_eq(pc.upper_top_entries, 512);
	cr_assert_eq(aarch64_tcr_encode(&pc, &ctl) & (0x3full | 0x3full << 16), 25 | 16ull << 16);

	/* 16K, T0SZ 16 (48-bit: 4 levels, a 2-entry level 0), T1SZ 17 (47-bit: 3 levels, 2048 at the top) */
	pc = consts(16384, 48, 4, 2, 48);
	pc.split_halves = pc.partial_top = true;
	tcr = 16 | 17ull << 16 | 2ull << 14 | 1ull << 30 | 5ull << 32;
	cr_assert_eq(aarch64_tcr_decode(tcr, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(paging_consts_derive(&pc, NULL), MM_OK);
	cr_assert_eq(pc.top_entries, 2);
	cr_assert_eq(pc.upper_nr_levels, 3);
	cr_assert_eq(pc.upper_top_entries, 2048);

	/* Equal sizes leave upper_address_width 0: the config has one VA size. */
	tcr = 16 | 16ull << 16 | 2ull << 14 | 1ull << 30 | 5ull << 32;
	cr_assert_eq(aarch64_tcr_decode(tcr, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(pc.upper_address_width, 0);
}

static void refused(uint64_t granule, uint64_t tcr, const char *msg)
{
	struct paging_consts pc = consts(granule, 48, 4, 3, 48), before = pc;
	struct cpu_ctl ctl = { .ha = true };
	struct mm_error err = { 0 };

	cr_assert_eq(aarch64_tcr_decode(tcr, &pc, &ctl, &err), MM_EINVAL);
	cr_assert_str_eq(err.msg, msg);
	cr_assert(memcmp(&pc, &before, sizeof(pc)) == 0, "pc unchanged");
	cr_assert(ctl.ha && !ctl.asid16, "ctl unchanged");
}

Test(aarch64_regs, tcr_decode_refusals)
{
	/* TG0 00 (4K), TG1 01 (16K) */
	refused(4096, 0x10 | 0x10ull << 16 | 1ull << 30,
		"TCR_EL1 0x40100010: TG0 selects 4K pages but TG1 16K; mmusim models one granule for both halves");
	/* TG0 11 is reserved; TG1 00 is reserved */
	refused(4096, 0x10 | 3ull << 14 | 0x10ull << 16 | 2ull << 30,
		"TCR_EL1 0x8010c010: reserved granule (TG0 3, TG1 2)");
	refused(4096, 0x10 | 0x10ull << 16, "TCR_EL1 0x100010: reserved granule (TG0 0, TG1 0)");
	/* 16K granule against a 4K config */
	refused(4096, 0x10 | 2ull << 14 | 0x10ull << 16 | 1ull << 30,
		"TCR_EL1 0x40108010: TG0 selects 16K pages but the config has 4K (base_page_size): use a config "
		"with that granule");
	/* IPS 110 (52 bits, FEAT_LPA) and 111 (reserved) */
	refused(4096, 0x10 | 0x10ull << 16 | 2ull << 30 | 6ull << 32,
		"TCR_EL1 0x680100010: IPS 6 is a 52-bit PA (FEAT_LPA); mmusim models at most 48");
	refused(4096, 0x10 | 0x10ull << 16 | 2ull << 30 | 7ull << 32, "TCR_EL1 0x780100010: IPS 0b111 is reserved");
	/* T0SZ 15 (49 bits) at 4K; T1SZ 40 (24 bits, below the 25 of D8.2) */
	refused(4096, 0xf | 0x10ull << 16 | 2ull << 30 | 5ull << 32,
		"TCR_EL1 0x58010000f: T0SZ 15 is a 49-bit VA; the 4K granule allows 25 to 48");
	refused(4096, 0x10 | 0x28ull << 16 | 2ull << 30 | 5ull << 32,
		"TCR_EL1 0x580280010: T1SZ 40 is a 24-bit VA; the 4K granule allows 25 to 48");
}

Test(aarch64_regs, sctlr_encode)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { 0 };
	uint64_t base = 1ull << 0 | 1ull << 2 | 1ull << 12 | 1ull << 23 | 1ull << 11 | 1ull << 20 | 1ull << 22 |
			1ull << 28 | 1ull << 29;

	cr_assert_eq(base, 0x30d01805ull);
	cr_assert_eq(aarch64_sctlr_encode(&pc, &ctl), 0x30d01805ull);
	ctl.wxn = true;
	cr_assert_eq(aarch64_sctlr_encode(&pc, &ctl), 0x30d81805ull);
	ctl.wxn = false;
	ctl.epan = true;
	cr_assert_eq(aarch64_sctlr_encode(&pc, &ctl), 0x0200000030d01805ull);
}

Test(aarch64_regs, sctlr_decode)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { 0 };
	struct mm_error err = { 0 };

	cr_assert_eq(aarch64_sctlr_decode(0x0200000030d81805ull, &pc, &ctl, NULL), MM_OK);
	cr_assert(ctl.wxn && ctl.epan);
	cr_assert_eq(aarch64_sctlr_decode(0x30d00801ull, &pc, &ctl, NULL), MM_OK);
	cr_assert(!ctl.wxn && !ctl.epan);
	/* M = 0 */
	cr_assert_eq(aarch64_sctlr_decode(0x30d81804ull, &pc, &ctl, &err), MM_EINVAL);
	cr_assert_str_eq(err.msg, "SCTLR_EL1 0x30d81804: M is 0, stage-1 translation is off (nothing to walk)");
	cr_assert(!ctl.wxn, "ctl unchanged");
}

Test(aarch64_regs, the_list)
{
	struct paging_consts pc = consts(4096, 48, 4, 3, 48);
	struct cpu_ctl ctl = { .mair = 0x000000000044ff00ull };
	const struct ctl_reg *mair = ctl_reg_find(aarch64_ctl_regs, "mair");

	cr_assert_not_null(ctl_reg_find(aarch64_ctl_regs, "tcr"));
	cr_assert_not_null(ctl_reg_find(aarch64_ctl_regs, "sctlr"));
	cr_assert_null(ctl_reg_find(aarch64_ctl_regs, "ttbr0"));
	cr_assert_null(ctl_reg_find(NULL, "tcr"));
	cr_assert_not_null(mair);
	cr_assert_eq(mair->encode(&pc, &ctl), 0x44ff00ull);
	cr_assert_eq(mair->decode(0xff, &pc, &ctl, NULL), MM_OK);
	cr_assert_eq(ctl.mair, 0xffull);
}
