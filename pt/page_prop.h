/*
 * page_prop: what the OS asks of a mapping, independent of any PTE layout.
 *
 * Flags R W X U G A D plus two software-available bits, and a cache policy.
 * Each architecture's pt_arch encodes them into its own bits (x86-64: P, R/W,
 * U/S, PWT, PCD, PAT, A, D, G, XD, AVL; RISC-V: V, R, W, X, U, G, A, D, RSW,
 * PBMT).
 */
#ifndef MMUSIM_PT_PAGE_PROP_H
#define MMUSIM_PT_PAGE_PROP_H

#include <stdint.h>

enum page_flag {
	PROP_R = 1u << 0,
	PROP_W = 1u << 1,
	PROP_X = 1u << 2,
	PROP_U = 1u << 3,      /* user accessible */
	PROP_G = 1u << 4,      /* global: survives address-space switches */
	PROP_A = 1u << 5,      /* accessed, preset by software */
	PROP_D = 1u << 6,      /* dirty, preset by software */
	PROP_AVAIL1 = 1u << 7, /* software bit (x86 AVL bit 9, RISC-V RSW bit 8) */
	PROP_AVAIL2 = 1u << 8, /* software bit (x86 AVL bit 10, RISC-V RSW bit 9) */
};

enum cache_policy {
	CACHE_WB, /* write-back (normal memory) */
	CACHE_WT, /* write-through */
	CACHE_UC, /* uncacheable, strongly ordered (device memory) */
	CACHE_WC, /* write-combining */
	CACHE_WP, /* write-protected */
};

struct page_prop {
	uint32_t flags;
	enum cache_policy cache;
};

/* Short names used by traces and output: "wb" "wt" "uc" "wc" "wp". */
const char *cache_policy_name(enum cache_policy c);
/* Returns 0 and sets *out when `name` is a policy name, -1 otherwise. */
int cache_policy_parse(const char *name, enum cache_policy *out);

/*
 * Effective permissions as the hardware grants them, reported as the
 * five-character string "rwxug" with '-' for an absent permission.
 */
enum perm_bit {
	PERM_R = 1u << 0,
	PERM_W = 1u << 1,
	PERM_X = 1u << 2,
	PERM_U = 1u << 3,
	PERM_G = 1u << 4,
	/* The bits above are the public ones; a format may carry its own above them (Arm UX/PX). */
	PERM_PUBLIC = (1u << 5) - 1,
};

/* Writes the 5-character string plus NUL into buf[6]. */
void perms_format(unsigned perms, char buf[6]);

#endif
