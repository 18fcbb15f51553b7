/*
 * AArch64 descriptor encodings (Arm ARM DDI 0487, D8.3 "Translation table
 * descriptor formats"; D19 ESR_EL1 and TTBR0_EL1), by hand: bit 0 valid,
 * bit 1 table/page, AttrIndx 4:2, AP[2:1] 7:6, SH 9:8, AF 10, nG 11, DBM 51,
 * Contiguous 52, PXN 53, UXN 54.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "formats/config.h"
#include "pt/pt_arch.h"

static struct machine_config cfg(const char *preset)
{
	struct machine_config mc;
	struct mm_error err = { 0 };

	cr_assert_eq(config_load_preset(preset, &mc, &err), MM_OK, "%s", err.msg);
	return mc;
}

static const struct {
	uint32_t flags;
	enum cache_policy cache;
	unsigned level;
	uint64_t pa, pte;
} leaves[] = {
	/* EL0 code and data, written: page | AP=01 | SH inner | AF | nG | DBM (AP[2] clear: dirty) | PXN */
	{ PROP_R | PROP_W | PROP_X | PROP_U | PROP_A | PROP_D, CACHE_WB, 1, 0x40200000, 0x0028000040200f43 },
	/* Kernel read-only device block, global: block (type 0) | AttrIndx 1 | AP=10 | UXN | PXN */
	{ PROP_R | PROP_G, CACHE_UC, 2, 0x80000000, 0x0060000080000085 },
	/* Kernel data, clean: DBM with AP[2]=1 (writable-clean), AttrIndx 3, UXN | PXN, nG */
	{ PROP_R | PROP_W, CACHE_WT, 1, 0x40200000, 0x0068000040200b8f },
	/* Kernel code, global, write-combining: AttrIndx 2, AP=10, UXN only, software bits 55 and 56 */
	{ PROP_R | PROP_X | PROP_G | PROP_AVAIL1 | PROP_AVAIL2, CACHE_WC, 1, 0x40201000, 0x01c000004020138b },
};

Test(pte_aarch64, make_leaf_and_back)
{
	struct machine_config mc = cfg("aarch64");

	for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
		struct page_prop p = { leaves[i].flags, leaves[i].cache }, back;
		uint64_t pte = pt_arch_aarch64.make_leaf(&mc.pc, leaves[i].pa, &p, leaves[i].level);

		cr_expect_eq(pte, leaves[i].pte, "case %zu: 0x%016llx", i, (unsigned long long)pte);
		pt_arch_aarch64.leaf_prop(&mc.pc, pte, leaves[i].level, &back);
		cr_expect_eq(back.flags, leaves[i].flags, "case %zu: flags 0x%x", i, back.flags);
		cr_expect_eq(back.cache, leaves[i].cache, "case %zu", i);
	}
	/* A table: valid | table, no hierarchical limits. */
	cr_expect_eq(pt_arch_aarch64.make_table(&mc.pc, 0x40005000), 0x40005003);
}

Test(pte_aarch64, describe)
{
	struct machine_config mc = cfg("aarch64");
	char buf[256];

	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x0028000040200f43, 1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "page AttrIndx=0 (MAIR 0xff: Normal WB) AP=01 (EL1 RW, EL0 RW) SH=3 AF nG DBM PXN oa=0x40200000");
	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x0060000080000085, 2, buf, sizeof(buf));
	cr_expect_str_eq(buf, "block AttrIndx=1 (MAIR 0x00: Device-nGnRnE) AP=10 (EL1 RO) SH=0 PXN UXN oa=0x80000000");
	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x7800000040005003ull, 3, buf, sizeof(buf));
	cr_expect_str_eq(buf, "table APTable=11 UXNTable PXNTable next=0x40005000");
	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x40000001, 4, buf, sizeof(buf));
	cr_expect_str_eq(buf, "block (not allowed at level 0) AttrIndx=0 (MAIR 0xff: Normal WB) AP=00 (EL1 RW) SH=0 oa=0x40000000");
	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x40000401, 1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "reserved (0b01 at level 3) AttrIndx=0 (MAIR 0xff: Normal WB) AP=00 (EL1 RW) SH=0 AF oa=0x40000000");
	pt_arch_aarch64.describe_pte(&mc.pc, &mc.cpu, 0x40000402, 1, buf, sizeof(buf));
	cr_expect_str_eq(buf, "invalid");
	cr_expect_str_eq(pt_arch_aarch64.entry_name(&mc.pc, 4), "L0 descriptor");
	cr_expect_str_eq(pt_arch_aarch64.entry_name(&mc.pc, 1), "L3 descriptor");
}

Test(pte_aarch64, describe_fault)
{
	static const struct { uint64_t esr; const char *text; } cases[] = {
		{ 0x9200004f, "ESR_EL1 0x9200004f (data abort from EL0, WnR, permission fault, level 3)" },
		{ 0x86000004, "ESR_EL1 0x86000004 (instruction abort from EL1, translation fault, level 0)" },
		{ 0x96000015, "ESR_EL1 0x96000015 (data abort from EL1, synchronous external abort on table walk, level 1)" },
		{ 0x8200000a, "ESR_EL1 0x8200000a (instruction abort from EL0, access flag fault, level 2)" },
		{ 0x96000043, "ESR_EL1 0x96000043 (data abort from EL1, WnR, address size fault, level 3)" },
	};
	char buf[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct walk_fault f = { FAULT_PERMISSION, REASON_NONE, 1, cases[i].esr };
		pt_arch_aarch64.describe_fault(&f, buf, sizeof(buf));
		cr_expect_str_eq(buf, cases[i].text);
	}
}

Test(pte_aarch64, ttbr)
{
	struct machine_config mc = cfg("aarch64");
	struct mm_error err = { 0 };
	uint64_t root = 0;
	uint16_t asid = 0;

	cr_expect_eq(pt_arch_aarch64.encode_root_reg(&mc.pc, 0x40001000, 5), 0x0005000040001000);
	/* CnP (bit 0) is not part of the base address. */
	cr_assert_eq(pt_arch_aarch64.decode_root_reg(&mc.pc, 0x0105000040001001, &root, &asid, &err), MM_OK);
	cr_expect_eq(root, 0x40001000);
	cr_expect_eq(asid, 0x105);
	cr_expect_eq(pt_arch_aarch64.decode_root_reg(&mc.pc, 0x40001008, &root, &asid, &err), MM_EINVAL);
	cr_expect_str_eq(err.msg, "TTBR 0x40001008: the table base is not 64-byte aligned");
}
