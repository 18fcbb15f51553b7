/*
 * explain: a walk told level by level, for people learning what the MMU does.
 * The VA's bit fields, then per level the node, the index and the VA bits it
 * came from, the PTE's address and raw value with its bits decoded, then how
 * the PA is assembled — or which rule faulted and why.
 */
#include "cli.h"

#include <inttypes.h>

#include "pt/pt_arch.h"

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

static void explain_va(FILE *out, const struct paging_consts *pc, uint64_t va)
{
	unsigned aw = pc->address_width;

	/* A format without sign extension has no VA bits above address_width: draw them only when set. */
	fprintf(out, "VA 0x%0*" PRIx64 " split into fields:\n", pc->va_sign_ext ? 16 : (int)(aw + 3) / 4, va);
	if (aw < 64 && pc->va_sign_ext)
		fprintf(out, "  bits 63:%-2u  %-14s 0x%" PRIx64 "%s\n", aw, "sign extension",
			bits(va, 63, aw), pc_va_canonical(pc, va) ? "" : "  <- not all copies of the top VA bit: not canonical");
	else if (aw < 64 && !pc_va_canonical(pc, va))
		fprintf(out, "  bits 63:%-2u  %-14s 0x%" PRIx64 "  <- not 0: not a %u-bit VA\n", aw, "above the VA",
			bits(va, 63, aw), aw);
	for (unsigned level = pc->nr_levels; level >= 1; level--) {
		unsigned lo = pc_index_shift(pc, level), hi = lo + pc->index_bits - 1;
		unsigned idx = pc_index(pc, va, level);
		fprintf(out, "  bits %2u:%-2u  L%u index       %-4u (0x%03x, ", hi, lo, level, idx, idx);
		print_binary(out, idx, pc->index_bits);
		fputs(")\n", out);
	}
	fprintf(out, "  bits %2u:0   page offset    0x%" PRIx64 "\n", pc->page_shift - 1,
		bits(va, pc->page_shift - 1, 0));
}

void explain_walk(FILE *out, const struct machine_config *cfg, const struct walk_request *req,
		  const struct walk_result *res)
{
	const struct paging_consts *pc = &cfg->pc;
	const struct pt_arch *arch = cfg->arch;
	char flags[160], size[32], perms[6], code[128];

	fprintf(out, "translate 0x%" PRIx64 ": %s access, %s mode, config %s (%s paging, %u levels, %u-bit VA)\n",
		req->va, req->access == ACCESS_READ ? "read" : req->access == ACCESS_WRITE ? "write" : "execute",
		privilege_name(req->priv), cfg->name, arch->name, pc->nr_levels, pc->address_width);
	explain_va(out, pc, req->va);
	if (res->nr_steps)
		fprintf(out, "walk from root 0x%" PRIx64 " (%s):\n", res->steps[0].table, arch->root_register);
	for (unsigned i = 0; i < res->nr_steps; i++) {
		const struct walk_step *s = &res->steps[i];
		bool last = i + 1 == res->nr_steps;

		fprintf(out, "  L%u: table 0x%" PRIx64 " + index %u * %u = PTE at 0x%" PRIx64 "\n",
			s->level, s->table, s->index, pc->pte_size, s->pte_addr);
		if (!last || res->ok || res->fault.kind != FAULT_BUS_ERROR) {
			arch->describe_pte(pc, s->pte, s->level, flags, sizeof(flags));
			fprintf(out, "      value 0x%0*" PRIx64 "  %s\n", 2 * pc->pte_size, s->pte, flags);
		}
		if (!last)
			fprintf(out, "      -> points to the next table at 0x%" PRIx64 "\n",
				arch->pte_addr(pc, s->pte, s->level));
		else if (res->ok)
			fprintf(out, "      -> leaf: maps a %s page\n",
				(format_page_size(res->page_size, size, sizeof(size)), size));
	}
	if (res->ok) {
		uint64_t off_mask = res->page_size - 1;
		unsigned off_bits = (unsigned)__builtin_ctzll(res->page_size);
		format_page_size(res->page_size, size, sizeof(size));
		perms_format(res->perms, perms);
		fprintf(out, "PA = frame 0x%" PRIx64 " | offset 0x%" PRIx64 " (VA bits %u:0 of a %s page) = 0x%" PRIx64 "\n",
			res->pa & ~off_mask, req->va & off_mask, off_bits - 1, size, res->pa);
		fprintf(out, "perms %s", perms);
		if (res->set_accessed || res->set_dirty)
			fprintf(out, "; the walk set %s in the leaf",
				res->set_accessed && res->set_dirty ? "A and D" : res->set_accessed ? "A" : "D");
		fputc('\n', out);
		return;
	}
	arch->describe_fault(&res->fault, code, sizeof(code));
	fprintf(out, "fault: %s at level %u: %s\n", fault_kind_name(res->fault.kind), res->fault.level,
		walk_reason_text(res->fault.reason));
	fprintf(out, "  raised as %s\n", code);
}
