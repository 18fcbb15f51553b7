/*
 * explain_text: one walk told for a student, and the one-line answer every
 * command gives for it.  The VA as its bit fields (sign extension, one index
 * per level, the offset) in hex and binary; per level the table, the PTE's
 * address = table + index x pte_size, the raw PTE with its address field and
 * its other bits decoded; then the PA assembled from the leaf, or the rule
 * that faulted with the entry that refused (which for x86 rights combined
 * over the levels need not be the leaf: SDM 4.6).
 * Field positions come from the config, bit names from mmusim_pte_describe /
 * mmusim_fault_describe: nothing here knows an architecture.  translate
 * (with or without --explain), explain, the shell, quiz answers and report
 * --html all print through here, so a thing is said one way everywhere.
 */
#include "explain_text.h"

#include <inttypes.h>
#include <string.h>

#include "root_halves.h"
#include "size_text.h"
#include "term_text.h"

void palette_init(struct palette *p, bool on)
{
	static const char *const levels[] = { "\033[36m", "\033[33m", "\033[35m", "\033[34m", "\033[32m" };

	memset(p, 0, sizeof(*p));
	for (unsigned l = 0; l <= MMUSIM_MAX_LEVELS; l++)
		p->level[l] = on && l ? levels[(l - 1) % 5] : "";
	p->offset = on ? "\033[1m" : "";
	p->sign = on ? "\033[2m" : "";
	p->good = on ? "\033[1;32m" : "";
	p->bad = on ? "\033[1;31m" : "";
	p->head = on ? "\033[1m" : "";
	p->reset = on ? "\033[0m" : "";
}

static uint64_t bit_field(uint64_t v, unsigned hi, unsigned lo)
{
	unsigned w = hi - lo + 1;
	return (v >> lo) & (w >= 64 ? UINT64_MAX : (1ull << w) - 1);
}

static void binary(char *buf, uint64_t v, unsigned width)
{
	char *p = buf;
	*p++ = '0';
	*p++ = 'b';
	for (unsigned i = width; i-- > 0;)
		*p++ = (v >> i) & 1 ? '1' : '0';
	*p = '\0';
}

/* One field: name, bit range, value in hex and binary (the last column unpadded: no trailing blanks). */
static void field_row(FILE *out, const char *color, const char *reset, const char *name, unsigned hi,
		      unsigned lo, uint64_t value, unsigned width, const char *note)
{
	char range[16], hex[24], bin[72];

	snprintf(range, sizeof(range), "%u:%u", hi, lo);
	snprintf(hex, sizeof(hex), "0x%" PRIx64, value);
	binary(bin, value, hi - lo + 1);
	fprintf(out, "  %s%-10s%s %-6s %-*s %-*s%s\n", color, name, reset, range, (int)(width + 3) / 4 + 2, hex,
		*note ? (int)width + 2 : 0, bin, note);
}

/*
 * The bits above the VA: with sign extension they always take part (copies of
 * the top bit); a narrow format without it (Sv32, x86 32-bit, toy) has no such
 * bits, so they are drawn only when a VA sets some — the reason it faults.
 */
/*
 * The VA size of the half VA bit 55 picks on a split-root format (T0SZ and
 * T1SZ may differ), else the config's one VA size.
 */
static unsigned va_half_bits(const mmusim_config *cfg, uint64_t va)
{
	return mmusim_config_half_va_bits(cfg, va_in_upper_half(cfg, va));
}

static bool draws_high_bits(const mmusim_config *cfg, uint64_t va)
{
	return va_half_bits(cfg, va) < 64 && (mmusim_config_va_sign_extended(cfg) || !mmusim_va_canonical(cfg, va));
}

/* Hex digits a VA is printed with: 16 with sign extension, else the VA's own width. */
static int va_digits(const mmusim_config *cfg, uint64_t va)
{
	return mmusim_config_va_sign_extended(cfg) ? 16 : (int)(va_half_bits(cfg, va) + 3) / 4;
}

/* log2 of the base page size: the width of a VA's page offset. */
static unsigned page_shift(const mmusim_config *cfg)
{
	return (unsigned)__builtin_ctzll(mmusim_config_page_size(cfg));
}

/*
 * A split-root format's bits above the VA (Arm ARM D8.2.2): VA bit 55 picks
 * TTBR0 or TTBR1, and the bits from the VA size up to bit 63 -- up to bit 55
 * when that half's top byte is ignored (TBIn), the byte then drawn apart --
 * must all equal it.
 */
static void explain_range_bits(FILE *out, const mmusim_config *cfg, uint64_t va, unsigned widest,
			       const struct palette *pal)
{
	bool upper = va >> ROOT_SELECT_BIT & 1, tbi = half_ignores_top_byte(cfg, upper);
	unsigned aw = mmusim_config_half_va_bits(cfg, upper);
	unsigned hi = tbi ? TOP_BYTE_LOW_BIT - 1 : 63;
	uint64_t bits = bit_field(va, hi, aw), all = bit_field(UINT64_MAX, hi, aw);
	char note[96];

	if (tbi) {
		snprintf(note, sizeof(note), "  ignored (TBI%u=1)", upper);
		field_row(out, pal->sign, pal->reset, "top byte", 63, TOP_BYTE_LOW_BIT, bit_field(va, 63, TOP_BYTE_LOW_BIT),
			  widest, note);
	}
	if (bits == (upper ? all : 0))
		snprintf(note, sizeof(note), "  all equal to bit %u = %u: %s", ROOT_SELECT_BIT, upper,
			 root_half_label(upper));
	else
		snprintf(note, sizeof(note), "  not all equal to bit %u: in neither TTBR's range", ROOT_SELECT_BIT);
	field_row(out, pal->sign, pal->reset, "range", hi, aw, bits, widest, note);
}

/* Index bits the top level of a half's table takes: fewer than a node's when its node is partly used. */
static unsigned level_index_bits(const mmusim_config *cfg, bool upper, unsigned level)
{
	return level == mmusim_config_half_levels(cfg, upper)
		       ? (unsigned)__builtin_ctz(mmusim_config_half_top_entries(cfg, upper))
		       : mmusim_config_index_bits(cfg);
}

static void explain_va(FILE *out, const mmusim_config *cfg, uint64_t va, const struct palette *pal)
{
	bool upper = va_in_upper_half(cfg, va);
	unsigned aw = va_half_bits(cfg, va), widest = page_shift(cfg), index_bits = mmusim_config_index_bits(cfg);
	bool high = draws_high_bits(cfg, va), sign_ext = mmusim_config_va_sign_extended(cfg);
	char name[24], note[96];

	if (index_bits > widest)
		widest = index_bits;
	if (high && 64 - aw > widest)
		widest = 64 - aw;
	fprintf(out, "%sVA 0x%0*" PRIx64 "%s as its bit fields:\n", pal->head, va_digits(cfg, va), va, pal->reset);
	fprintf(out, "  %-10s %-6s %-*s binary\n", "field", "bits", (int)(widest + 3) / 4 + 2, "hex");
	if (high && mmusim_config_split_roots(cfg)) {
		explain_range_bits(out, cfg, va, widest, pal);
	} else if (high) {
		if (!sign_ext)
			snprintf(note, sizeof(note), "  not 0: NOT a %u-bit VA", aw);
		else if (mmusim_va_canonical(cfg, va))
			snprintf(note, sizeof(note), "  copies of bit %u: canonical", aw - 1);
		else
			snprintf(note, sizeof(note), "  not all equal to bit %u: NOT canonical", aw - 1);
		field_row(out, pal->sign, pal->reset, sign_ext ? "sign ext." : "unused", 63, aw,
			  bit_field(va, 63, aw), widest, note);
	}
	for (unsigned level = mmusim_config_half_levels(cfg, upper); level >= 1; level--) {
		unsigned lo = mmusim_config_index_shift(cfg, level), hi = lo + level_index_bits(cfg, upper, level) - 1;
		unsigned idx = mmusim_va_index(cfg, va, level);
		snprintf(name, sizeof(name), "L%u index", level);
		snprintf(note, sizeof(note), "  = %u", idx);
		field_row(out, pal->level[level], pal->reset, name, hi, lo, idx, widest, note);
	}
	field_row(out, pal->offset, pal->reset, "offset", page_shift(cfg) - 1, 0,
		  bit_field(va, page_shift(cfg) - 1, 0), widest, "");
}

/* "bits 51:12" when the address bits are contiguous, else the mask. */
static void describe_mask(uint64_t mask, char *buf, size_t len)
{
	unsigned lo, hi;

	if (!mask) {
		snprintf(buf, len, "no bits");
		return;
	}
	lo = (unsigned)__builtin_ctzll(mask);
	hi = 63 - (unsigned)__builtin_clzll(mask);
	if (bit_field(mask, hi, lo) == (hi - lo + 1 >= 64 ? UINT64_MAX : (1ull << (hi - lo + 1)) - 1))
		snprintf(buf, len, "bits %u:%u", hi, lo);
	else
		snprintf(buf, len, "mask 0x%" PRIx64, mask);
}

/* The PA bit that PTE bit `bit` (an address bit) lands on: flip it and see what moves. */
static unsigned pa_bit_of(const mmusim_config *cfg, uint64_t pte, unsigned level, uint64_t addr, unsigned bit)
{
	uint64_t moved = mmusim_pte_address_field(cfg, pte ^ (1ull << bit), level) ^ addr;

	return moved ? (unsigned)__builtin_ctzll(moved) : bit;
}

/*
 * "bits 53:10 = 0x80002 -> PA bits 55:12": where an entry's address bits are
 * not in place (RISC-V's PPN from bit 10, x86_32 PSE-36's PA bits 39:32 in PDE
 * bits 20:13), each run of them with the PA bits it becomes.
 */
static bool describe_moved_bits(const mmusim_config *cfg, uint64_t pte, unsigned level, uint64_t mask, uint64_t addr,
				char *buf, size_t len)
{
	size_t used = 0;
	bool moved = false;

	buf[0] = '\0';
	for (int hi = 63; hi >= 0; hi--) {
		if (!(mask >> hi & 1))
			continue;
		unsigned pa_hi = pa_bit_of(cfg, pte, level, addr, (unsigned)hi);
		int lo = hi;
		while (lo > 0 && (mask >> (lo - 1) & 1) &&
		       pa_bit_of(cfg, pte, level, addr, (unsigned)lo - 1) + 1 == pa_hi - (unsigned)(hi - lo))
			lo--;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used, "%sbits %d:%d = 0x%" PRIx64 " -> PA bits %u:%u",
						 used ? ", " : "", hi, lo, bit_field(pte, (unsigned)hi, (unsigned)lo),
						 pa_hi, pa_hi - (unsigned)(hi - lo));
		moved |= pa_hi != (unsigned)hi;
		hi = lo;
	}
	return moved;
}

/*
 * "L2"; where the architecture numbers its levels from the root (Arm, the
 * split-root format: level 0 .. 3 = our 4 .. 1) also its name for the
 * entry: "L4 (L0 descriptor)".
 */
static void level_name(const mmusim_config *cfg, unsigned level, char *buf, size_t len)
{
	if (levels_numbered_from_root(cfg))
		snprintf(buf, len, "L%u (%s)", level, mmusim_config_entry_name(cfg, level));
	else
		snprintf(buf, len, "L%u", level);
}

/*
 * "  L2  table 0x3000 + index 1 x 8 = PDE at 0x3008": where step i's entry
 * is, the entry named as the format names it (SDM 4.5: the PDE; RISC-V: a
 * PTE at every level).  Arm's level name already says "(L2 descriptor)".
 */
static void step_address(FILE *out, const mmusim_config *cfg, const mmusim_walk_step *s, const struct palette *pal)
{
	char name[40];

	level_name(cfg, s->level, name, sizeof(name));
	fprintf(out, "  %s%s%s  table 0x%" PRIx64 " + index %u x %u = %s at 0x%" PRIx64 "\n", pal->level[s->level],
		name, pal->reset, s->table, s->index, mmusim_config_pte_size(cfg),
		levels_numbered_from_root(cfg) ? "descriptor" : mmusim_config_entry_name(cfg, s->level), s->pte_addr);
}

void explain_level_stage2_refused(FILE *out, const mmusim_config *cfg, const mmusim_translation *res, unsigned i,
				  const struct palette *pal)
{
	step_address(out, cfg, &res->steps[i], pal);
	fprintf(out, "      %sstage 2 refuses the walk's access to this GPA: the entry is not read, the walk stops here%s\n",
		pal->bad, pal->reset);
}

static void explain_step(FILE *out, const mmusim_config *cfg, const mmusim_translation *res, unsigned i,
			 const struct palette *pal)
{
	const mmusim_walk_step *s = &res->steps[i];
	unsigned pte_size = mmusim_config_pte_size(cfg);
	bool last = i + 1 == res->nr_steps;
	char flags[160], where[48], size[32], moved[200];

	step_address(out, cfg, s, pal);
	if (last && !res->ok && res->fault_kind == MMUSIM_FAULT_BUS_ERROR) {
		/* Named as the fault's reason names it: "the PDPTE address" at an x86 level 3. */
		fprintf(out, "      %sthe %s address is outside physical memory: nothing to read%s\n", pal->bad,
			res->fault_stage2 ? "PTE" : mmusim_config_entry_name(cfg, s->level), pal->reset);
		return;
	}
	mmusim_pte_describe(cfg, s->pte, s->level, flags, sizeof(flags));
	fprintf(out, "      raw    0x%0*" PRIx64 "\n", 2 * pte_size, s->pte);
	fprintf(out, "      bits   %s\n", flags);
	if (!mmusim_pte_present(cfg, s->pte))
		return;
	uint64_t mask = mmusim_pte_address_mask(cfg, s->pte, s->level);
	/* A leaf where no page can be (x86 PS in a PML4E): the fault below names the bit. */
	if (!mask) {
		fprintf(out, "      addr   none: no page is mapped at level %u\n", s->level);
		return;
	}
	/* Only the bits the hardware takes: not those at or above MAXPHYADDR (reserved, named by the fault). */
	uint64_t addr = mmusim_pte_address_field(cfg, s->pte, s->level), shown = addr;
	/*
	 * A leaf larger than its level's pages (a Svnapot 64 KiB leaf, whose
	 * PPN[3:0] encode its size; an Arm contiguous run): the frame is the
	 * bits above the page, as the TLB entry for the whole page holds it.
	 */
	if (last && res->ok && res->page_size >> mmusim_config_index_shift(cfg, s->level) > 1) {
		for (unsigned bit = 0; bit < 64; bit++)
			if ((mask >> bit & 1) &&
			    pa_bit_of(cfg, s->pte, s->level, addr, bit) < (unsigned)__builtin_ctzll(res->page_size))
				mask &= ~(1ull << bit);
		shown &= ~(res->page_size - 1);
	}
	describe_mask(mask, where, sizeof(where));
	unsigned page_shift = (unsigned)__builtin_ctzll(mmusim_config_page_size(cfg));
	mmusim_pte_layout layout;
	/* A frame number not already in place (OSTEP's PFN in bits 6:0): say how it becomes the address. */
	if (mmusim_config_pte_layout(cfg, &layout) && layout.frame_shift != page_shift)
		fprintf(out, "      addr   %s = frame 0x%" PRIx64 " << %u = 0x%" PRIx64 "\n", where, addr >> page_shift,
			page_shift, addr);
	else if (describe_moved_bits(cfg, s->pte, s->level, mask, addr, moved, sizeof(moved)))
		fprintf(out, "      addr   %s, so 0x%" PRIx64 "\n", moved, shown);
	else
		fprintf(out, "      addr   %s = 0x%" PRIx64 "\n", where, shown);
	if (!last)
		fprintf(out, "      -> the next table, at 0x%" PRIx64 "\n", mmusim_pte_address(cfg, s->pte, s->level));
	else if (res->ok)
		fprintf(out, "      -> a leaf: maps a %s page at frame 0x%" PRIx64 "\n",
			(format_page_size(res->page_size, size, sizeof(size)), size), res->pa & ~(res->page_size - 1));
}

/* "fault not-present at level 1", or for a bad VA that nothing was read. */
static void fault_where(const mmusim_translation *t, char *buf, size_t len)
{
	if (t->fault_kind == MMUSIM_FAULT_NON_CANONICAL)
		snprintf(buf, len, "fault %s (no entry was read)", mmusim_fault_kind_name(t->fault_kind));
	else
		snprintf(buf, len, "fault %s at level %u", mmusim_fault_kind_name(t->fault_kind), t->fault_level);
}

/* "the PML4E (L4) at 0x1000" when an entry's rights refused the access, else "". */
static void refused_by(const mmusim_config *cfg, const mmusim_translation *t, char *buf, size_t len)
{
	buf[0] = '\0';
	if (t->fault_kind == MMUSIM_FAULT_PERMISSION && t->refused_level)
		snprintf(buf, len, "the %s (L%u) at 0x%" PRIx64, mmusim_config_entry_name(cfg, t->refused_level),
			 t->refused_level, t->refused_pte_addr);
}

void explain_answer(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, char *buf, size_t len)
{
	explain_answer_because(cfg, va, t, NULL, buf, len);
}

void explain_answer_because(const mmusim_config *cfg, uint64_t va, const mmusim_translation *t, const char *because,
			    char *buf, size_t len)
{
	char size[32], perms[6], where[64], code[160], why[160], who[96];

	if (t->ok) {
		format_page_size(t->page_size, size, sizeof(size));
		mmusim_perms_string(t->perms, perms);
		snprintf(buf, len, "pa 0x%" PRIx64 " (%s page, level %u) perms %s", t->pa, size, t->level, perms);
		return;
	}
	fault_where(t, where, sizeof(where));
	mmusim_fault_describe(cfg, t, code, sizeof(code));
	if (because)
		snprintf(why, sizeof(why), "%s", because);
	else
		mmusim_fault_reason_describe(cfg, va, t, why, sizeof(why));
	refused_by(cfg, t, who, sizeof(who));
	snprintf(buf, len, "%s, %s: %s%s%s", where, code, why, *who ? "; refused by " : "", who);
}

void explain_answer_line(FILE *out, const mmusim_config *cfg, const mmusim_request *req, const mmusim_translation *t)
{
	char answer[512];

	explain_answer(cfg, req->va, t, answer, sizeof(answer));
	fprintf(out, "0x%" PRIx64 " %s %s: %s\n", req->va, mmusim_access_name(req->access), mmusim_priv_name(req->priv),
		answer);
}

/*
 * A misaligned superpage: the `addr` line shows only the frame bits above the
 * page size (what a TLB entry would keep), so the bits that fault are said
 * here -- RISC-V: PPN[i-1:0] != 0 (priv. spec, Sv39 step 6), PA bits 29:12 of
 * a gigapage; the toy: a huge leaf's frame below its size.
 */
static void quote_misaligned_frame(FILE *out, const mmusim_config *cfg, const mmusim_walk_step *s)
{
	unsigned shift = mmusim_config_index_shift(cfg, s->level), page_shift = mmusim_config_index_shift(cfg, 1);
	uint64_t frame = mmusim_pte_address(cfg, s->pte, s->level), low = frame & ((1ull << shift) - 1);
	char size[32];

	if (!low || shift <= page_shift)
		return;
	format_page_size(1ull << shift, size, sizeof(size));
	fprintf(out, "  misaligned: its frame 0x%" PRIx64 " has PA bits %u:%u = 0x%" PRIx64
		", which must be 0 in a %s page\n", frame, shift - 1, page_shift, low >> page_shift, size);
}

/*
 * The bits the rule looked at: for a bad VA its high bits; for rights, the
 * entry that refused them; else the entry where the walk stopped.
 */
static void quote_fault_bits(FILE *out, const mmusim_config *cfg, const mmusim_request *req,
			     const mmusim_translation *res)
{
	unsigned digits = 2 * mmusim_config_pte_size(cfg);
	char flags[160], who[96];

	if (res->fault_kind == MMUSIM_FAULT_NON_CANONICAL) {
		unsigned aw = va_half_bits(cfg, req->va);
		if (mmusim_config_split_roots(cfg))
			fprintf(out, "  the bits: VA bits 63:%u = 0x%" PRIx64 " while bit %u = %u\n", aw,
				bit_field(req->va, 63, aw), ROOT_SELECT_BIT, (unsigned)(req->va >> ROOT_SELECT_BIT & 1));
		else if (!mmusim_config_va_sign_extended(cfg))
			fprintf(out, "  the bits: VA bits 63:%u = 0x%" PRIx64 ", above the %u bits of a VA\n", aw,
				bit_field(req->va, 63, aw), aw);
		else
			fprintf(out, "  the bits: VA bits 63:%u = 0x%" PRIx64 " while bit %u = %u\n", aw,
				bit_field(req->va, 63, aw), aw - 1, (unsigned)bit_field(req->va, aw - 1, aw - 1));
		return;
	}
	refused_by(cfg, res, who, sizeof(who));
	for (unsigned i = 0; i < res->nr_steps; i++) {
		const mmusim_walk_step *s = &res->steps[i];
		if (res->fault_kind == MMUSIM_FAULT_BUS_ERROR)
			continue;
		if (*who ? s->level != res->refused_level : s->level != res->fault_level)
			continue;
		mmusim_pte_describe(cfg, s->pte, s->level, flags, sizeof(flags));
		if (*who)
			fprintf(out, "  refused by %s: 0x%0*" PRIx64 " = %s\n", who, digits, s->pte, flags);
		else
			/* Named as refused_by names an entry: "the PML4E (L4) at 0x1000", not "L4 PTE". */
			fprintf(out, "  the bits: the %s (L%u) at 0x%" PRIx64 ": 0x%0*" PRIx64 " = %s\n",
				mmusim_config_entry_name(cfg, s->level), s->level, s->pte_addr, digits, s->pte, flags);
		if (res->fault_kind == MMUSIM_FAULT_MISALIGNED_SUPERPAGE && !*who)
			quote_misaligned_frame(out, cfg, s);
	}
}

/*
 * Which of A and D the walk set, in which entries: each entry as read against
 * as left -- the leaf's from res->leaf_pte, the entries above it read back
 * from m (x86 sets A in every entry it uses, SDM 4.8; RISC-V and Arm have
 * A/AF in leaves only).  "; the walk set A and D in the leaf", "; the walk set
 * A in every entry it read and D in the leaf", or "" when it set none.
 */
static void set_bits_text(const mmusim_config *cfg, const mmusim_translation *res, mmusim_machine *m, char *buf,
			  size_t len)
{
	unsigned n = res->nr_steps, nr_a = 0;
	bool a[MMUSIM_MAX_LEVELS] = { false }, leaf_d = false;
	size_t used;

	buf[0] = '\0';
	if (!res->ok || !n)
		return;
	for (unsigned i = 0; i < n; i++) {
		const mmusim_walk_step *s = &res->steps[i];
		uint64_t now = res->leaf_pte;
		if (i + 1 < n && (!m || mmusim_mem_read(m, s->pte_addr, mmusim_config_pte_size(cfg), &now) != MMUSIM_OK))
			now = s->pte; /* not known: told as unchanged */
		uint32_t before = mmusim_pte_flags(cfg, s->pte, s->level), after = mmusim_pte_flags(cfg, now, s->level);
		a[i] = (after & MMUSIM_PROP_A) && !(before & MMUSIM_PROP_A);
		nr_a += a[i];
		if (i + 1 == n)
			leaf_d = (after & MMUSIM_PROP_D) && !(before & MMUSIM_PROP_D);
	}
	if (!nr_a && !leaf_d)
		return;
	if (nr_a == 1 && a[n - 1]) {
		snprintf(buf, len, "; the walk set %s in the leaf", leaf_d ? "A and D" : "A");
		return;
	}
	if (!nr_a) {
		snprintf(buf, len, "; the walk set D in the leaf");
		return;
	}
	if (nr_a == n) {
		used = (size_t)snprintf(buf, len, "; the walk set A in every entry it read");
	} else {
		/* Some entries had A already (an earlier walk through them): name those it set. */
		unsigned k = 0;
		used = (size_t)snprintf(buf, len, "; the walk set A in");
		for (unsigned i = 0; i < n && used < len; i++) {
			if (!a[i])
				continue;
			k++;
			used += (size_t)snprintf(buf + used, len - used, "%s", k == 1 ? " the " : k == nr_a ? " and the " : ", the ");
			if (used >= len)
				break;
			if (i + 1 == n)
				used += (size_t)snprintf(buf + used, len - used, "leaf");
			else
				used += (size_t)snprintf(buf + used, len - used, "%s (L%u)",
							 mmusim_config_entry_name(cfg, res->steps[i].level), res->steps[i].level);
		}
	}
	if (leaf_d && used < len)
		snprintf(buf + used, len - used, " and D in the leaf");
}

/*
 * The entries a walk that faulted set A in before the fault, read back from m
 * ("the PML4E (L4), the PDPTE (L3) and the PDE (L2)"), or "" when none: x86
 * sets A in each paging-structure entry it uses (SDM vol. 3 4.8) even when a
 * lower level then faults, so a second walk reads them changed.
 */
static void fault_set_a_text(const mmusim_config *cfg, const mmusim_translation *res, mmusim_machine *m, char *buf,
			     size_t len)
{
	unsigned set[MMUSIM_MAX_LEVELS], nr = 0;
	size_t used = 0;

	buf[0] = '\0';
	if (!m)
		return;
	for (unsigned i = 0; i < res->nr_steps && nr < MMUSIM_MAX_LEVELS; i++) {
		const mmusim_walk_step *s = &res->steps[i];
		uint64_t now;
		if (mmusim_mem_read(m, s->pte_addr, mmusim_config_pte_size(cfg), &now) != MMUSIM_OK)
			continue;
		if ((mmusim_pte_flags(cfg, now, s->level) & MMUSIM_PROP_A) &&
		    !(mmusim_pte_flags(cfg, s->pte, s->level) & MMUSIM_PROP_A))
			set[nr++] = i;
	}
	for (unsigned k = 0; k < nr && used < len; k++) {
		const mmusim_walk_step *s = &res->steps[set[k]];
		used += (size_t)snprintf(buf + used, len - used, "%sthe %s (L%u)",
					 k == 0 ? "" : k + 1 == nr ? " and " : ", ", mmusim_config_entry_name(cfg, s->level),
					 s->level);
	}
}

/*
 * "root 0x1000" and "cr3 0x1000"; a split-root format's walk starts in one of
 * two tables: the one its first step read, or the one VA bit 55 picks when
 * none was read ("TTBR1 (kernel) root 0x2000", "ttbr1 0x2000").
 */
static void walk_root(const mmusim_config *cfg, const mmusim_request *req, uint64_t root, uint64_t upper_root,
		      uint16_t asid, const mmusim_translation *res, char *table, char *reg, size_t len)
{
	bool split = mmusim_config_split_roots(cfg), upper = false;
	char name[16];

	if (split)
		upper = res->nr_steps ? upper_root && res->steps[0].table == upper_root : va_in_upper_half(cfg, req->va);
	if (upper)
		root = upper_root;
	snprintf(table, len, "%s%sroot 0x%" PRIx64, split ? root_half_label(upper) : "", split ? " " : "", root);
	snprintf(reg, len, "%s 0x%" PRIx64,
		 split ? root_half_register(cfg, upper) : mmusim_config_walk_root_register(cfg, name, sizeof(name)),
		 mmusim_config_root_register_value(cfg, root, upper ? 0 : asid));
}

void explain_head(FILE *out, const char *verb, const mmusim_config *cfg, const mmusim_request *req,
		  uint64_t root, uint64_t upper_root, uint16_t asid,
		  const mmusim_translation *res, const struct palette *pal)
{
	static const char *const access_names[] = { "read", "write", "execute" };
	char from[64], reg[64], base[32];

	format_page_size(mmusim_config_page_size(cfg), base, sizeof(base));
	fprintf(out, "%s%s 0x%" PRIx64 "%s: %s access in %s mode; ", pal->head, verb, req->va, pal->reset,
		access_names[req->access], mmusim_priv_name(req->priv));
	term_write(out, mmusim_config_name(cfg));
	/* The table of the VA's half: TTBR1's may differ from TTBR0's in size and levels. */
	unsigned levels = mmusim_config_half_levels(cfg, va_in_upper_half(cfg, req->va));
	fprintf(out, ": %u level%s, %u-bit VA, %s pages, %u-byte PTEs\n", levels, levels == 1 ? "" : "s",
		va_half_bits(cfg, req->va), base, mmusim_config_pte_size(cfg));
	explain_va(out, cfg, req->va, pal);
	walk_root(cfg, req, root, upper_root, asid, res, from, reg, sizeof(from));
	fprintf(out, "%swalk from %s%s (%s):\n", pal->head, from, pal->reset, reg);
}

void explain_level(FILE *out, const mmusim_config *cfg, const mmusim_translation *res, unsigned i,
		   const struct palette *pal)
{
	explain_step(out, cfg, res, i, pal);
}

void explain_result(FILE *out, const mmusim_config *cfg, const mmusim_request *req, const mmusim_translation *res,
		    mmusim_machine *m, const struct palette *pal)
{
	char size[32], perms[6], code[160], where[64], why[160], set[256];

	if (res->ok) {
		uint64_t off_mask = res->page_size - 1;
		unsigned off_bits = (unsigned)__builtin_ctzll(res->page_size);
		format_page_size(res->page_size, size, sizeof(size));
		mmusim_perms_string(res->perms, perms);
		fprintf(out, "%sPA 0x%" PRIx64 "%s = frame 0x%" PRIx64 " | offset 0x%" PRIx64 " (VA bits %u:0 in a %s page)\n",
			pal->good, res->pa, pal->reset, res->pa & ~off_mask, req->va & off_mask, off_bits - 1, size);
		set_bits_text(cfg, res, m, set, sizeof(set));
		fprintf(out, "perms %s%s\n", perms, set);
		return;
	}
	mmusim_fault_describe(cfg, res, code, sizeof(code));
	fault_where(res, where, sizeof(where));
	mmusim_fault_reason_describe(cfg, req->va, res, why, sizeof(why));
	fprintf(out, "%s%s%s: %s\n", pal->bad, where, pal->reset, why);
	quote_fault_bits(out, cfg, req, res);
	/* x86 raises nothing for a PTE read outside memory: "raised: no #PF: ...", not "raised as no #PF". */
	fprintf(out, "  raised%s %s\n", strncmp(code, "no ", 3) ? " as" : ":", code);
	/* The memory the faulting walk changed, as a good walk's last line says it. */
	fault_set_a_text(cfg, res, m, set, sizeof(set));
	if (set[0])
		fprintf(out, "  the walk set A in %s before it faulted\n", set);
}

void explain_write(FILE *out, const mmusim_config *cfg, const mmusim_request *req, uint64_t root,
		   uint64_t upper_root, uint16_t asid, const mmusim_translation *res, mmusim_machine *m,
		   const struct palette *pal)
{
	explain_head(out, "explain", cfg, req, root, upper_root, asid, res, pal);
	for (unsigned i = 0; i < res->nr_steps; i++)
		explain_step(out, cfg, res, i, pal);
	explain_result(out, cfg, req, res, m, pal);
}
