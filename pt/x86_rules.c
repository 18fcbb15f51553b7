/* x86_rules: the x86 explaining and encoding that both paging modes share (see x86_rules.h). */
#include "x86_rules.h"

#include <stdio.h>

#include "text_buf.h"

void x86_describe_entry(uint64_t pte, unsigned level, bool large, const char *ps_not_large, uint64_t addr,
			const char *rsvd, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	text_put(buf, len, &n, "%s", (pte & X86_P) ? "P" : "not-present");
	if (pte & X86_RW) text_put(buf, len, &n, " RW");
	if (pte & X86_US) text_put(buf, len, &n, " US");
	if (pte & X86_PWT) text_put(buf, len, &n, " PWT");
	if (pte & X86_PCD) text_put(buf, len, &n, " PCD");
	if (pte & X86_A) text_put(buf, len, &n, " A");
	if (pte & X86_D) text_put(buf, len, &n, " D");
	if (level == 1 && (pte & X86_PAT_4K)) text_put(buf, len, &n, " PAT");
	if (large) text_put(buf, len, &n, " PS");
	else if (level > 1 && (pte & X86_PS)) text_put(buf, len, &n, " %s", ps_not_large);
	if (pte & X86_G) text_put(buf, len, &n, " G");
	if (pte & X86_AVL9) text_put(buf, len, &n, " AVL9");
	if (pte & X86_AVL10) text_put(buf, len, &n, " AVL10");
	if (pte & X86_AVL11) text_put(buf, len, &n, " AVL11");
	if (large && (pte & X86_PAT_LARGE)) text_put(buf, len, &n, " PAT");
	if (rsvd) text_put(buf, len, &n, "%s", rsvd);
	if (x86_pte_pkey(pte)) text_put(buf, len, &n, " PK=%u", x86_pte_pkey(pte));
	if (pte & X86_XD) text_put(buf, len, &n, " XD");
	text_put(buf, len, &n, " addr=0x%llx", (unsigned long long)addr);
}

const char *x86_entry_name_at(unsigned level)
{
	static const char *const names[] = { "PTE", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

	return level < sizeof(names) / sizeof(names[0]) ? names[level] : "entry";
}

void x86_describe_fault_bits(const struct walk_fault *f, unsigned nr_bits, char *buf, size_t len)
{
	static const char *const names[] = { "P", "W", "U", "RSVD", "I", "PK" };
	size_t n = 0;

	if (f->kind == FAULT_NON_CANONICAL) {
		snprintf(buf, len, "#GP(0)");
		return;
	}
	if (f->kind == FAULT_BUS_ERROR) {
		snprintf(buf, len, "no #PF: the %s read fails (machine check on real hardware)",
			 x86_entry_name_at(f->level));
		return;
	}
	buf[0] = '\0';
	text_put(buf, len, &n, "#PF error code 0x%llx ", (unsigned long long)f->code);
	text_put_bit_names(buf, len, &n, f->code, names, nr_bits);
}
