/*
 * aarch64_regs: TCR_EL1, SCTLR_EL1 and MAIR_EL1 from and to a config (the
 * layout and the choices are in aarch64_regs.h).
 */
#include "aarch64_regs.h"

#include <inttypes.h>
#include <stdbool.h>

/* A granule as TG0 and TG1 encode it (D19.2: the two fields use different codes). */
struct granule_code {
	uint64_t size;
	unsigned tg0, tg1;
};

static const struct granule_code granules[] = {
	{ 4096, 0, 2 },
	{ 16384, 2, 1 },
	{ 65536, 1, 3 },
};

/* TCR.IPS: the PA sizes in bits, by code; 0b111 is reserved. */
static const unsigned ips_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

#define NR(a) (sizeof(a) / sizeof((a)[0]))
/* The largest PA mmusim models: 48 bits (no FEAT_LPA). */
#define MAX_PA_BITS 48

static uint64_t flag(bool on, uint64_t bit)
{
	return on ? bit : 0;
}

/* The PS code of the smallest PA size holding `bits` (TCR_EL1.IPS and VTCR_EL2.PS share the codes). */
static unsigned pa_size_code(unsigned bits)
{
	unsigned code = NR(ips_bits) - 1;

	for (unsigned i = NR(ips_bits); i-- > 0;)
		if (ips_bits[i] >= bits)
			code = i;
	return code;
}

unsigned aarch64_pa_size(unsigned bits)
{
	return ips_bits[pa_size_code(bits)];
}

uint64_t aarch64_tcr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl)
{
	uint64_t t0sz = (64 - pc->address_width) & TCR_SZ_MASK, t1sz = t0sz;
	uint64_t tcr;

	if (pc->upper_address_width)
		t1sz = (64 - pc->upper_address_width) & TCR_SZ_MASK;
	tcr = t0sz << TCR_T0SZ_SHIFT | t1sz << TCR_T1SZ_SHIFT;

	for (size_t i = 0; i < NR(granules); i++)
		if (granules[i].size == pc->base_page_size)
			tcr |= (uint64_t)granules[i].tg0 << TCR_TG0_SHIFT | (uint64_t)granules[i].tg1 << TCR_TG1_SHIFT;
	/* The smallest PA size holding every address the config can name. */
	tcr |= (uint64_t)pa_size_code(pc->phys_addr_width) << TCR_IPS_SHIFT;
	/* Walks through write-back inner-shareable memory, in both halves. */
	tcr |= TCR_WBWA << TCR_IRGN0_SHIFT | TCR_WBWA << TCR_ORGN0_SHIFT | TCR_INNER_SHARED << TCR_SH0_SHIFT;
	tcr |= TCR_WBWA << TCR_IRGN1_SHIFT | TCR_WBWA << TCR_ORGN1_SHIFT | TCR_INNER_SHARED << TCR_SH1_SHIFT;
	return tcr | flag(ctl->epd0, TCR_EPD0) | flag(ctl->epd1, TCR_EPD1) | flag(ctl->asid16, TCR_AS) |
	       flag(ctl->tbi0, TCR_TBI0) | flag(ctl->tbi1, TCR_TBI1) | flag(ctl->ha, TCR_HA) |
	       flag(ctl->hd, TCR_HD) | flag(ctl->hpd0, TCR_HPD0) | flag(ctl->hpd1, TCR_HPD1);
}

static const char *granule_text(uint64_t size)
{
	return size == 4096 ? "4K" : size == 16384 ? "16K" : size == 65536 ? "64K" : "other";
}

int aarch64_tcr_decode(uint64_t tcr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	unsigned t0sz = (unsigned)(tcr >> TCR_T0SZ_SHIFT & TCR_SZ_MASK);
	unsigned t1sz = (unsigned)(tcr >> TCR_T1SZ_SHIFT & TCR_SZ_MASK);
	unsigned tg0 = (unsigned)(tcr >> TCR_TG0_SHIFT & TCR_TG_MASK);
	unsigned tg1 = (unsigned)(tcr >> TCR_TG1_SHIFT & TCR_TG_MASK);
	unsigned ips = (unsigned)(tcr >> TCR_IPS_SHIFT & TCR_IPS_MASK);
	const struct granule_code *g0 = NULL, *g1 = NULL;
	unsigned shift, levels;

	for (size_t i = 0; i < NR(granules); i++) {
		if (granules[i].tg0 == tg0)
			g0 = &granules[i];
		if (granules[i].tg1 == tg1)
			g1 = &granules[i];
	}
	if (!g0 || !g1)
		return mm_error_set(err, MM_EINVAL, "TCR_EL1 0x%" PRIx64 ": reserved granule (TG0 %u, TG1 %u)",
				    tcr, tg0, tg1);
	if (g0 != g1)
		return mm_error_set(err, MM_EINVAL,
				    "TCR_EL1 0x%" PRIx64 ": TG0 selects %s pages but TG1 %s; mmusim models one "
				    "granule for both halves", tcr, granule_text(g0->size), granule_text(g1->size));
	if (g0->size != pc->base_page_size)
		return mm_error_set(err, MM_EINVAL,
				    "TCR_EL1 0x%" PRIx64 ": TG0 selects %s pages but the config has %s "
				    "(base_page_size): use a config with that granule", tcr,
				    granule_text(g0->size), granule_text(pc->base_page_size));
	if (ips >= NR(ips_bits))
		return mm_error_set(err, MM_EINVAL, "TCR_EL1 0x%" PRIx64 ": IPS 0b111 is reserved", tcr);
	if (ips_bits[ips] > MAX_PA_BITS)
		return mm_error_set(err, MM_EINVAL,
				    "TCR_EL1 0x%" PRIx64 ": IPS %u is a %u-bit PA (FEAT_LPA); mmusim models at most %u",
				    tcr, ips, ips_bits[ips], MAX_PA_BITS);

	/* D8.2: 25 to 48 VA bits per half, 52 with the 64K granule (FEAT_LVA). */
	for (unsigned h = 0; h < 2; h++) {
		unsigned sz = h ? t1sz : t0sz, max_bits = g0->size == 65536 ? 52 : 48;

		if (64 - sz > max_bits || 64 - sz < 25)
			return mm_error_set(err, MM_EINVAL,
					    "TCR_EL1 0x%" PRIx64 ": T%uSZ %u is a %u-bit VA; the %s granule allows 25 to %u",
					    tcr, h, sz, 64 - sz, granule_text(g0->size), max_bits);
	}
	/* Each level resolves a node's worth of index bits above the page offset. */
	for (shift = 0; (1ull << shift) < g0->size; shift++)
		;
	pc->address_width = 64 - t0sz;
	levels = pc->address_width > shift ? (pc->address_width - shift + (shift - 3) - 1) / (shift - 3) : 0;
	pc->nr_levels = levels;
	if (pc->highest_translation_level > levels)
		pc->highest_translation_level = levels;
	/* TTBR1's table: levels of its own when T1SZ differs (paging_consts_derive). */
	pc->upper_address_width = t1sz == t0sz ? 0 : 64 - t1sz;
	pc->phys_addr_width = ips_bits[ips];
	ctl->epd0 = tcr & TCR_EPD0;
	ctl->epd1 = tcr & TCR_EPD1;
	ctl->asid16 = tcr & TCR_AS;
	ctl->tbi0 = tcr & TCR_TBI0;
	ctl->tbi1 = tcr & TCR_TBI1;
	ctl->ha = tcr & TCR_HA;
	ctl->hd = tcr & TCR_HD;
	ctl->hpd0 = tcr & TCR_HPD0;
	ctl->hpd1 = tcr & TCR_HPD1;
	return MM_OK;
}

uint64_t aarch64_sctlr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl)
{
	(void)pc;
	return SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN | SCTLR_LINUX_RES1 | flag(ctl->wxn, SCTLR_WXN) |
	       flag(ctl->epan, SCTLR_EPAN);
}

int aarch64_sctlr_decode(uint64_t sctlr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)pc;
	if (!(sctlr & SCTLR_M))
		return mm_error_set(err, MM_EINVAL,
				    "SCTLR_EL1 0x%" PRIx64 ": M is 0, stage-1 translation is off (nothing to walk)",
				    sctlr);
	ctl->wxn = sctlr & SCTLR_WXN;
	ctl->epan = sctlr & SCTLR_EPAN;
	return MM_OK;
}

static uint64_t mair_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl)
{
	(void)pc;
	return ctl->mair;
}

static int mair_decode(uint64_t mair, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	(void)pc;
	(void)err;
	ctl->mair = mair;
	return MM_OK;
}

/* The stage-2 start level's SL0: 4K counts from level 2 (0b00) up, 16K and 64K from level 3. */
static unsigned s2_sl0(uint64_t granule, unsigned levels)
{
	return granule == 4096 ? levels - 2 : levels - 1;
}

uint64_t aarch64_vtcr_encode(const struct paging_consts *pc, const struct cpu_ctl *ctl)
{
	uint64_t vtcr = ((64 - pc->address_width) & TCR_SZ_MASK) << VTCR_T0SZ_SHIFT;

	vtcr |= ((uint64_t)s2_sl0(pc->base_page_size, pc->nr_levels) & VTCR_SL0_MASK) << VTCR_SL0_SHIFT;
	for (size_t i = 0; i < NR(granules); i++)
		if (granules[i].size == pc->base_page_size)
			vtcr |= (uint64_t)granules[i].tg0 << VTCR_TG0_SHIFT;
	vtcr |= (uint64_t)pa_size_code(pc->phys_addr_width) << VTCR_PS_SHIFT;
	vtcr |= TCR_WBWA << VTCR_IRGN0_SHIFT | TCR_WBWA << VTCR_ORGN0_SHIFT | TCR_INNER_SHARED << VTCR_SH0_SHIFT;
	return vtcr | VTCR_RES1 | flag(ctl->vmid16, VTCR_VS) | flag(ctl->ha, VTCR_HA) | flag(ctl->hd, VTCR_HD);
}

int aarch64_vtcr_decode(uint64_t vtcr, struct paging_consts *pc, struct cpu_ctl *ctl, struct mm_error *err)
{
	unsigned t0sz = (unsigned)(vtcr >> VTCR_T0SZ_SHIFT & TCR_SZ_MASK);
	unsigned sl0 = (unsigned)(vtcr >> VTCR_SL0_SHIFT & VTCR_SL0_MASK);
	unsigned tg0 = (unsigned)(vtcr >> VTCR_TG0_SHIFT & TCR_TG_MASK);
	unsigned ps = (unsigned)(vtcr >> VTCR_PS_SHIFT & TCR_IPS_MASK);
	const struct granule_code *g = NULL;
	unsigned shift, index_bits, levels, start, ipa = 64 - t0sz, min_ipa, max_ipa;

	for (size_t i = 0; i < NR(granules); i++)
		if (granules[i].tg0 == tg0)
			g = &granules[i];
	if (!g)
		return mm_error_set(err, MM_EINVAL, "VTCR_EL2 0x%" PRIx64 ": TG0 0b11 is reserved", vtcr);
	if (g->size != pc->base_page_size)
		return mm_error_set(err, MM_EINVAL,
				    "VTCR_EL2 0x%" PRIx64 ": TG0 selects %s pages but the config has %s "
				    "(base_page_size): use a config with that granule", vtcr,
				    granule_text(g->size), granule_text(pc->base_page_size));
	if (sl0 == 3)
		return mm_error_set(err, MM_EINVAL,
				    "VTCR_EL2 0x%" PRIx64 ": SL0 0b11 is reserved with the %s granule (%s)", vtcr,
				    granule_text(g->size),
				    g->size == 4096 ? "level 3 is FEAT_TTST's" : g->size == 16384 ? "level 0 is FEAT_LPA2's"
												   : "no level");
	if (ps >= NR(ips_bits))
		return mm_error_set(err, MM_EINVAL, "VTCR_EL2 0x%" PRIx64 ": PS 0b111 is reserved", vtcr);
	if (ips_bits[ps] > MAX_PA_BITS)
		return mm_error_set(err, MM_EINVAL,
				    "VTCR_EL2 0x%" PRIx64 ": PS %u is a %u-bit PA (FEAT_LPA); mmusim models at most %u",
				    vtcr, ps, ips_bits[ps], MAX_PA_BITS);
	for (shift = 0; (1ull << shift) < g->size; shift++)
		;
	index_bits = shift - 3;
	levels = g->size == 4096 ? sl0 + 2 : sl0 + 1;
	start = 4 - levels;
	/* D8 "Concatenated translation tables": the start level resolves 1 bit to index_bits + 4 (16 tables). */
	min_ipa = shift + (levels - 1) * index_bits + 1;
	max_ipa = min_ipa + index_bits + 3;
	if (min_ipa < 25)
		min_ipa = 25;
	if (max_ipa > MAX_PA_BITS)
		max_ipa = MAX_PA_BITS;
	if (ipa < min_ipa || ipa > max_ipa)
		return mm_error_set(err, MM_EINVAL,
				    "VTCR_EL2 0x%" PRIx64 ": T0SZ %u (%u-bit IPA) cannot start at level %u (SL0 0b%u%u): "
				    "with the %s granule level %u resolves %u to %u IPA bits%s", vtcr, t0sz, ipa, start,
				    sl0 >> 1, sl0 & 1, granule_text(g->size), start, min_ipa, max_ipa,
				    max_ipa > min_ipa + index_bits - 1 ? " (up to 16 concatenated tables)" : "");
	pc->address_width = ipa;
	pc->nr_levels = levels;
	if (pc->highest_translation_level > levels)
		pc->highest_translation_level = levels;
	pc->phys_addr_width = ips_bits[ps];
	ctl->vmid16 = vtcr & VTCR_VS;
	ctl->ha = vtcr & VTCR_HA;
	ctl->hd = vtcr & VTCR_HD;
	return MM_OK;
}

const struct ctl_reg aarch64_s2_ctl_regs[] = {
	{ "vtcr", aarch64_vtcr_encode, aarch64_vtcr_decode },
	{ NULL, NULL, NULL },
};

const struct ctl_reg aarch64_ctl_regs[] = {
	{ "tcr", aarch64_tcr_encode, aarch64_tcr_decode },
	{ "mair", mair_encode, mair_decode },
	{ "sctlr", aarch64_sctlr_encode, aarch64_sctlr_decode },
	{ NULL, NULL, NULL },
};
