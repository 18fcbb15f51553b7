/*
 * explain_text: one walk told for a student.  The VA as its bit fields (sign
 * extension, one index per level, the offset) in hex and binary; per level
 * the table, the PTE's address = table + index x pte_size, the raw PTE with
 * its address field and its other bits decoded; then the PA assembled from
 * the leaf, or the rule that faulted with the bits that made it fault.
 * Field positions come from the paging constants, bit names from the arch's
 * describe_pte / describe_fault: nothing here knows an architecture.
 */
#include "draw.h"

#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "pt/pt_arch.h"

void palette_init(struct palette *p, bool on)
{
	static const char *const levels[] = { "\033[36m", "\033[33m", "\033[35m", "\033[34m", "\033[32m" };

	memset(p, 0, sizeof(*p));
	for (unsigned l = 0; l <= PT_MAX_LEVELS; l++)
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
static bool draws_high_bits(const struct paging_consts *pc, uint64_t va)
{
	return pc->address_width < 64 && (pc->va_sign_ext || !pc_va_canonical(pc, va));
}

/* Hex digits a VA is printed with: 16 with sign extension, else the VA's own width. */
static int va_digits(const struct paging_consts *pc)
{
	return pc->va_sign_ext ? 16 : (int)(pc->address_width + 3) / 4;
}

static void explain_va(FILE *out, const struct paging_consts *pc, uint64_t va, const struct palette *pal)
{
	unsigned aw = pc->address_width, widest = pc->page_shift;
	bool high = draws_high_bits(pc, va);
	char name[24], note[96];

	if (pc->index_bits > widest)
		widest = pc->index_bits;
	if (high && 64 - aw > widest)
		widest = 64 - aw;
	fprintf(out, "%sVA 0x%0*" PRIx64 "%s as its bit fields:\n", pal->head, va_digits(pc), va, pal->reset);
	fprintf(out, "  %-10s %-6s %-*s binary\n", "field", "bits", (int)(widest + 3) / 4 + 2, "hex");
	if (high) {
		if (!pc->va_sign_ext)
			snprintf(note, sizeof(note), "  not 0: NOT a %u-bit VA", aw);
		else if (pc_va_canonical(pc, va))
			snprintf(note, sizeof(note), "  copies of bit %u: canonical", aw - 1);
		else
			snprintf(note, sizeof(note), "  not all equal to bit %u: NOT canonical", aw - 1);
		field_row(out, pal->sign, pal->reset, pc->va_sign_ext ? "sign ext." : "unused", 63, aw,
			  bit_field(va, 63, aw), widest, note);
	}
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		unsigned lo = pc_index_shift(pc, level), hi = lo + pc->index_bits - 1;
		unsigned idx = pc_index(pc, va, level);
		snprintf(name, sizeof(name), "L%u index", level);
		snprintf(note, sizeof(note), "  = %u", idx);
		field_row(out, pal->level[level], pal->reset, name, hi, lo, idx, widest, note);
	}
	field_row(out, pal->offset, pal->reset, "offset", pc->page_shift - 1, 0,
		  bit_field(va, pc->page_shift - 1, 0), widest, "");
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

static void explain_step(FILE *out, const struct machine_config *cfg, const struct walker *w,
			 const struct walk_result *res, unsigned i, const struct palette *pal)
{
	const struct paging_consts *pc = &cfg->pc;
	const struct pt_arch *arch = cfg->arch;
	const struct walk_step *s = &res->steps[i];
	bool last = i + 1 == res->nr_steps;
	char flags[160], where[48], size[32];

	fprintf(out, "  %sL%u%s  table 0x%" PRIx64 " + index %u x %u = PTE at 0x%" PRIx64 "\n", pal->level[s->level],
		s->level, pal->reset, s->table, s->index, pc->pte_size, s->pte_addr);
	if (last && !res->ok && res->fault.kind == FAULT_BUS_ERROR) {
		fprintf(out, "      %sthe PTE address is outside physical memory: nothing to read%s\n", pal->bad, pal->reset);
		return;
	}
	arch->describe_pte(pc, s->pte, s->level, flags, sizeof(flags));
	fprintf(out, "      raw    0x%0*" PRIx64 "\n", 2 * pc->pte_size, s->pte);
	fprintf(out, "      bits   %s\n", flags);
	if (!arch->is_present(pc, s->pte))
		return;
	describe_mask(tree_addr_mask(w, s->pte, s->level), where, sizeof(where));
	fprintf(out, "      addr   %s = 0x%" PRIx64 "\n", where, arch->pte_addr(pc, s->pte, s->level));
	if (!last)
		fprintf(out, "      -> the next table, at 0x%" PRIx64 "\n", arch->pte_addr(pc, s->pte, s->level));
	else if (res->ok)
		fprintf(out, "      -> a leaf: maps a %s page at frame 0x%" PRIx64 "\n",
			(format_page_size(res->page_size, size, sizeof(size)), size), res->pa & ~(res->page_size - 1));
}

/* The faulting PTE, or for a bad VA its sign-extension bits: the bits the rule looked at. */
static void quote_fault_bits(FILE *out, const struct machine_config *cfg, const struct walk_request *req,
			     const struct walk_result *res)
{
	const struct paging_consts *pc = &cfg->pc;
	char flags[160];

	if (res->fault.kind == FAULT_NON_CANONICAL) {
		unsigned aw = pc->address_width;
		if (!pc->va_sign_ext)
			fprintf(out, "  the bits: VA bits 63:%u = 0x%" PRIx64 ", above the %u bits of a VA\n", aw,
				bit_field(req->va, 63, aw), aw);
		else
			fprintf(out, "  the bits: VA bits 63:%u = 0x%" PRIx64 " while bit %u = %u\n", aw,
				bit_field(req->va, 63, aw), aw - 1, (unsigned)bit_field(req->va, aw - 1, aw - 1));
		return;
	}
	for (unsigned i = 0; i < res->nr_steps; i++) {
		const struct walk_step *s = &res->steps[i];
		if (s->level != res->fault.level || res->fault.kind == FAULT_BUS_ERROR)
			continue;
		cfg->arch->describe_pte(&cfg->pc, s->pte, s->level, flags, sizeof(flags));
		fprintf(out, "  the bits: L%u PTE 0x%0*" PRIx64 " = %s\n", s->level, 2 * pc->pte_size, s->pte, flags);
	}
}

void explain_write(FILE *out, const struct machine_config *cfg, const struct walker *w,
		   const struct walk_request *req, const struct walk_result *res, const struct palette *pal)
{
	const struct paging_consts *pc = &cfg->pc;
	const struct pt_arch *arch = cfg->arch;
	char base[32], size[32], perms[6], code[160];
	static const char *const access_names[] = { "read", "write", "execute" };

	format_page_size(pc->base_page_size, base, sizeof(base));
	fprintf(out, "%sexplain 0x%" PRIx64 "%s: %s access in %s mode; %s: %u levels, %u-bit VA, %s pages, "
		"%u-byte PTEs\n", pal->head, req->va, pal->reset, access_names[req->access], privilege_name(req->priv),
		cfg->name, pc->nr_levels, pc->address_width, base, pc->pte_size);
	explain_va(out, pc, req->va, pal);
	fprintf(out, "%swalk from root 0x%" PRIx64 "%s (%s 0x%" PRIx64 "):\n", pal->head, req->root, pal->reset,
		arch->root_register, arch->encode_root_reg(pc, req->root, 0));
	for (unsigned i = 0; i < res->nr_steps; i++)
		explain_step(out, cfg, w, res, i, pal);
	if (res->ok) {
		uint64_t off_mask = res->page_size - 1;
		unsigned off_bits = (unsigned)__builtin_ctzll(res->page_size);
		format_page_size(res->page_size, size, sizeof(size));
		perms_format(res->perms, perms);
		fprintf(out, "%sPA 0x%" PRIx64 "%s = frame 0x%" PRIx64 " | offset 0x%" PRIx64 " (VA bits %u:0 in a %s page)\n",
			pal->good, res->pa, pal->reset, res->pa & ~off_mask, req->va & off_mask, off_bits - 1, size);
		fprintf(out, "perms %s", perms);
		if (res->set_accessed || res->set_dirty)
			fprintf(out, "; the walk set %s in the leaf",
				res->set_accessed && res->set_dirty ? "A and D" : res->set_accessed ? "A" : "D");
		fputc('\n', out);
		return;
	}
	arch->describe_fault(&res->fault, code, sizeof(code));
	fprintf(out, "%sfault %s at level %u%s: %s\n", pal->bad, fault_kind_name(res->fault.kind), res->fault.level,
		pal->reset, walk_reason_text(res->fault.reason));
	quote_fault_bits(out, cfg, req, res);
	fprintf(out, "  raised as %s\n", code);
}
