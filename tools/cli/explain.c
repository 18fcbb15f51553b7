/*
 * explain: a walk told level by level, for people learning what the MMU does.
 * The VA's bit fields, then per level the node, the index and the VA bits it
 * came from, the PTE's address and raw value with its bits decoded, then how
 * the PA is assembled — or which rule faulted and why.
 */
#include "cli_api.h"

#include <inttypes.h>

static uint64_t bits(uint64_t v, unsigned hi, unsigned lo)
{
	unsigned w = hi - lo + 1;
	return (v >> lo) & (w >= 64 ? UINT64_MAX : (1ull << w) - 1);
}

static void print_binary(FILE *out, uint64_t v, unsigned width)
{
	fputs("0b", out);
	for (unsigned i = width; i-- > 0;)
		fputc((v >> i) & 1 ? '1' : '0', out);
}

static void explain_va(FILE *out, const mmusim_config *cfg, uint64_t va)
{
	unsigned aw = mmusim_config_va_bits(cfg), index_bits = mmusim_config_index_bits(cfg);
	unsigned page_shift = (unsigned)__builtin_ctzll(mmusim_config_page_size(cfg));
	bool sign_ext = mmusim_config_va_sign_extended(cfg);

	/* A format without sign extension has no VA bits above address_width: draw them only when set. */
	fprintf(out, "VA 0x%0*" PRIx64 " split into fields:\n", sign_ext ? 16 : (int)(aw + 3) / 4, va);
	if (aw < 64 && sign_ext)
		fprintf(out, "  bits 63:%-2u  %-14s 0x%" PRIx64 "%s\n", aw, "sign extension",
			bits(va, 63, aw), mmusim_va_canonical(cfg, va) ? "" : "  <- not all copies of the top VA bit: not canonical");
	else if (aw < 64 && !mmusim_va_canonical(cfg, va))
		fprintf(out, "  bits 63:%-2u  %-14s 0x%" PRIx64 "  <- not 0: not a %u-bit VA\n", aw, "above the VA",
			bits(va, 63, aw), aw);
	for (unsigned level = mmusim_config_levels(cfg); level >= 1; level--) {
		unsigned lo = mmusim_config_index_shift(cfg, level), hi = lo + index_bits - 1;
		unsigned idx = mmusim_va_index(cfg, va, level);
		fprintf(out, "  bits %2u:%-2u  L%u index       %-4u (0x%03x, ", hi, lo, level, idx, idx);
		print_binary(out, idx, index_bits);
		fputs(")\n", out);
	}
	fprintf(out, "  bits %2u:0   page offset    0x%" PRIx64 "\n", page_shift - 1, bits(va, page_shift - 1, 0));
}

void explain_translation(FILE *out, const mmusim_config *cfg, const mmusim_request *req,
			 const mmusim_translation *res)
{
	unsigned pte_size = mmusim_config_pte_size(cfg);
	char flags[160], size[32], perms[6], code[128];
	bool set_a = false, set_d = false;

	fprintf(out, "translate 0x%" PRIx64 ": %s access, %s mode, config ", req->va,
		req->access == MMUSIM_READ ? "read" : req->access == MMUSIM_WRITE ? "write" : "execute",
		mmusim_priv_name(req->priv));
	term_write(out, mmusim_config_name(cfg));
	fprintf(out, " (%s paging, %u levels, %u-bit VA)\n", mmusim_config_arch(cfg), mmusim_config_levels(cfg),
		mmusim_config_va_bits(cfg));
	explain_va(out, cfg, req->va);
	if (res->nr_steps)
		fprintf(out, "walk from root 0x%" PRIx64 " (%s):\n", res->steps[0].table, mmusim_config_root_register(cfg));
	for (unsigned i = 0; i < res->nr_steps; i++) {
		const mmusim_walk_step *s = &res->steps[i];
		bool last = i + 1 == res->nr_steps;

		fprintf(out, "  L%u: table 0x%" PRIx64 " + index %u * %u = PTE at 0x%" PRIx64 "\n",
			s->level, s->table, s->index, pte_size, s->pte_addr);
		if (!last || res->ok || res->fault_kind != MMUSIM_FAULT_BUS_ERROR) {
			mmusim_pte_describe(cfg, s->pte, s->level, flags, sizeof(flags));
			fprintf(out, "      value 0x%0*" PRIx64 "  %s\n", 2 * pte_size, s->pte, flags);
		}
		if (!last)
			fprintf(out, "      -> points to the next table at 0x%" PRIx64 "\n",
				mmusim_pte_address(cfg, s->pte, s->level));
		else if (res->ok)
			fprintf(out, "      -> leaf: maps a %s page\n",
				(format_page_size(res->page_size, size, sizeof(size)), size));
	}
	if (res->ok) {
		uint64_t off_mask = res->page_size - 1;
		unsigned off_bits = (unsigned)__builtin_ctzll(res->page_size);
		format_page_size(res->page_size, size, sizeof(size));
		mmusim_perms_string(res->perms, perms);
		fprintf(out, "PA = frame 0x%" PRIx64 " | offset 0x%" PRIx64 " (VA bits %u:0 of a %s page) = 0x%" PRIx64 "\n",
			res->pa & ~off_mask, req->va & off_mask, off_bits - 1, size, res->pa);
		fprintf(out, "perms %s", perms);
		if (res->nr_steps) {
			/* Which of A and D the walk set: the leaf as read (the last step) against as left. */
			uint32_t before = mmusim_pte_flags(cfg, res->steps[res->nr_steps - 1].pte, res->level);
			uint32_t after = mmusim_pte_flags(cfg, res->leaf_pte, res->level);
			set_a = (after & MMUSIM_PROP_A) && !(before & MMUSIM_PROP_A);
			set_d = (after & MMUSIM_PROP_D) && !(before & MMUSIM_PROP_D);
		}
		if (set_a || set_d)
			fprintf(out, "; the walk set %s in the leaf", set_a && set_d ? "A and D" : set_a ? "A" : "D");
		fputc('\n', out);
		return;
	}
	mmusim_fault_describe(cfg, res, code, sizeof(code));
	fprintf(out, "fault: %s at level %u: %s\n", mmusim_fault_kind_name(res->fault_kind), res->fault_level,
		mmusim_fault_reason_text(res->fault_reason));
	fprintf(out, "  raised as %s\n", code);
}
